// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/Log.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "daemon/RateLimiter.hpp"
#include "systemd/Journal.hpp"

namespace Log {

namespace {

/* A device's state changes at most this often in the log: a healthy plug or unplug
 * is 1-2 lines, a device flapping 100 times a second is 10 lines and a summary. */
constexpr size_t DEVICE_BURST = 10;
constexpr auto DEVICE_INTERVAL = std::chrono::seconds(10);

Level max_level = Level::Notice;
Sink sink;
RateLimiter device_limiter(DEVICE_BURST, DEVICE_INTERVAL);

bool ToJournal() {
    static const bool journal =
        Systemd::IsJournalStream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO);
    return journal;
}

void WriteStderr(Level level, std::string_view message, bool prefix_priority) {
    std::string line;
    if (prefix_priority) {
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

void Emit(Level level, std::string_view message, const Fields& fields, const Where& where) {
    if (sink) {
        sink(level, message, fields);
        return;
    }
    if (ToJournal()) {
        std::vector<std::pair<const char*, std::string>> extra;
        if (!fields.device.empty()) extra.emplace_back("SCARLETTD_DEVICE", fields.device);
        if (!fields.control.empty()) extra.emplace_back("SCARLETTD_CONTROL", fields.control);
        if (fields.client_pid > 0)
            extra.emplace_back("SCARLETTD_CLIENT_PID", std::to_string(fields.client_pid));
        extra.emplace_back("CODE_FILE", where.file);
        extra.emplace_back("CODE_LINE", std::to_string(where.line));
        extra.emplace_back("CODE_FUNC", where.function);
        if (Systemd::JournalSend(static_cast<int>(level), message, extra)) return;
        /* journald's socket is gone (container, shutdown): stderr is still the journal
         * stream, so keep the priority. */
        WriteStderr(level, message, true);
        return;
    }
    WriteStderr(level, message, false);
}

}  // namespace

void SetMaxLevel(Level level) noexcept {
    max_level = level;
}

bool Enabled(Level level) noexcept {
    return static_cast<int>(level) <= static_cast<int>(max_level);
}

void SetSink(Sink s) {
    sink = std::move(s);
}

void Write(Level level, std::string_view message, const Fields& fields,
           const Where& where) noexcept {
    if (!Enabled(level)) return;
    try {
        if (!fields.device.empty()) {
            const auto verdict =
                device_limiter.Check(std::string(fields.device), RateLimiter::Clock::now());
            if (!verdict.admit) return;
            if (verdict.suppressed > 0)
                Emit(Level::Notice,
                     std::string(fields.device) + ": suppressed " +
                         std::to_string(verdict.suppressed) + " messages about this device",
                     {.device = fields.device}, where);
        }
        Emit(level, message, fields, where);
    } catch (...) {
        /* Logging must never take the daemon down. */
    }
}

}  // namespace Log
