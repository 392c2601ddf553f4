// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Log.hpp"

#include <unistd.h>

#include <string>
#include <utility>

namespace Ipc {

namespace {

LogSink& Sink() {
    static LogSink sink;
    return sink;
}

}  // namespace

void SetLogSink(LogSink sink) {
    Sink() = std::move(sink);
}

void Log(LogLevel level, std::string_view line) noexcept {
    try {
        if (Sink()) {
            Sink()(level, line);
            return;
        }
        /* One write per line keeps lines whole when stderr is shared (journal). */
        std::string text = "scarlettd: ipc: ";
        text.append(line);
        text += '\n';
        [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    } catch (...) {
        /* Logging must never take a connection (or the daemon) down. */
    }
}

}  // namespace Ipc
