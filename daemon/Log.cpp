// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/Log.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace Log {

namespace {
Level max_level = Level::Notice;
const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
}  // namespace

void SetMaxLevel(Level level) noexcept { max_level = level; }

bool Enabled(Level level) noexcept { return static_cast<int>(level) <= static_cast<int>(max_level); }

void Write(Level level, std::string_view message) noexcept {
    if (!Enabled(level)) return;
    std::string line;
    if (journal) {
        line = "<" + std::to_string(static_cast<int>(level)) + ">";
    } else {
        line = "scarlettd: ";
        if (level == Level::Error) line += "error: ";
        if (level == Level::Warning) line += "warning: ";
    }
    line.append(message);
    line.push_back('\n');
    /* One write per line so concurrent writers never interleave within a line. */
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace Log
