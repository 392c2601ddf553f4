// SPDX-License-Identifier: GPL-3.0-or-later
#include "event/ChildWatch.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace Event {

namespace {

/* Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot
 * link its wrappers. */
int PidfdOpen(pid_t pid) noexcept {
    return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}
int PidfdSendSignal(int pidfd, int signal) noexcept {
    return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0));
}

}  // namespace

pid_t SpawnProcess(const std::vector<std::string>& argv, const std::vector<int>& keep_fds,
                   bool end_with_parent) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) throw std::system_error(errno, std::system_category(), "fork");
    if (pid == 0) {
        /* Only async-signal-safe calls from here to exec. */
        if (end_with_parent) {
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (getppid() != parent) _exit(1);
        }
        /* Default dispositions before unblocking: a signal arriving before exec
         * must not run a handler of the parent's in this copy of it. */
        for (int signal = 1; signal < NSIG; ++signal) ::signal(signal, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int fd : keep_fds) fcntl(fd, F_SETFD, 0);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

ChildWatch::ChildWatch(EventLoop& loop, Function callback) noexcept
    : callback_(std::move(callback)), watch_(loop, [this](uint32_t) noexcept { OnExit(); }) {}

void ChildWatch::Spawn(const std::vector<std::string>& argv, const std::vector<int>& keep_fds,
                       bool end_with_parent) {
    Watch(SpawnProcess(argv, keep_fds, end_with_parent));
}

void ChildWatch::Watch(pid_t pid) {
    UniqueFd fd(PidfdOpen(pid));
    if (!fd) throw std::system_error(errno, std::system_category(), "pidfd_open");
    if (!watch_.Open(fd.Get(), EPOLLIN))
        throw std::system_error(errno, std::system_category(), "epoll_ctl(pidfd)");
    pidfd_ = std::move(fd);
    pid_ = pid;
}

bool ChildWatch::Kill(int signal) noexcept {
    return pidfd_ && PidfdSendSignal(pidfd_.Get(), signal) == 0;
}

void ChildWatch::OnExit() noexcept {
    siginfo_t info{};
    if (waitid(P_PIDFD, static_cast<id_t>(pidfd_.Get()), &info, WEXITED | WNOHANG) < 0 ||
        info.si_pid == 0)
        return;
    /* Back to a wait(2) status, which WIFEXITED() and friends read. */
    const int status = info.si_code == CLD_EXITED ? W_EXITCODE(info.si_status, 0)
                                                  : W_EXITCODE(0, info.si_status & 0x7f);
    watch_.Cancel();
    pidfd_.Reset();
    pid_ = -1;
    callback_(status);
}

}  // namespace Event
