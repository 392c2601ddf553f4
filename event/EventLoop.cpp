// SPDX-License-Identifier: GPL-3.0-or-later
#include "event/EventLoop.hpp"

#include <sys/timerfd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "event/Deferred.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"

namespace Event {

namespace {

[[noreturn]] void ThrowErrno(const char* what) {
    throw std::system_error(errno, std::system_category(), what);
}

}  // namespace

EventLoop::EventLoop()
    : epoll_(epoll_create1(EPOLL_CLOEXEC)),
      timerfd_(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) {
    if (!epoll_) ThrowErrno("epoll_create1");
    if (!timerfd_) ThrowErrno("timerfd_create");
    epoll_event ev{};
    ev.events = EPOLLIN;
    /* Every other registration is an FdWatch; the timerfd is told apart by address. */
    ev.data.ptr = &timerfd_;
    if (epoll_ctl(epoll_.Get(), EPOLL_CTL_ADD, timerfd_.Get(), &ev) < 0) ThrowErrno("epoll_ctl");
}

EventLoop::~EventLoop() = default;

bool FdWatch::Open(int fd, uint32_t events) noexcept {
    Cancel();
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = this;
    if (epoll_ctl(loop_.epoll_.Get(), EPOLL_CTL_ADD, fd, &ev) < 0) return false;
    fd_ = fd;
    events_ = events;
    return true;
}

bool FdWatch::Modify(uint32_t events) noexcept {
    if (fd_ < 0 || events == events_) return true;
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = this;
    if (epoll_ctl(loop_.epoll_.Get(), EPOLL_CTL_MOD, fd_, &ev) < 0) return false;
    events_ = events;
    return true;
}

void FdWatch::Cancel() noexcept {
    if (fd_ < 0) return;
    /* The fd may already be dead (card unplugged): EPOLL_CTL_DEL errors are harmless. */
    epoll_ctl(loop_.epoll_.Get(), EPOLL_CTL_DEL, fd_, nullptr);
    loop_.ForgetReady(*this);
    fd_ = -1;
    events_ = 0;
}

void EventLoop::ForgetReady(const FdWatch& watch) noexcept {
    for (int i = ready_next_; i < ready_count_; ++i)
        if (ready_[i].data.ptr == &watch) ready_[i].data.ptr = nullptr;
}

Timer::Timer(EventLoop& loop, Function callback) : loop_(loop), callback_(std::move(callback)) {
    EventLoop::TimerMap scratch;
    scratch.emplace(Clock::time_point{}, this);
    node_ = scratch.extract(scratch.begin());
}

void Timer::Schedule(Clock::duration delay) noexcept {
    if (pending_) node_ = loop_.timers_.extract(position_);
    const auto now = Clock::now();
    node_.key() = delay > Clock::time_point::max() - now ? Clock::time_point::max() : now + delay;
    /* Re-inserting an extracted node allocates nothing. */
    position_ = loop_.timers_.insert(std::move(node_));
    pending_ = true;
    loop_.RearmTimerFd();
}

void Timer::Cancel() noexcept {
    if (!pending_) return;
    node_ = loop_.timers_.extract(position_);
    pending_ = false;
    loop_.RearmTimerFd();
}

void Deferred::Schedule() noexcept {
    if (pending_) return;
    pending_ = true;
    auto& list = loop_.deferred_[late_];
    prev_ = list.tail;
    next_ = nullptr;
    (prev_ ? prev_->next_ : list.head) = this;
    list.tail = this;
}

void Deferred::Cancel() noexcept {
    if (!pending_) return;
    pending_ = false;
    auto& list = loop_.deferred_[late_];
    (prev_ ? prev_->next_ : list.head) = next_;
    (next_ ? next_->prev_ : list.tail) = prev_;
    prev_ = next_ = nullptr;
}

void EventLoop::RearmTimerFd() noexcept {
    const auto next = timers_.empty() ? Clock::time_point{} : timers_.begin()->first;
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

void EventLoop::OnTimerFd() noexcept {
    uint64_t expirations;
    while (read(timerfd_.Get(), &expirations, sizeof(expirations)) > 0) {
    }
    armed_at_ = {};
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
        Timer* timer = timers_.begin()->second;
        timer->node_ = timers_.extract(timers_.begin());
        timer->pending_ = false;
        timer->callback_();
    }
    RearmTimerFd();
}

void EventLoop::RunDeferred() noexcept {
    /* A callback may schedule more deferred work; it runs in the same pass. Late work
     * waits until no normal work is left, and what it schedules runs before the next. */
    for (;;) {
        Deferred* d = deferred_[0].head ? deferred_[0].head : deferred_[1].head;
        if (!d) return;
        d->Cancel();
        d->callback_();
    }
}

void EventLoop::RunOnce(int timeout_ms) noexcept {
    RunDeferred();
    const int n = epoll_wait(epoll_.Get(), ready_.data(), MAX_EVENTS, timeout_ms);
    wakeups_.fetch_add(1, std::memory_order_relaxed);
    if (n < 0 && errno != EINTR) {
        /* EBADF, EINVAL: the epoll fd itself is broken. Every later call would fail
         * at once; a spinning daemon is worse than one that dies and is restarted. */
        std::perror("epoll_wait");
        std::abort();
    }
    ready_count_ = n > 0 ? n : 0;
    bool timers_due = false;
    for (ready_next_ = 0; ready_next_ < ready_count_;) {
        const epoll_event event = ready_[ready_next_++];
        if (event.data.ptr == &timerfd_)
            timers_due = true;
        else if (event.data.ptr != nullptr)
            static_cast<FdWatch*>(event.data.ptr)->callback_(event.events);
    }
    ready_count_ = ready_next_ = 0;
    /* Timers last: work that yielded its turn (a zero-delay timer) goes on after every
     * fd that became ready meanwhile, not before the ones that happen to follow it. */
    if (timers_due) OnTimerFd();
    RunDeferred();
}

void EventLoop::Run() noexcept {
    quit_ = false;
    while (!quit_) RunOnce(-1);
}

}  // namespace Event
