// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <functional>
#include <string_view>

/*
 * Leveled logging. When stderr is the journal ($JOURNAL_STREAM names stderr's
 * dev:ino) entries go through sd_journal_send with structured fields; otherwise
 * they are readable lines on stderr. Messages about a device are rate-limited per
 * device, so a flapping device cannot flood the journal. Loop thread only.
 */
namespace Log {

enum class Level { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

/** Optional structured fields: SCARLETTD_DEVICE, SCARLETTD_CONTROL, SCARLETTD_CLIENT_PID.
 *  The message text stays readable on its own; the fields are for journalctl filters. */
struct Fields {
    std::string_view device{};
    std::string_view control{};
    pid_t client_pid = 0;
};

/** Receives every entry that passed the level and the rate limit (tests). */
using Sink = std::function<void(Level, std::string_view message, const Fields&)>;

/** -q lowers, -v raises; default Notice: an idle, healthy daemon logs nothing. */
void SetMaxLevel(Level level) noexcept;
bool Enabled(Level level) noexcept;
/** Replaces the output (journal or stderr); an empty sink restores it. */
void SetSink(Sink sink);
/** Where a message comes from (CODE_FILE/CODE_LINE/CODE_FUNC in the journal). The
 * builtins, not std::source_location: clang 14 (the fuzz build) lacks the latter. */
struct Where {
    const char* file;
    unsigned line;
    const char* function;
};

void Write(Level level, std::string_view message, const Fields& fields,
           const Where& where) noexcept;
inline void Write(Level level, std::string_view message, const Fields& fields = {},
                  const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                  const char* function = __builtin_FUNCTION()) noexcept {
    Write(level, message, fields, Where{file, line, function});
}

#define SCD_LOG_LEVEL_FUNCTION(name)                                                        \
    inline void name(std::string_view m, const Fields& f = {},                              \
                     const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(), \
                     const char* function = __builtin_FUNCTION()) noexcept {                \
        Write(Level::name, m, f, Where{file, line, function});                              \
    }
SCD_LOG_LEVEL_FUNCTION(Error)
SCD_LOG_LEVEL_FUNCTION(Warning)
SCD_LOG_LEVEL_FUNCTION(Notice)
SCD_LOG_LEVEL_FUNCTION(Info)
SCD_LOG_LEVEL_FUNCTION(Debug)
#undef SCD_LOG_LEVEL_FUNCTION

}  // namespace Log
