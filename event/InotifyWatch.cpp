// SPDX-License-Identifier: GPL-3.0-or-later
#include "event/InotifyWatch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

namespace Event {

InotifyWatch::InotifyWatch(EventLoop& loop, Function callback, Done done) noexcept
    : callback_(std::move(callback)),
      done_(std::move(done)),
      watch_(loop, [this](uint32_t) noexcept { OnReadable(); }) {}

bool InotifyWatch::Open() noexcept {
    UniqueFd fd(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!fd || !watch_.Open(fd.Get(), EPOLLIN)) return false;
    fd_ = std::move(fd);
    return true;
}

int InotifyWatch::Add(const char* path, uint32_t mask) noexcept {
    if (!fd_) {
        errno = EBADF;
        return -1;
    }
    return inotify_add_watch(fd_.Get(), path, mask);
}

void InotifyWatch::Remove(int wd) noexcept {
    if (fd_ && wd >= 0) inotify_rm_watch(fd_.Get(), wd);
}

void InotifyWatch::OnReadable() noexcept {
    alignas(inotify_event) char buffer[4096];
    bool any = false;
    ssize_t n;
    while ((n = read(fd_.Get(), buffer, sizeof(buffer))) > 0) {
        for (char* p = buffer; p < buffer + n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(p);
            p += sizeof(inotify_event) + ev->len;
            /* The kernel pads the name with NULs up to len. */
            callback_(InotifyEvent{ev->wd, ev->mask, ev->len ? std::string_view(ev->name) : ""});
            any = true;
        }
    }
    if (any && done_) done_();
}

}  // namespace Event
