// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace Systemd {

/** One socket passed by socket activation, with its FileDescriptorName=. */
struct ListenFd {
    int fd;
    std::string name;  // "unknown" when the manager gave none
};

/**
 * The sockets systemd passed to this process (sd_listen_fds_with_names), empty when
 * not socket-activated. Unsets LISTEN_* so children do not inherit them; the caller
 * owns the fds (they are close-on-exec).
 */
std::vector<ListenFd> TakeListenFds();

}  // namespace Systemd
