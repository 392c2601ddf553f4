// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Runs work on the daemon's loop thread from another thread and waits for it. The
 * daemon is single-threaded; this is the only door into it besides the fake cards'
 * own eventfds.
 */

#include <deque>
#include <functional>
#include <future>
#include <mutex>

#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/UniqueFd.hpp"

namespace Testbed {

class LoopBridge {
  public:
    /** Loop thread (or before the loop runs). Throws std::system_error. */
    explicit LoopBridge(Event::EventLoop& loop);
    ~LoopBridge();
    LoopBridge(const LoopBridge&) = delete;
    LoopBridge& operator=(const LoopBridge&) = delete;

    /** Any thread but the loop's: runs @p work there. @return false once stopped. */
    bool Call(std::function<void()> work);

    /**
     * Returns after the loop has dispatched everything that was ready when it was
     * called (kernel-like card events) and the deferred work that followed (the
     * flush to clients). Two round trips: epoll returns every ready fd in the round
     * that serves the first one, deferred work runs after that round.
     */
    bool Settle() {
        return Call([] {}) && Call([] {});
    }

    /** After the loop ended: every waiting and later Call() returns false. */
    void Stop();

  private:
    struct Task {
        std::function<void()> work;
        std::promise<bool> done;
    };
    void OnReady() noexcept;

    Event::UniqueFd fd_;
    Event::FdWatch watch_;
    std::mutex mutex_;
    std::deque<Task> tasks_;
    bool stopped_ = false;
};

}  // namespace Testbed
