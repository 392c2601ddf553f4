// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "daemon/event/UniqueFd.hpp"

namespace Event {

class EventLoop;

/**
 * Watches one file descriptor (not owned) for epoll events. The callback gets the
 * returned epoll flags. Level-triggered, like alsactl monitor: whatever a callback
 * leaves unread wakes the loop again.
 * Loop thread only; destroying or cancelling a watch from any callback is safe.
 */
class FdWatch {
  public:
    using Callback = std::function<void(uint32_t events)>;

    FdWatch(EventLoop& loop, Callback callback) noexcept
        : loop_(loop), callback_(std::move(callback)) {}
    ~FdWatch() { Cancel(); }
    FdWatch(const FdWatch&) = delete;
    FdWatch& operator=(const FdWatch&) = delete;

    /** Watches @p fd for @p events (EPOLLIN, EPOLLOUT, ...). Throws std::system_error. */
    void Open(int fd, uint32_t events);
    /** Changes the watched flags; 0 keeps the fd registered but silent. */
    void Modify(uint32_t events);
    /** Removes the fd from the epoll set (before the owner closes it). */
    void Cancel() noexcept;

    bool IsOpen() const noexcept { return fd_ >= 0; }
    int GetFd() const noexcept { return fd_; }
    uint32_t GetEvents() const noexcept { return events_; }

  private:
    friend class EventLoop;
    EventLoop& loop_;
    Callback callback_;
    int fd_ = -1;
    uint32_t events_ = 0;
    uint64_t key_ = 0;
};

/**
 * A one-shot monotonic timer. All timers share one timerfd which is disarmed while
 * no timer is pending, so an idle loop has no wakeups. Loop thread only.
 */
class Timer {
  public:
    using Callback = std::function<void()>;
    using Clock = std::chrono::steady_clock;

    Timer(EventLoop& loop, Callback callback) noexcept
        : loop_(loop), callback_(std::move(callback)) {}
    ~Timer() { Cancel(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    /** (Re)arms the timer to fire once after @p delay. */
    void Schedule(Clock::duration delay);
    void Cancel() noexcept;
    bool IsPending() const noexcept { return pending_; }

  private:
    friend class EventLoop;
    EventLoop& loop_;
    Callback callback_;
    bool pending_ = false;
    std::multimap<Clock::time_point, Timer*>::iterator position_;
};

/**
 * Work that runs once, after the current dispatch round and before the loop sleeps
 * again (MPD's idle flush): used to coalesce many events into one action.
 */
class Deferred {
  public:
    using Callback = std::function<void()>;

    Deferred(EventLoop& loop, Callback callback) noexcept
        : loop_(loop), callback_(std::move(callback)) {}
    ~Deferred() { Cancel(); }
    Deferred(const Deferred&) = delete;
    Deferred& operator=(const Deferred&) = delete;

    void Schedule() noexcept;
    void Cancel() noexcept;
    bool IsPending() const noexcept { return pending_; }

  private:
    friend class EventLoop;
    EventLoop& loop_;
    Callback callback_;
    bool pending_ = false;
};

/**
 * The daemon's single epoll loop: file descriptors, timers (one timerfd) and deferred
 * work. It never wakes up unless an fd is ready or a timer is due.
 * Owns only the epoll fd and the timerfd. Single-threaded: loop thread only.
 */
class EventLoop {
  public:
    /** Throws std::system_error. */
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /** Dispatches until Break(). Callback exceptions are a bug: they propagate. */
    void Run();
    /** Runs at most one epoll_wait round (with @p timeout_ms, -1 = block); for tests. */
    void RunOnce(int timeout_ms);
    void Break() noexcept { quit_ = true; }

    /** Number of epoll_wait calls so far (tests prove "no wakeup" with it; readable
     *  from another thread). */
    uint64_t GetWakeups() const noexcept { return wakeups_.load(std::memory_order_relaxed); }

  private:
    friend class FdWatch;
    friend class Timer;
    friend class Deferred;

    void RunDeferred();
    void RearmTimerFd() noexcept;
    void OnTimerFd();

    UniqueFd epoll_;
    UniqueFd timerfd_;
    bool quit_ = false;
    std::atomic<uint64_t> wakeups_ = 0;
    uint64_t next_key_ = 1;
    std::unordered_map<uint64_t, FdWatch*> watches_;
    std::multimap<Timer::Clock::time_point, Timer*> timers_;
    Timer::Clock::time_point armed_at_{};
    std::vector<Deferred*> deferred_;
};

}  // namespace Event
