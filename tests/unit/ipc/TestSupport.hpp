// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "event/EventLoop.hpp"
#include "ipc/Error.hpp"
#include "ipc/Log.hpp"
#include "ipc/Server.hpp"

namespace IpcTest {

using nlohmann::json;

/**
 * A Handler that records its callbacks. Methods: "echo" returns params, "fail"
 * throws device.not_found, "boom" throws std::runtime_error; anything else is
 * MethodNotFound. Tests override behaviour through the std::function members.
 */
struct RecordingHandler : Ipc::Handler {
    std::vector<uint64_t> connected;
    std::vector<uint64_t> disconnected;
    std::vector<std::string> calls;
    int drained = 0;
    /* What every session answers to ExpectsMore(). */
    bool expects_more = true;
    std::function<void(Ipc::Connection&)> on_connect;
    std::function<void(Ipc::Connection&)> on_drained;
    std::function<json(Ipc::Connection&, const std::string&, const json&)> on_call;

    /** Each connection's session reports to the handler. */
    struct Session : Ipc::Session {
        Session(Ipc::Connection& connection, RecordingHandler& handler)
            : Ipc::Session(connection), handler_(handler) {}
        json Call(const std::string& method, const json& params) override {
            return handler_.Call(GetConnection(), method, params);
        }
        void OnDrained() noexcept override {
            ++handler_.drained;
            if (handler_.on_drained) handler_.on_drained(GetConnection());
        }
        bool ExpectsMore() const noexcept override { return handler_.expects_more; }
        RecordingHandler& handler_;
    };

    std::unique_ptr<Ipc::Session> OnConnect(Ipc::Connection& connection) override {
        connected.push_back(connection.GetId());
        if (on_connect) on_connect(connection);
        return std::make_unique<Session>(connection, *this);
    }
    void OnDisconnect(Ipc::Connection& connection) noexcept override {
        disconnected.push_back(connection.GetId());
    }
    json Call(Ipc::Connection& connection, const std::string& method, const json& params) {
        calls.push_back(method);
        if (on_call) return on_call(connection, method, params);
        if (method == "echo") return params;
        if (method == "fail")
            throw Ipc::RpcError(Ipc::ErrorCode::DeviceNotFound, "no such device",
                                {{"device", "x"}});
        if (method == "boom") throw std::runtime_error("kaboom");
        throw Ipc::MethodNotFound(method);
    }
};

/** Captures ipc log lines for the lifetime of the object. */
struct LogCapture {
    std::vector<std::string> lines;
    LogCapture() {
        Ipc::SetLogSink([this](Ipc::LogLevel, std::string_view line) { lines.emplace_back(line); });
    }
    ~LogCapture() { Ipc::SetLogSink({}); }
    bool Contains(std::string_view needle) const {
        for (const auto& line : lines)
            if (line.find(needle) != std::string::npos) return true;
        return false;
    }
};

/** The client end of a connection: raw non-blocking socket I/O. */
struct Client {
    explicit Client(Event::UniqueFd socket) : fd(std::move(socket)) {}

    Event::UniqueFd fd;
    std::string received;
    bool eof = false;

    void Write(std::string_view data) const {
        REQUIRE(send(fd.Get(), data.data(), data.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(data.size()));
    }
    /** Reads whatever is queued, without blocking. */
    void Drain() {
        char buffer[65536];
        for (;;) {
            const ssize_t n = recv(fd.Get(), buffer, sizeof(buffer), MSG_DONTWAIT);
            if (n > 0) {
                received.append(buffer, static_cast<size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR)) eof = true;
            return;
        }
    }
    /** Complete lines received so far, removed from `received`. */
    std::vector<std::string> TakeLines() {
        Drain();
        std::vector<std::string> lines;
        size_t newline;
        while ((newline = received.find('\n')) != std::string::npos) {
            lines.push_back(received.substr(0, newline));
            received.erase(0, newline + 1);
        }
        return lines;
    }
    std::vector<json> TakeMessages() {
        std::vector<json> messages;
        for (const auto& line : TakeLines()) messages.push_back(json::parse(line));
        return messages;
    }
};

/** A loop, a recording handler and a server, plus socketpair clients. */
struct Harness {
    Event::EventLoop loop;
    RecordingHandler handler;
    std::unique_ptr<Ipc::Server> server;

    explicit Harness(Ipc::Limits limits = {})
        : server(std::make_unique<Ipc::Server>(loop, handler, limits)) {}

    /** A connected client; @p connection gets the server side (nullptr if rejected). */
    Client Connect(Ipc::SocketKind kind = Ipc::SocketKind::Control,
                   Ipc::Connection** connection = nullptr) {
        int fds[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        Ipc::Connection* c = server->AddConnection(kind, Event::UniqueFd(fds[0]));
        if (connection) *connection = c;
        return Client(Event::UniqueFd(fds[1]));
    }

    void Pump(int rounds = 4) {
        for (int i = 0; i < rounds; ++i) loop.RunOnce(0);
    }

    /** Writes @p input, runs the loop and returns the reply lines. */
    std::vector<std::string> Exchange(Client& client, std::string_view input) {
        client.Write(input);
        Pump();
        return client.TakeLines();
    }

    /** Runs the loop until @p done or @p timeout. */
    bool RunUntil(const std::function<bool()>& done,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            loop.RunOnce(10);
        }
        return true;
    }
};

/** A client connected to the Unix socket at @p path. */
inline Client ConnectTo(const std::string& path) {
    Event::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(fd);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    REQUIRE(connect(fd.Get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    return Client(std::move(fd));
}

inline std::string DataCodeOf(const json& response) {
    return response.at("error").at("data").at("code").get<std::string>();
}

}  // namespace IpcTest
