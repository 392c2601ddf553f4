// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Where simulated devices meet their clients: one directory per user holding, for a
 * device instance NAME, `NAME.sock` (ALSA plugin clients; absent while "unplugged")
 * and `NAME.ctl` (the hardware-action tool; present while the simulator runs).
 * No libasound: scarlettd, the simulator and the ALSA plugin all link it.
 */

#include <filesystem>
#include <string>
#include <string_view>

namespace Sim {

/**
 * $SCARLETT_SIM_DIR if set, else $XDG_RUNTIME_DIR/scarlett-sim, else
 * /run/user/<uid>/scarlett-sim (or /tmp/scarlett-sim-<uid> when /run/user/<uid> does
 * not exist). Creates the last component with mode 0700 if missing; refuses one that is
 * a symlink or belongs to another user, and makes one of ours private (std::runtime_error).
 * Throws std::system_error when it cannot be created.
 */
std::filesystem::path SimDir();

/** True for 1..64 characters of [A-Za-z0-9._-] not starting with '.' or '-'. */
bool IsValidInstanceName(std::string_view name) noexcept;

/** <SimDir()>/<name>.sock. Throws std::invalid_argument for an invalid name. */
std::filesystem::path SocketPath(std::string_view name);

/** <SimDir()>/<name>.ctl. Throws std::invalid_argument for an invalid name. */
std::filesystem::path ControlSocketPath(std::string_view name);

/**
 * An ALSA card id for @p name the way the kernel derives one: alphanumerics only,
 * a leading digit prefixed with 'D', at most 15 characters ("scarlettgen318i").
 */
std::string CardIdFor(std::string_view name);

}  // namespace Sim
