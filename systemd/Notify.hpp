// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace Systemd {

/** sd_notify(3) to the service manager; a no-op when not run by systemd. */
void Notify(const char* state) noexcept;

}  // namespace Systemd
