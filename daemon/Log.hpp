// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

/*
 * Leveled logging to stderr. Under systemd (JOURNAL_STREAM set) each line starts
 * with a syslog priority prefix ("<4>") that journald turns into PRIORITY=.
 */
namespace Log {

enum class Level { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

/** -q lowers, -v raises; default Notice: an idle, healthy daemon logs nothing. */
void SetMaxLevel(Level level) noexcept;
bool Enabled(Level level) noexcept;
void Write(Level level, std::string_view message) noexcept;

inline void Error(std::string_view m) noexcept { Write(Level::Error, m); }
inline void Warning(std::string_view m) noexcept { Write(Level::Warning, m); }
inline void Notice(std::string_view m) noexcept { Write(Level::Notice, m); }
inline void Info(std::string_view m) noexcept { Write(Level::Info, m); }
inline void Debug(std::string_view m) noexcept { Write(Level::Debug, m); }

}  // namespace Log
