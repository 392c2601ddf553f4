// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemd/Listen.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace Systemd {

std::vector<ListenFd> TakeListenFds() {
    char** names = nullptr;
    const int n = sd_listen_fds_with_names(1, &names);
    if (n < 0) throw std::runtime_error("LISTEN_FDS is malformed");
    std::vector<ListenFd> fds;
    for (int i = 0; i < n; ++i)
        fds.push_back({SD_LISTEN_FDS_START + i, names && names[i] ? names[i] : "unknown"});
    if (names) {
        for (int i = 0; i < n; ++i) std::free(names[i]);
        std::free(names);
    }
    return fds;
}

}  // namespace Systemd
