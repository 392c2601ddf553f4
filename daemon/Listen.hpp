// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "daemon/Options.hpp"
#include "ipc/Server.hpp"

/**
 * The two listening sockets. Under socket activation the service manager owns them
 * and passes them in (a restart loses no connection attempt: the backlog stays with
 * systemd); otherwise, or for a kind it did not pass, they are bound here, in the
 * socket directory (--socket-dir, $SCARLETTD_SOCKET_DIR, $XDG_RUNTIME_DIR/scarlettd,
 * or /run/scarlettd with --system). With --system, the sockets' group may connect.
 * Throws std::runtime_error / std::system_error with a message for the user.
 */
void Listen(Ipc::Server& server, const Options& options);
