// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>

namespace Ipc {

/** The protocol-v1 §6 limits, honoured exactly as configured (tests use small values). */
struct Limits {
    /** Longest accepted client line in bytes, without its '\n'. */
    size_t max_line = 64 * 1024;
    /** Open connections, control and events sockets together. */
    size_t max_clients = 1024;
    /** Encoded output per connection: past it HasRoom() is false and the connection
     *  stops reading requests until the socket drains. */
    size_t max_output = 4 * 1024 * 1024;
    /** Encoded output of all connections together: past it no connection has room
     *  and none is read, whatever the number of clients; notifications wait as dirty
     *  sets. Memory for output stays under this plus one reply (max_output). */
    size_t max_output_total = 64 * 1024 * 1024;
    /** Pending output with no write progress for this long closes the connection. */
    std::chrono::milliseconds write_stall{30000};
    /** Per connection; enforced by the daemon, kept here so defaults live in one place. */
    size_t max_subscriptions = 16;
};

}  // namespace Ipc
