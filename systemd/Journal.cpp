// SPDX-License-Identifier: GPL-3.0-or-later
/* Our own call site would be the same for every entry: leave CODE_* to the caller. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include "systemd/Journal.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cinttypes>
#include <cstdio>

namespace Systemd {

bool IsJournalStream(const char* journal_stream, int fd) noexcept {
    if (journal_stream == nullptr) return false;
    uintmax_t dev = 0;
    uintmax_t ino = 0;
    int end = 0;
    if (std::sscanf(journal_stream, "%ju:%ju%n", &dev, &ino, &end) != 2 ||
        journal_stream[end] != '\0')
        return false;
    struct stat st {};
    if (fstat(fd, &st) < 0) return false;
    return st.st_dev == dev && st.st_ino == ino;
}

bool JournalSend(int priority, std::string_view message,
                 const std::vector<std::pair<const char*, std::string>>& fields) noexcept {
    try {
        std::vector<std::string> entries;
        entries.reserve(fields.size() + 2);
        entries.push_back("PRIORITY=" + std::to_string(priority));
        entries.push_back("MESSAGE=" + std::string(message));
        for (const auto& [name, value] : fields) entries.push_back(std::string(name) + "=" + value);
        std::vector<iovec> iov;
        iov.reserve(entries.size());
        for (auto& e : entries) iov.push_back({e.data(), e.size()});
        return sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0;
    } catch (...) {
        return false;
    }
}

}  // namespace Systemd
