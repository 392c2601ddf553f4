// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "event/EventLoop.hpp"

namespace OscTest {

using nlohmann::json;

/** A stand-in for scarlettd's control socket: one listening socket, one peer. */
struct FakeDaemon {
    std::string path;
    int listener = -1;
    int peer = -1;

    explicit FakeDaemon(std::string socket_path) : path(std::move(socket_path)) { Listen(); }
    ~FakeDaemon() { Stop(); }
    void Listen() {
        listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
        REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        REQUIRE(listen(listener, 4) == 0);
    }
    void Stop() {
        if (peer >= 0) close(peer);
        if (listener >= 0) close(listener);
        peer = listener = -1;
        unlink(path.c_str());
    }
    bool Accept() {
        peer = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        return peer >= 0;
    }
    void Send(const json& message) const {
        const std::string line = message.dump() + "\n";
        REQUIRE(send(peer, line.data(), line.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(line.size()));
    }
    /** The next request the link sent (the loop runs meanwhile). */
    std::string buffer;
    std::optional<json> Receive(Event::EventLoop& loop) {
        for (int i = 0; i < 200; ++i) {
            char chunk[4096];
            const ssize_t n = recv(peer, chunk, sizeof(chunk), MSG_DONTWAIT);
            if (n > 0) buffer.append(chunk, static_cast<size_t>(n));
            if (const auto newline = buffer.find('\n'); newline != std::string::npos) {
                json message = json::parse(buffer.substr(0, newline));
                buffer.erase(0, newline + 1);
                return message;
            }
            loop.RunOnce(5);
        }
        return std::nullopt;
    }
};

inline bool RunUntil(Event::EventLoop& loop, const std::function<bool()>& done) {
    for (int i = 0; i < 400 && !done(); ++i) loop.RunOnce(5);
    return done();
}

}  // namespace OscTest
