// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/event/EventLoop.hpp"

#include <sys/timerfd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace Event {

namespace {

[[noreturn]] void ThrowErrno(const char* what) {
    throw std::system_error(errno, std::system_category(), what);
}

constexpr uint64_t TIMERFD_KEY = 0;
constexpr int MAX_EVENTS = 64;

}  // namespace

EventLoop::EventLoop()
    : epoll_(epoll_create1(EPOLL_CLOEXEC)),
      timerfd_(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) {
    if (!epoll_) ThrowErrno("epoll_create1");
    if (!timerfd_) ThrowErrno("timerfd_create");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = TIMERFD_KEY;
    if (epoll_ctl(epoll_.Get(), EPOLL_CTL_ADD, timerfd_.Get(), &ev) < 0) ThrowErrno("epoll_ctl");
}

EventLoop::~EventLoop() = default;

void FdWatch::Open(int fd, uint32_t events) {
    Cancel();
    key_ = loop_.next_key_++;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = key_;
    if (epoll_ctl(loop_.epoll_.Get(), EPOLL_CTL_ADD, fd, &ev) < 0) ThrowErrno("epoll_ctl(ADD)");
    fd_ = fd;
    events_ = events;
    loop_.watches_.emplace(key_, this);
}

void FdWatch::Modify(uint32_t events) {
    if (fd_ < 0 || events == events_) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = key_;
    if (epoll_ctl(loop_.epoll_.Get(), EPOLL_CTL_MOD, fd_, &ev) < 0) ThrowErrno("epoll_ctl(MOD)");
    events_ = events;
}

void FdWatch::Cancel() noexcept {
    if (fd_ < 0) return;
    /* The fd may already be dead (card unplugged): EPOLL_CTL_DEL errors are harmless,
     * and the key lookup below keeps a stale event of this round from dispatching. */
    epoll_ctl(loop_.epoll_.Get(), EPOLL_CTL_DEL, fd_, nullptr);
    loop_.watches_.erase(key_);
    fd_ = -1;
    events_ = 0;
}

void Timer::Schedule(Clock::duration delay) {
    Cancel();
    position_ = loop_.timers_.emplace(Clock::now() + delay, this);
    pending_ = true;
    loop_.RearmTimerFd();
}

void Timer::Cancel() noexcept {
    if (!pending_) return;
    loop_.timers_.erase(position_);
    pending_ = false;
    loop_.RearmTimerFd();
}

void Deferred::Schedule() noexcept {
    if (pending_) return;
    pending_ = true;
    loop_.deferred_.push_back(this);
}

void Deferred::Cancel() noexcept {
    if (!pending_) return;
    pending_ = false;
    std::erase(loop_.deferred_, this);
}

void EventLoop::RearmTimerFd() noexcept {
    const auto next = timers_.empty() ? Timer::Clock::time_point{} : timers_.begin()->first;
    if (next == armed_at_) return;
    armed_at_ = next;
    itimerspec spec{};
    if (!timers_.empty()) {
        const auto ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(next.time_since_epoch()).count();
        /* steady_clock is CLOCK_MONOTONIC on Linux, so its epoch is the timerfd's. */
        spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
        spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
        if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    }
    timerfd_settime(timerfd_.Get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::OnTimerFd() {
    uint64_t expirations;
    while (read(timerfd_.Get(), &expirations, sizeof(expirations)) > 0) {
    }
    armed_at_ = {};
    const auto now = Timer::Clock::now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
        Timer* timer = timers_.begin()->second;
        timers_.erase(timers_.begin());
        timer->pending_ = false;
        timer->callback_();
    }
    RearmTimerFd();
}

void EventLoop::RunDeferred() {
    /* A callback may schedule more deferred work; it runs in the same pass. */
    while (!deferred_.empty()) {
        Deferred* d = deferred_.front();
        deferred_.erase(deferred_.begin());
        d->pending_ = false;
        d->callback_();
    }
}

void EventLoop::RunOnce(int timeout_ms) {
    RunDeferred();
    epoll_event events[MAX_EVENTS];
    const int n = epoll_wait(epoll_.Get(), events, MAX_EVENTS, timeout_ms);
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    if (n < 0) {
        if (errno == EINTR) return;
        ThrowErrno("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        const uint64_t key = events[i].data.u64;
        if (key == TIMERFD_KEY) {
            OnTimerFd();
            continue;
        }
        auto it = watches_.find(key);
        if (it == watches_.end()) continue; /* cancelled earlier in this round */
        FdWatch* w = it->second;
        w->callback_(events[i].events);
    }
    RunDeferred();
}

void EventLoop::Run() {
    quit_ = false;
    while (!quit_) RunOnce(-1);
}

}  // namespace Event
