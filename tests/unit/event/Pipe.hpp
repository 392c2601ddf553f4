// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include "event/UniqueFd.hpp"

namespace TestEvent {

/** A non-blocking pipe: Put() makes the read end readable, Drain() empties it. */
struct Pipe {
    Event::UniqueFd r, w;
    Pipe() {
        int fds[2];
        REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
        r.Reset(fds[0]);
        w.Reset(fds[1]);
    }
    void Put() { REQUIRE(write(w.Get(), "x", 1) == 1); }
    void Drain() {
        char buf[16];
        while (read(r.Get(), buf, sizeof(buf)) > 0) {
        }
    }
};

}  // namespace TestEvent
