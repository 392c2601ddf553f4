// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

#include "event/Callback.hpp"
#include "event/EventLoop.hpp"

namespace Event {

/**
 * Watches one file descriptor (not owned) for epoll events; the callback gets the
 * returned epoll flags. Level-triggered, like alsactl monitor: whatever a callback
 * leaves unread wakes the loop again. Destroying or cancelling a watch from any
 * callback is safe, also one whose event is pending in the same round.
 * Loop thread only.
 */
class FdWatch {
  public:
    using Function = Callback<void(uint32_t events)>;

    FdWatch(EventLoop& loop, Function callback) noexcept
        : loop_(loop), callback_(std::move(callback)) {}
    ~FdWatch() { Cancel(); }
    FdWatch(const FdWatch&) = delete;
    FdWatch& operator=(const FdWatch&) = delete;

    /** Watches @p fd for @p events (EPOLLIN, EPOLLOUT, ...), replacing an earlier fd.
     *  @return false with errno set when epoll refuses it (ENOMEM, ENOSPC, EPERM). */
    [[nodiscard]] bool Open(int fd, uint32_t events) noexcept;
    /** Changes the watched flags; 0 keeps the fd registered but silent (EPOLLHUP and
     *  EPOLLERR are still reported). @return false with errno set on failure. */
    [[nodiscard]] bool Modify(uint32_t events) noexcept;
    /** Removes the fd from the epoll set (before the owner closes it). */
    void Cancel() noexcept;

    bool IsOpen() const noexcept { return fd_ >= 0; }
    int GetFd() const noexcept { return fd_; }
    uint32_t GetEvents() const noexcept { return events_; }

  private:
    friend class EventLoop;
    EventLoop& loop_;
    Function callback_;
    int fd_ = -1;
    uint32_t events_ = 0;
};

}  // namespace Event
