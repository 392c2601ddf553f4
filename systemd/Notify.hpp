// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <optional>

namespace Systemd {

/** sd_notify(3) to the service manager; a no-op when not run by systemd. */
void Notify(const char* state) noexcept;

/**
 * The watchdog interval the manager expects pings within (WatchdogSec=), or
 * std::nullopt when no watchdog is configured for this process (sd_watchdog_enabled).
 */
std::optional<std::chrono::microseconds> WatchdogInterval() noexcept;

}  // namespace Systemd
