// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * A bridge's link to scarlettd: requests answered by id, notifications delivered,
 * calls waiting when the daemon goes get an error, and it connects again when the
 * daemon is back (a timer only while disconnected).
 */
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../state/TempDir.hpp"
#include "bridges/DaemonLink.hpp"

using nlohmann::json;

namespace {

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

bool RunUntil(Event::EventLoop& loop, const std::function<bool()>& done) {
    for (int i = 0; i < 400 && !done(); ++i) loop.RunOnce(5);
    return done();
}

}  // namespace

TEST_CASE("DaemonLink: calls are answered by id, notifications delivered") {
    const StateTest::TempDir dir;
    FakeDaemon daemon(dir.path + "/control.sock");
    Event::EventLoop loop;
    int connected = 0;
    std::vector<json> notifications;
    Bridge::DaemonLink link(loop, daemon.path,
                            {.connected = [&] { ++connected; },
                             .disconnected = {},
                             .notification = [&](const json& m) { notifications.push_back(m); }});
    link.Start();
    REQUIRE(link.IsConnected());
    CHECK(connected == 1);
    REQUIRE(daemon.Accept());

    std::vector<json> replies(2);
    link.Call("daemon.info", json::object(), [&](const json& r) { replies[0] = r; });
    link.Call("devices.list", json::object(), [&](const json& r) { replies[1] = r; });
    const auto first = daemon.Receive(loop);
    const auto second = daemon.Receive(loop);
    REQUIRE(first);
    REQUIRE(second);
    CHECK((*first)["method"] == "daemon.info");
    CHECK((*second)["method"] == "devices.list");
    /* Answered out of order, and a notification in between. */
    daemon.Send(
        {{"jsonrpc", "2.0"}, {"id", (*second)["id"]}, {"result", {{"devices", json::array()}}}});
    daemon.Send({{"jsonrpc", "2.0"}, {"method", "controls.changed"}, {"params", {{"seq", 7}}}});
    daemon.Send({{"jsonrpc", "2.0"}, {"id", (*first)["id"]}, {"result", {{"name", "scarlettd"}}}});
    REQUIRE(RunUntil(loop, [&] { return !replies[0].is_null() && notifications.size() == 1; }));
    CHECK(replies[0]["result"]["name"] == "scarlettd");
    CHECK(replies[1]["result"]["devices"] == json::array());
    CHECK(notifications[0]["params"]["seq"] == 7);
}

TEST_CASE("DaemonLink: the daemon goes and comes back") {
    const StateTest::TempDir dir;
    FakeDaemon daemon(dir.path + "/control.sock");
    Event::EventLoop loop;
    int connected = 0, disconnected = 0;
    Bridge::DaemonLink link(loop, daemon.path,
                            {.connected = [&] { ++connected; },
                             .disconnected = [&] { ++disconnected; },
                             .notification = {}},
                            std::chrono::milliseconds(20));
    link.Start();
    REQUIRE(daemon.Accept());
    json waiting;
    link.Call("controls.set", json::object(), [&](const json& r) { waiting = r; });
    REQUIRE(daemon.Receive(loop));
    /* It stops without answering: the call gets an error, the link is down. */
    daemon.Stop();
    REQUIRE(RunUntil(loop, [&] { return disconnected == 1; }));
    CHECK(waiting["error"]["code"] == -32000);
    CHECK(!link.IsConnected());
    json refused;
    link.Call("daemon.info", json::object(), [&](const json& r) { refused = r; });
    CHECK(refused["error"]["code"] == -32000);
    /* While it is away the link keeps trying; once it listens again, it is back. */
    for (int i = 0; i < 5; ++i) loop.RunOnce(30);
    CHECK(connected == 1);
    daemon.Listen();
    REQUIRE(RunUntil(loop, [&] { return connected == 2; }));
    CHECK(link.IsConnected());
}
