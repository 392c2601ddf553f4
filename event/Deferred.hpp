// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "event/Callback.hpp"
#include "event/EventLoop.hpp"

namespace Event {

/**
 * Work that runs once, after the current dispatch round and before the loop sleeps
 * again (MPD's idle flush): many events coalesced into one action. Scheduled work
 * runs in the order it was scheduled; scheduling is an intrusive list insertion and
 * cannot fail. Late work runs only once no normal work is pending, one at a time:
 * what can wait for the replies and notifications of the round to be written first
 * (a check after a change). Loop thread only; not movable.
 */
class Deferred {
  public:
    using Function = Callback<void()>;
    enum class Order { Normal, Late };

    Deferred(EventLoop& loop, Function callback, Order order = Order::Normal) noexcept
        : loop_(loop), callback_(std::move(callback)), late_(order == Order::Late) {}
    ~Deferred() { Cancel(); }
    Deferred(const Deferred&) = delete;
    Deferred& operator=(const Deferred&) = delete;

    void Schedule() noexcept;
    void Cancel() noexcept;
    bool IsPending() const noexcept { return pending_; }

  private:
    friend class EventLoop;
    EventLoop& loop_;
    Function callback_;
    const bool late_;
    bool pending_ = false;
    Deferred* prev_ = nullptr;
    Deferred* next_ = nullptr;
};

}  // namespace Event
