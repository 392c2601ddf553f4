// SPDX-License-Identifier: GPL-3.0-or-later
#include "systemd/Notify.hpp"

#include <systemd/sd-daemon.h>

namespace Systemd {

void Notify(const char* state) noexcept { sd_notify(0, state); }

}  // namespace Systemd
