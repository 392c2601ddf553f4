// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The daemon's side of a benchmark: subscribed clients and what they receive. */

#include <algorithm>
#include <cstdlib>
#include <string>

namespace Bench {

/** Connects to the Unix socket @p path, retrying for about 2 s, then dies. */
int ConnectUnix(const std::string& path);
/** Writes all of @p s (blocking), or dies. */
void WriteAll(int fd, const std::string& s);
/** Connects to DIR/control.sock and subscribes (all controls, no snapshot); the socket is
 * left blocking. Retries the connection for about 2 s, then dies. */
int Subscriber(const std::string& dir);

/** Calls @p f(numid, first value) for every control in a controls.changed line. */
template <typename F>
void ScanChanged(const char* b, const char* e, F&& f) {
    static const char NUMID[] = "\"numid\":";
    static const char VALUE[] = "\"value\":[";
    const char* p = b;
    for (;;) {
        p = std::search(p, e, NUMID, NUMID + sizeof(NUMID) - 1);
        if (p == e) return;
        p += sizeof(NUMID) - 1;
        unsigned numid = static_cast<unsigned>(std::strtoul(p, nullptr, 10));
        p = std::search(p, e, VALUE, VALUE + sizeof(VALUE) - 1);
        if (p == e) return;
        p += sizeof(VALUE) - 1;
        f(numid, std::strtol(p, nullptr, 10));
    }
}

}  // namespace Bench
