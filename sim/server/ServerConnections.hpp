// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Private to the simulator process: what Server keeps per connection. */

#include <sys/types.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/server/Server.hpp"

namespace Sim {

/* A plugin client: its request socket, its event socket and the events it has not taken. */
struct Server::Client {
    Client(Event::EventLoop& loop, Server& server)
        : request_watch(loop,
                        [this, &server](std::uint32_t flags) noexcept {
                            server.OnClientRequest(*this, flags);
                        }),
          event_watch(loop, [this, &server](std::uint32_t flags) noexcept {
              server.OnClientEvents(*this, flags);
          }) {}

    Event::UniqueFd request;
    Event::UniqueFd events;
    Event::FdWatch request_watch;
    Event::FdWatch event_watch;
    pid_t pid = 0;
    bool subscribed = false;
    bool dead = false;
    /* Events that did not fit into the event socket, coalesced per control. */
    std::vector<std::uint32_t> backlog;
    std::unordered_map<std::uint32_t, std::uint32_t> backlog_mask;
};

/* A scarlett-sim tool's connection to NAME.ctl. */
struct Server::Tool {
    Tool(Event::EventLoop& loop, Server& server)
        : watch(loop, [this, &server](std::uint32_t) noexcept { server.OnToolRequest(*this); }) {}

    Event::UniqueFd fd;
    Event::FdWatch watch;
    bool dead = false;
};

}  // namespace Sim
