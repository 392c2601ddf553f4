// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemd/Notify.hpp"

#include <systemd/sd-daemon.h>

namespace Systemd {

void Notify(const char* state) noexcept {
    sd_notify(0, state);
}

std::optional<std::chrono::microseconds> WatchdogInterval() noexcept {
    uint64_t usec = 0;
    /* Keep WATCHDOG_USEC in the environment: tests and re-reads see the same value. */
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec);
}

}  // namespace Systemd
