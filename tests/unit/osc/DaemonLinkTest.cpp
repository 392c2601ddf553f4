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
#include "FakeDaemon.hpp"
#include "bridges/DaemonLink.hpp"

using nlohmann::json;

using namespace OscTest;

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
