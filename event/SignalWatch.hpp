// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <signal.h>

#include <initializer_list>

#include "event/Callback.hpp"
#include "event/FdWatch.hpp"
#include "event/UniqueFd.hpp"

namespace Event {

/**
 * Signals as loop events: blocks them for the process and reads them from a
 * signalfd, so a handler runs in the loop thread like any other callback (no
 * async-signal-safety rules). The previous signal mask is restored on destruction.
 * Children inherit the blocked mask across exec: ChildWatch::Spawn clears it in the
 * child. One per process for a given signal. Loop thread only.
 */
class SignalWatch {
  public:
    using Function = Callback<void(int signal)>;

    /** Throws std::system_error. */
    SignalWatch(EventLoop& loop, std::initializer_list<int> signals, Function callback);
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

  private:
    void OnReadable() noexcept;

    Function callback_;
    sigset_t previous_{};
    UniqueFd fd_;
    FdWatch watch_;
};

}  // namespace Event
