// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemd/Notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace Systemd {

void Notify(const char* state) noexcept {
    /* sd_notify() sends on a blocking socket: a manager (or a test) that does not read
     * its queue would freeze the whole daemon. The datagram goes without waiting and
     * is dropped when the queue is full; systemd reads its socket at once. */
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || (path[0] != '/' && path[0] != '@')) return;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const size_t length = std::strlen(path);
    if (length >= sizeof(address.sun_path)) return;
    std::memcpy(address.sun_path, path, length);
    if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return;
    [[maybe_unused]] const ssize_t n =
        sendto(fd, state, std::strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&address),
               static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length));
    close(fd);
}

std::optional<std::chrono::microseconds> WatchdogInterval() noexcept {
    uint64_t usec = 0;
    /* Keep WATCHDOG_USEC in the environment: tests and re-reads see the same value. */
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec);
}

}  // namespace Systemd
