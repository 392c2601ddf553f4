// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <string_view>

namespace Ipc {

/** How much a line matters: Error is a bug or a failure of the daemon itself,
 *  Warning a failure of one connection or of the system, Notice a client's doing. */
enum class LogLevel { Error, Warning, Notice };

/** Receives one log line (no trailing newline) from the ipc layer. */
using LogSink = std::function<void(LogLevel level, std::string_view line)>;

/**
 * Replaces where ipc log lines go; an empty sink restores the default, which writes
 * "scarlettd: ipc: <line>\n" to stderr with a single write(2). Loop thread only.
 */
void SetLogSink(LogSink sink);

/** Logs one line through the current sink. */
void Log(LogLevel level, std::string_view line) noexcept;

}  // namespace Ipc
