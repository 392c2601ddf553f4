// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "event/Callback.hpp"
#include "event/FdWatch.hpp"
#include "event/UniqueFd.hpp"

namespace Event {

/**
 * Starts @p argv with fork and execvp, with an empty signal mask (the parent may
 * block signals for a SignalWatch) and @p keep_fds kept open in the child under their
 * numbers (everything else of ours is close-on-exec). With @p end_with_parent the
 * child is sent SIGTERM when this process ends. @return its pid; watch it with a
 * ChildWatch, or it lingers as a zombie once it ends. Throws std::system_error; a
 * program that cannot be executed exits 127.
 */
pid_t SpawnProcess(const std::vector<std::string>& argv, const std::vector<int>& keep_fds = {},
                   bool end_with_parent = false);

/**
 * A child process as a loop event: its pidfd becomes readable when it ends, and the
 * watch reaps it then (waitid on the pidfd), so it never lingers as a zombie and
 * no SIGCHLD handler is needed. Loop thread only.
 */
class ChildWatch {
  public:
    /** @p status is the wait status (WIFEXITED, WEXITSTATUS, WIFSIGNALED...). */
    using Function = Callback<void(int status)>;

    ChildWatch(EventLoop& loop, Function callback) noexcept;
    /** A child still running is left to itself (sent nothing, not waited for). */
    ~ChildWatch() = default;
    ChildWatch(const ChildWatch&) = delete;
    ChildWatch& operator=(const ChildWatch&) = delete;

    /** SpawnProcess(), then Watch(). Throws std::system_error. */
    void Spawn(const std::vector<std::string>& argv, const std::vector<int>& keep_fds = {},
               bool end_with_parent = false);
    /** Watches a child started elsewhere. Throws std::system_error. */
    void Watch(pid_t pid);

    bool IsRunning() const noexcept { return pid_ > 0; }
    pid_t GetPid() const noexcept { return pid_; }
    /** Sends @p signal to the child (through the pidfd: never to a recycled pid). */
    bool Kill(int signal) noexcept;

  private:
    void OnExit() noexcept;

    Function callback_;
    pid_t pid_ = -1;
    UniqueFd pidfd_;
    FdWatch watch_;
};

}  // namespace Event
