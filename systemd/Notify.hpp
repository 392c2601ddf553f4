// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <optional>

namespace Systemd {

/** A notification to the service manager (sd_notify(3)); a no-op when not run by
 *  systemd. Never blocks: dropped when the manager's queue is full. */
void Notify(const char* state) noexcept;

/**
 * The watchdog interval the manager expects pings within (WatchdogSec=), or
 * std::nullopt when no watchdog is configured for this process (sd_watchdog_enabled).
 */
std::optional<std::chrono::microseconds> WatchdogInterval() noexcept;

}  // namespace Systemd
