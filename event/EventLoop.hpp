// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>

#include "event/UniqueFd.hpp"

namespace Event {

class FdWatch;
class Timer;
class Deferred;

/**
 * One epoll loop for the whole process: file descriptors (FdWatch and the sources
 * built on it: SignalWatch, ChildWatch, InotifyWatch), timers on one timerfd, and
 * deferred work. It never wakes up unless an fd is ready or a timer is due; the
 * timerfd is disarmed while no timer is pending.
 * Arming and disarming cannot throw: a timer brings its own map node, deferred work
 * is an intrusive list, and an fd's registration is an epoll_ctl whose failure is
 * returned. Owns only the epoll fd and the timerfd. Loop thread only.
 */
class EventLoop {
  public:
    using Clock = std::chrono::steady_clock;

    /** Throws std::system_error. */
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /** Dispatches until Break(). */
    void Run() noexcept;
    /** Runs deferred work, at most one epoll_wait round (with @p timeout_ms, -1 =
     *  block) and the deferred work it scheduled; for tests and nested drivers. */
    void RunOnce(int timeout_ms) noexcept;
    void Break() noexcept { quit_ = true; }

    /** Number of epoll_wait calls so far (tests prove "no wakeup" with it; readable
     *  from another thread). */
    uint64_t GetWakeups() const noexcept { return wakeups_.load(std::memory_order_relaxed); }

  private:
    friend class FdWatch;
    friend class Timer;
    friend class Deferred;
    using TimerMap = std::multimap<Clock::time_point, Timer*>;

    /** Drops this round's not yet dispatched events of @p watch (it was cancelled). */
    void ForgetReady(const FdWatch& watch) noexcept;
    void RunDeferred() noexcept;
    void RearmTimerFd() noexcept;
    void OnTimerFd() noexcept;

    static constexpr int MAX_EVENTS = 64;

    UniqueFd epoll_;
    UniqueFd timerfd_;
    bool quit_ = false;
    std::atomic<uint64_t> wakeups_ = 0;
    /* The round being dispatched; a cancelled watch's entries are set to null. */
    std::array<epoll_event, MAX_EVENTS> ready_{};
    int ready_count_ = 0;
    int ready_next_ = 0;
    TimerMap timers_;
    Clock::time_point armed_at_{};
    /* Deferred work in order of scheduling: [0] normal, [1] late (Deferred::Order). */
    struct DeferredList {
        Deferred* head = nullptr;
        Deferred* tail = nullptr;
    };
    std::array<DeferredList, 2> deferred_{};
};

}  // namespace Event
