// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "event/Callback.hpp"
#include "event/EventLoop.hpp"

namespace Event {

/**
 * Work that runs once, after the current dispatch round and before the loop sleeps
 * again (MPD's idle flush): many events coalesced into one action. Scheduled work
 * runs in the order it was scheduled; scheduling is an intrusive list insertion and
 * cannot fail. Loop thread only; not movable.
 */
class Deferred {
  public:
    using Function = Callback<void()>;

    Deferred(EventLoop& loop, Function callback) noexcept
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
    Function callback_;
    bool pending_ = false;
    Deferred* prev_ = nullptr;
    Deferred* next_ = nullptr;
};

}  // namespace Event
