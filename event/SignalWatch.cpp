// SPDX-License-Identifier: GPL-3.0-or-later
#include "event/SignalWatch.hpp"

#include <sys/signalfd.h>

#include <cerrno>
#include <system_error>

namespace Event {

SignalWatch::SignalWatch(EventLoop& loop, std::initializer_list<int> signals, Function callback)
    : callback_(std::move(callback)), watch_(loop, [this](uint32_t) noexcept { OnReadable(); }) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int signal : signals) sigaddset(&mask, signal);
    fd_.Reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_) throw std::system_error(errno, std::system_category(), "signalfd");
    /* Blocked, or the default action would run before the signalfd saw them. */
    if (sigprocmask(SIG_BLOCK, &mask, &previous_) < 0)
        throw std::system_error(errno, std::system_category(), "sigprocmask");
    if (!watch_.Open(fd_.Get(), EPOLLIN)) {
        const int error = errno;
        sigprocmask(SIG_SETMASK, &previous_, nullptr);
        throw std::system_error(error, std::system_category(), "epoll_ctl(signalfd)");
    }
}

SignalWatch::~SignalWatch() {
    watch_.Cancel();
    sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

void SignalWatch::OnReadable() noexcept {
    signalfd_siginfo info;
    while (read(fd_.Get(), &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info)))
        callback_(static_cast<int>(info.ssi_signo));
}

}  // namespace Event
