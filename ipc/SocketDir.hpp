// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace Ipc {

/**
 * The directory holding control.sock and events.sock: @p override (--socket-dir)
 * if given, else $XDG_RUNTIME_DIR/scarlettd. Never falls back to /tmp.
 * Creates the last path component with @p mode if missing; an existing directory
 * with another mode is chmod'ed to @p mode. Refuses a directory owned by another
 * uid than geteuid(), a symlink or a non-directory.
 * Throws std::runtime_error with a message fit for the user (XDG_RUNTIME_DIR
 * unset or relative, refused directory) or std::system_error.
 * @return an absolute path without a trailing slash
 */
std::string ResolveSocketDir(std::optional<std::string> override, mode_t mode = 0700);

/** @p dir + "/control.sock". */
std::string ControlSocketPath(const std::string& dir);
/** @p dir + "/events.sock". */
std::string EventsSocketPath(const std::string& dir);

}  // namespace Ipc
