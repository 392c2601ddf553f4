// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Systemd {

/**
 * True when @p journal_stream (the value of $JOURNAL_STREAM, "dev:ino") names the
 * file @p fd is open on: then fd really goes to the journal, and not to a terminal
 * or pipe a child of a journal-connected process was given (systemd.exec(5)).
 */
bool IsJournalStream(const char* journal_stream, int fd) noexcept;

/**
 * Sends one entry with MESSAGE=, PRIORITY= and @p fields (names are upper case,
 * without the '=') through sd_journal_sendv. @return false if journald refused it
 * (socket missing), so the caller can fall back to stderr.
 */
bool JournalSend(int priority, std::string_view message,
                 const std::vector<std::pair<const char*, std::string>>& fields) noexcept;

}  // namespace Systemd
