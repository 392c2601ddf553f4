// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <stdlib.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli/Client.hpp"
#include "tests/unit/cli/FakeServer.hpp"

using CliTest::FakeConnection;
using CliTest::FakeServer;
using nlohmann::json;

namespace {

/** Sets or unsets an environment variable for one scope. */
class EnvGuard {
  public:
    EnvGuard(const char* name, const char* value) : name_(name) {
        if (const char* old = ::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~EnvGuard() {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("ResolveSocketDir prefers the option, then SCARLETTD_SOCKET_DIR, then XDG") {
    EnvGuard runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    SUBCASE("option") {
        EnvGuard dir("SCARLETTD_SOCKET_DIR", "/env/dir");
        CHECK(Cli::ResolveSocketDir(std::string("/opt/dir")) == "/opt/dir");
    }
    SUBCASE("environment") {
        EnvGuard dir("SCARLETTD_SOCKET_DIR", "/env/dir");
        CHECK(Cli::ResolveSocketDir(std::nullopt) == "/env/dir");
    }
    SUBCASE("XDG_RUNTIME_DIR") {
        EnvGuard dir("SCARLETTD_SOCKET_DIR", nullptr);
        CHECK(Cli::ResolveSocketDir(std::nullopt) == "/run/user/1000/scarlettd");
    }
    SUBCASE("nothing set: a clear error, never /tmp") {
        EnvGuard dir("SCARLETTD_SOCKET_DIR", nullptr);
        EnvGuard unset("XDG_RUNTIME_DIR", nullptr);
        CHECK_THROWS_WITH_AS(Cli::ResolveSocketDir(std::nullopt),
                             doctest::Contains("XDG_RUNTIME_DIR is not set"), std::runtime_error);
    }
}

TEST_CASE("Client::Connect names the path and suggests the daemon is not running") {
    CHECK_THROWS_WITH_AS(Cli::Client::Connect("/nonexistent-dir/control.sock"),
                         "cannot connect to /nonexistent-dir/control.sock: No such file or "
                         "directory; is scarlettd running?",
                         std::runtime_error);
    CHECK_THROWS_AS(Cli::Client::Connect(std::string(200, 'x')), std::runtime_error);
}

TEST_CASE("Client::Call sends JSON-RPC 2.0 requests with fresh integer ids") {
    std::vector<json> requests;
    {
        FakeServer server([&](FakeConnection& connection) {
            for (json request; !(request = connection.ReadRequest()).is_null();) {
                requests.push_back(request);
                connection.Reply(request, {{"echo", request["method"]}});
            }
        });
        auto client = Cli::Client::Connect(server.GetPath());
        const json first = client.Call("devices.list");
        const json second = client.Call("controls.list", {{"device", "abc"}});
        CHECK(first["result"]["echo"] == "devices.list");
        CHECK(second["result"]["echo"] == "controls.list");
        CHECK(first["id"] != second["id"]);
    }
    REQUIRE(requests.size() == 2);
    CHECK(requests[0]["jsonrpc"] == "2.0");
    CHECK(requests[0]["id"].is_number_integer());
    CHECK(requests[0]["params"] == json::object());
    CHECK(requests[1]["params"] == json{{"device", "abc"}});
    CHECK(requests[1]["id"].get<long long>() > requests[0]["id"].get<long long>());
}

TEST_CASE("Client::Call queues notifications that arrive before the response") {
    FakeServer server([](FakeConnection& connection) {
        const json request = connection.ReadRequest();
        connection.Notify("controls.changed", {{"seq", 1}});
        /* A stale response to an earlier, timed-out call is dropped. */
        connection.WriteMessage({{"jsonrpc", "2.0"}, {"id", 999}, {"result", "stale"}});
        connection.Write("\n");
        /* Two messages in one write, the second split across writes. */
        const std::string response =
            json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", {{"ok", true}}}}.dump();
        connection.Write(
            json{{"jsonrpc", "2.0"}, {"method", "device.added"}, {"params", {{"seq", 2}}}}.dump() +
            "\n" + response.substr(0, 5));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        connection.Write(response.substr(5) + "\n");
        connection.Notify("device.removed", {{"seq", 3}});
        connection.ReadLine();
    });
    auto client = Cli::Client::Connect(server.GetPath());
    const json response = client.Call("subscribe", {{"snapshot", false}});
    CHECK(response["result"]["ok"] == true);

    auto first = client.NextNotification(1000);
    REQUIRE(first);
    CHECK((*first)["method"] == "controls.changed");
    auto second = client.NextNotification(1000);
    REQUIRE(second);
    CHECK((*second)["method"] == "device.added");
    auto third = client.NextNotification(1000);
    REQUIRE(third);
    CHECK((*third)["params"]["seq"] == 3);
    CHECK_FALSE(client.NextNotification(50));
    client.SendRaw("bye\n");
}

TEST_CASE("Client::Call throws on timeout, EOF and lines that are not JSON") {
    SUBCASE("timeout") {
        FakeServer server([](FakeConnection& connection) {
            connection.ReadLine();
            connection.ReadLine();
        });
        auto client = Cli::Client::Connect(server.GetPath());
        const auto start = std::chrono::steady_clock::now();
        CHECK_THROWS_WITH_AS(client.Call("daemon.info", json::object(), 100),
                             doctest::Contains("timed out after 100 ms"), std::runtime_error);
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(100));
        client.SendRaw("\n");
    }
    SUBCASE("EOF") {
        FakeServer server([](FakeConnection& connection) {
            connection.ReadLine();
            connection.Write("{\"jsonrpc\":\"2.0\",");
            connection.Close();
        });
        auto client = Cli::Client::Connect(server.GetPath());
        CHECK_THROWS_WITH_AS(client.Call("daemon.info"), "scarlettd closed the connection",
                             std::runtime_error);
    }
    SUBCASE("not JSON") {
        FakeServer server([](FakeConnection& connection) {
            connection.ReadLine();
            connection.Write("hello\n");
            connection.ReadLine();
        });
        auto client = Cli::Client::Connect(server.GetPath());
        CHECK_THROWS_WITH_AS(client.Call("daemon.info"), doctest::Contains("not JSON"),
                             std::runtime_error);
        client.SendRaw("\n");
    }
}

TEST_CASE("Client::ReadLine returns buffered lines, then reports EOF") {
    FakeServer server([](FakeConnection& connection) {
        connection.ReadLine();
        connection.Write("one\ntwo\n");
        connection.Close();
    });
    auto client = Cli::Client::Connect(server.GetPath());
    CHECK_FALSE(client.ReadLine(30));
    client.SendRaw("go\n");
    CHECK(client.ReadLine(1000) == "one");
    CHECK(client.IsClosedByPeer(1000));
    CHECK(client.ReadLine(1000) == "two");
    CHECK_THROWS_WITH_AS(client.ReadLine(1000), "scarlettd closed the connection",
                         std::runtime_error);
    CHECK_THROWS_AS(client.NextNotification(10), std::runtime_error);
}

TEST_CASE("Client::IsClosedByPeer is false while the daemon keeps the connection open") {
    FakeServer server([](FakeConnection& connection) {
        connection.Write("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");
        connection.ReadLine();
    });
    auto client = Cli::Client::Connect(server.GetPath());
    CHECK_FALSE(client.IsClosedByPeer(50));
    /* What arrived meanwhile is still readable. */
    const auto notification = client.NextNotification(0);
    REQUIRE(notification);
    CHECK((*notification)["method"] == "x");
    client.SendRaw("\n");
}

TEST_CASE("Client::SendRaw writes bytes unchanged, also large ones") {
    std::string received;
    const std::string big(1 << 20, 'a');
    {
        FakeServer server([&](FakeConnection& connection) {
            while (auto line = connection.ReadLine()) received += *line + "|";
        });
        auto client = Cli::Client::Connect(server.GetPath());
        client.SendRaw("{\"partial\":");
        client.SendRaw("1}\n");
        client.SendRaw(big + "\n");
    }
    CHECK(received == "{\"partial\":1}|" + big + "|");
}

TEST_CASE("Client is movable and owns its socket") {
    FakeServer server([](FakeConnection& connection) {
        const json request = connection.ReadRequest();
        connection.Reply(request, json::object());
        connection.ReadLine();
    });
    auto client = Cli::Client::Connect(server.GetPath());
    const int fd = client.GetFd();
    CHECK(fd >= 0);
    Cli::Client moved = std::move(client);
    CHECK(moved.GetFd() == fd);
    CHECK(moved.Call("daemon.info").contains("result"));
    Cli::Client other = Cli::Client::Connect(server.GetPath());
    other = std::move(moved);
    CHECK(other.GetFd() == fd);
}

TEST_CASE("Client::Call returns an error with a null id as the answer to its request") {
    FakeServer server([](FakeConnection& connection) {
        connection.ReadLine();
        connection.WriteMessage({{"jsonrpc", "2.0"},
                                 {"id", nullptr},
                                 {"error",
                                  {{"code", -32600},
                                   {"message", "line too long"},
                                   {"data", {{"code", "request.too_large"}}}}}});
        connection.Close();
    });
    auto client = Cli::Client::Connect(server.GetPath());
    const json response = client.Call("controls.set", {{"x", std::string(100, 'x')}});
    CHECK(response["error"]["data"]["code"] == "request.too_large");
    CHECK(client.IsClosedByPeer(1000));
}
