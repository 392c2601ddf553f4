// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "event/Callback.hpp"
#include "event/EventLoop.hpp"

namespace Event {

/**
 * A one-shot monotonic timer. All timers share the loop's timerfd, which is
 * disarmed while none is pending, so an idle loop has no wakeups. The timer owns
 * the node it occupies in the loop's list, allocated once here: Schedule() and
 * Cancel() cannot fail. Loop thread only; not movable.
 */
class Timer {
  public:
    using Clock = EventLoop::Clock;
    using Function = Callback<void()>;

    /** Throws std::bad_alloc (the node). */
    Timer(EventLoop& loop, Function callback);
    ~Timer() { Cancel(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    /** (Re)arms the timer to fire once after @p delay (saturated: a delay beyond the
     *  clock's range is "never", not a time in the past). */
    void Schedule(Clock::duration delay) noexcept;
    void Cancel() noexcept;
    bool IsPending() const noexcept { return pending_; }

  private:
    friend class EventLoop;
    EventLoop& loop_;
    Function callback_;
    bool pending_ = false;
    /* Holds the node while the timer is not in the loop's map. */
    EventLoop::TimerMap::node_type node_;
    EventLoop::TimerMap::iterator position_;
};

}  // namespace Event
