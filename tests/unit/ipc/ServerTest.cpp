// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "TestSupport.hpp"
#include "ipc/Json.hpp"
#include "ipc/Socket.hpp"

using namespace IpcTest;
using Ipc::SocketKind;

namespace {

std::string Request(int id, const std::string& method = "echo", const json& params = {}) {
    json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) request["params"] = params;
    return request.dump() + "\n";
}

/** A fresh temporary directory, removed with its contents afterwards. */
struct TempDir {
    std::string path;
    TempDir() {
        char name[] = "/tmp/scd-ipc-test-XXXXXX";
        REQUIRE(mkdtemp(name) != nullptr);
        path = name;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("Framing: several lines per read, split reads and blank lines") {
    Harness h;
    Client client = h.Connect();

    SUBCASE("several requests in one write are answered in order") {
        std::string input;
        for (int i = 1; i <= 50; ++i) input += Request(i, "echo", {{"n", i}});
        const auto lines = h.Exchange(client, input);
        REQUIRE(lines.size() == 50);
        for (int i = 1; i <= 50; ++i) {
            const json r = json::parse(lines[static_cast<size_t>(i - 1)]);
            CHECK(r["id"] == i);
            CHECK(r["result"]["n"] == i);
        }
    }
    SUBCASE("a request split over reads is buffered until its newline") {
        const std::string request = Request(1);
        CHECK(h.Exchange(client, request.substr(0, 5)).empty());
        CHECK(h.Exchange(client, request.substr(5, 10)).empty());
        const auto lines = h.Exchange(client, request.substr(15) + Request(2).substr(0, 3));
        REQUIRE(lines.size() == 1);
        CHECK(json::parse(lines[0])["id"] == 1);
        const auto rest = h.Exchange(client, Request(2).substr(3));
        REQUIRE(rest.size() == 1);
        CHECK(json::parse(rest[0])["id"] == 2);
    }
    SUBCASE("blank lines are ignored and CRLF is accepted") {
        const auto lines =
            h.Exchange(client, "\n\r\n  \t\n" + Request(1) + "\n" +
                                   R"({"jsonrpc":"2.0","id":2,"method":"echo"})" + "\r\n\n");
        REQUIRE(lines.size() == 2);
        CHECK(json::parse(lines[0])["id"] == 1);
        CHECK(json::parse(lines[1])["id"] == 2);
    }
    CHECK(h.server->GetClientCount() == 1);
}

TEST_CASE("A line over max_line gets request.too_large, then the connection closes") {
    LogCapture log;
    Ipc::Limits limits;
    limits.max_line = 100;
    Harness h(limits);
    Client client = h.Connect();

    const std::string exact = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":{"pad":")";
    const std::string fits = exact + std::string(100 - exact.size() - 3, 'x') + "\"}}";
    REQUIRE(fits.size() == 100);

    SUBCASE("a line of exactly max_line bytes is accepted") {
        const auto lines = h.Exchange(client, fits + "\n");
        REQUIRE(lines.size() == 1);
        CHECK(json::parse(lines[0])["id"] == 1);
        CHECK_FALSE(client.eof);
    }
    SUBCASE("max_line + 1 bytes with a newline") {
        const std::string too_long = exact + std::string(100 - exact.size() - 2, 'x') + "\"}}";
        const auto lines = h.Exchange(client, Request(9) + too_long + "\n" + Request(10));
        REQUIRE(lines.size() == 2);
        CHECK(json::parse(lines[0])["id"] == 9);
        const json r = json::parse(lines[1]);
        CHECK(r["id"].is_null());
        CHECK(r["error"]["code"] == -32600);
        CHECK(DataCodeOf(r) == "request.too_large");
        CHECK(r["error"]["data"]["limit"] == 100);
        CHECK(client.eof);
    }
    SUBCASE("no newline yet, but already too long") {
        const auto lines = h.Exchange(client, std::string(101, ' '));
        REQUIRE(lines.size() == 1);
        CHECK(DataCodeOf(json::parse(lines[0])) == "request.too_large");
        CHECK(client.eof);
    }
    h.Pump();
    CHECK(h.handler.calls.size() <= 1);
    if (client.eof) {
        CHECK(h.server->GetClientCount() == 0);
        CHECK(h.handler.disconnected.size() == 1);
        CHECK(log.Contains("longer than 100 bytes"));
    }
}

TEST_CASE("A parse error is answered and the connection stays usable") {
    Harness h;
    Client client = h.Connect();
    auto lines = h.Exchange(client, "{not json\n" + std::string("\"\xff\"\n") + Request(3));
    REQUIRE(lines.size() == 3);
    CHECK(DataCodeOf(json::parse(lines[0])) == "parse_error");
    CHECK(json::parse(lines[0])["id"].is_null());
    CHECK(DataCodeOf(json::parse(lines[1])) == "parse_error");
    CHECK(json::parse(lines[2])["id"] == 3);
    CHECK_FALSE(client.eof);
}

TEST_CASE("Notifications and batches over a socket") {
    Harness h;
    Client client = h.Connect();
    CHECK(h.Exchange(client, R"({"jsonrpc":"2.0","method":"echo"})"
                             "\n"
                             R"([{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","method":"x"}])"
                             "\n")
              .empty());
    CHECK(h.handler.calls.size() == 3);
    const auto lines = h.Exchange(
        client, R"([{"jsonrpc":"2.0","id":1,"method":"echo"},{"jsonrpc":"2.0","method":"echo"},)"
                R"({"jsonrpc":"2.0","id":2,"method":"fail"}])"
                "\n[]\n");
    REQUIRE(lines.size() == 2);
    const json batch = json::parse(lines[0]);
    REQUIRE(batch.size() == 2);
    CHECK(batch[0]["id"] == 1);
    CHECK(DataCodeOf(batch[1]) == "device.not_found");
    CHECK(batch[1]["error"]["data"]["device"] == "x");
    CHECK(DataCodeOf(json::parse(lines[1])) == "invalid_request");
}

TEST_CASE("Invalid UTF-8 in a result is sent as U+FFFD") {
    Harness h;
    h.handler.on_call = [](Ipc::Connection&, const std::string&, const json&) -> json {
        return {{"name", std::string("Mix\xff")}};
    };
    Client client = h.Connect();
    const auto lines = h.Exchange(client, Request(1, "controls.list"));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"name\":\"Mix\xEF\xBF\xBD\"}}");
}

TEST_CASE("Close from inside Call defers destruction and drops the reply") {
    Harness h;
    h.handler.on_call = [](Ipc::Connection& connection, const std::string&, const json&) -> json {
        connection.Close();
        connection.Send({{"late", true}});
        return {};
    };
    Client client = h.Connect();
    const auto lines = h.Exchange(client, Request(1) + Request(2));
    CHECK(lines.empty());
    CHECK(client.eof);
    CHECK(h.handler.calls.size() == 1);
    CHECK(h.handler.disconnected == std::vector<uint64_t>{1});
    CHECK(h.server->GetClientCount() == 0);
}

TEST_CASE("Events sockets discard input and carry what the daemon sends") {
    Harness h;
    h.handler.on_connect = [](Ipc::Connection& connection) {
        if (connection.GetKind() == SocketKind::Events)
            connection.SendLine(Ipc::EncodeNotification("snapshot", {{"seq", 1}}));
    };
    Client client = h.Connect(SocketKind::Events);
    const auto lines = h.Exchange(client, Request(1) + "garbage\n" + std::string(200000, 'x'));
    REQUIRE(lines.size() == 1);
    CHECK(json::parse(lines[0]) == json::parse(R"({"jsonrpc":"2.0","method":"snapshot",
        "params":{"seq":1}})"));
    CHECK(h.handler.calls.empty());
    h.Pump(8);
    CHECK(client.TakeLines().empty());
    h.server->ForEach([](Ipc::Connection& c) { c.Send({{"jsonrpc", "2.0"}, {"method", "x"}}); });
    h.Pump();
    CHECK(client.TakeLines().size() == 1);
}

TEST_CASE("Half-close keeps the connection for writing") {
    Harness h;
    Ipc::Connection* connection = nullptr;
    Client client = h.Connect(SocketKind::Control, &connection);
    REQUIRE(connection != nullptr);
    /* The last line has no newline: at EOF it is still a request. */
    client.Write(Request(1) + R"({"jsonrpc":"2.0","id":2,"method":"echo"})");
    REQUIRE(shutdown(client.fd.Get(), SHUT_WR) == 0);
    h.Pump();
    auto lines = client.TakeLines();
    REQUIRE(lines.size() == 2);
    CHECK(json::parse(lines[1])["id"] == 2);
    CHECK(h.server->GetClientCount() == 1);

    connection->Send({{"jsonrpc", "2.0"}, {"method", "controls.changed"}});
    h.Pump();
    lines = client.TakeLines();
    REQUIRE(lines.size() == 1);
    CHECK_FALSE(client.eof);

    client.fd.Reset();
    h.Pump();
    CHECK(h.server->GetClientCount() == 0);
    CHECK(h.handler.disconnected.size() == 1);
}

TEST_CASE("A half-closed client that expects nothing more is let go once answered") {
    Harness h;
    h.handler.expects_more = false;
    Client client = h.Connect();
    client.Write(Request(1) + R"({"jsonrpc":"2.0","id":2,"method":"echo"})");
    REQUIRE(shutdown(client.fd.Get(), SHUT_WR) == 0);
    std::vector<std::string> lines;
    REQUIRE(h.RunUntil([&] {
        for (auto& l : client.TakeLines()) lines.push_back(l);
        return client.eof;
    }));
    /* Both answers first, then EOF from the server's side; the slot is free. */
    REQUIRE(lines.size() == 2);
    CHECK(json::parse(lines[1])["id"] == 2);
    CHECK(h.server->GetClientCount() == 0);
    CHECK(h.handler.disconnected.size() == 1);
}

TEST_CASE("A vanished peer is EPIPE, not SIGPIPE") {
    Harness h;
    Ipc::Connection* connection = nullptr;
    Client client = h.Connect(SocketKind::Events, &connection);
    REQUIRE(connection != nullptr);
    client.fd.Reset();
    /* Send before the loop notices the HUP: the flush hits EPIPE. This test process
     * does not ignore SIGPIPE, so a missing MSG_NOSIGNAL would kill it. */
    connection->Send({{"x", std::string(1000, 'y')}});
    h.Pump();
    CHECK(h.server->GetClientCount() == 0);
    CHECK(h.handler.disconnected.size() == 1);
}

TEST_CASE("Listen binds a 0600 socket, accepts same-uid peers and cleans up") {
    TempDir dir;
    const std::string path = dir.path + "/control.sock";
    Harness h;
    h.server->Listen(SocketKind::Control, path);
    struct stat st {};
    REQUIRE(lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0600);

    Client client = ConnectTo(path);
    REQUIRE(h.RunUntil([&] { return h.server->GetClientCount() == 1; }));
    bool checked = false;
    h.server->ForEach([&](Ipc::Connection& c) {
        CHECK(c.GetPid() == getpid());
        CHECK(c.GetUid() == geteuid());
        CHECK(c.GetKind() == SocketKind::Control);
        checked = true;
    });
    CHECK(checked);
    client.Write(Request(5));
    REQUIRE(h.RunUntil([&] { return !client.TakeLines().empty() || client.eof; }));

    SUBCASE("a live socket is not replaced") {
        Harness other;
        CHECK_THROWS_WITH_AS(other.server->Listen(SocketKind::Control, path),
                             doctest::Contains("already listening"), std::runtime_error);
    }
    SUBCASE("the destructor disconnects clients and removes the socket file") {
        h.server.reset();
        CHECK(h.handler.disconnected.size() == 1);
        CHECK(lstat(path.c_str(), &st) < 0);
    }
}

TEST_CASE("Listen replaces a stale socket and refuses other files") {
    TempDir dir;
    const std::string path = dir.path + "/events.sock";
    {
        /* What a crashed daemon leaves behind: the file, and nobody listening. */
        Event::UniqueFd stale = Ipc::BindUnixSocket(path, 0600);
    }
    Harness h;
    CHECK_NOTHROW(h.server->Listen(SocketKind::Events, path));

    const std::string regular = dir.path + "/file";
    std::FILE* f = std::fopen(regular.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fclose(f);
    CHECK_THROWS_WITH_AS(h.server->Listen(SocketKind::Control, regular),
                         doctest::Contains("not a socket"), std::runtime_error);
    CHECK_THROWS_AS(h.server->Listen(SocketKind::Control, "relative.sock"), std::runtime_error);
}

TEST_CASE("Adopt takes a listening socket and rejects anything else") {
    TempDir dir;
    const std::string path = dir.path + "/control.sock";
    Event::UniqueFd listening = Ipc::BindUnixSocket(path, 0600);
    /* systemd passes blocking sockets without FD_CLOEXEC. */
    REQUIRE(fcntl(listening.Get(), F_SETFL, 0) == 0);
    REQUIRE(fcntl(listening.Get(), F_SETFD, 0) == 0);
    const int fd = listening.Release();
    Harness h;
    h.server->Adopt(SocketKind::Control, fd);
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    Client client = ConnectTo(path);
    REQUIRE(h.RunUntil([&] { return h.server->GetClientCount() == 1; }));

    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    close(fds[1]);
    CHECK_THROWS_AS(h.server->Adopt(SocketKind::Control, fds[0]), std::invalid_argument);
}

TEST_CASE("Deeply nested input is rejected without recursion trouble") {
    Harness h;
    Client client = h.Connect();
    const size_t depth = 30000;
    const auto lines = h.Exchange(client, std::string(depth, '[') + std::string(depth, ']') + "\n" +
                                              std::string(depth, '[') + "\n" + Request(1));
    REQUIRE(lines.size() == 3);
    /* Nothing in the protocol nests deeply: refused while parsing, with the limit. */
    const json deep = json::parse(lines[0]);
    CHECK(DataCodeOf(deep) == "invalid_request");
    CHECK(deep["error"]["data"]["limit"] == 64);
    CHECK(DataCodeOf(json::parse(lines[1])) == "parse_error");
    CHECK(json::parse(lines[2])["id"] == 1);
}

TEST_CASE("Connections have increasing ids and ForEach skips closed ones") {
    Harness h;
    Ipc::Connection* first = nullptr;
    Ipc::Connection* second = nullptr;
    Client a = h.Connect(SocketKind::Control, &first);
    Client b = h.Connect(SocketKind::Events, &second);
    REQUIRE(first != nullptr);
    REQUIRE(second != nullptr);
    CHECK(first->GetId() == 1);
    CHECK(second->GetId() == 2);
    CHECK(first->Describe().find("connection 1 (control, pid=") == 0);

    std::vector<uint64_t> seen;
    h.server->ForEach([&](Ipc::Connection& c) {
        seen.push_back(c.GetId());
        if (c.GetId() == 1) c.Close();
    });
    CHECK(seen == std::vector<uint64_t>{1, 2});
    CHECK(first->IsClosed());
    first->Send({{"ignored", true}});
    CHECK(first->GetPendingOutput() == 0);
    CHECK(h.server->GetClientCount() == 1);
    seen.clear();
    h.server->ForEach([&](Ipc::Connection& c) { seen.push_back(c.GetId()); });
    CHECK(seen == std::vector<uint64_t>{2});
    CHECK(h.handler.disconnected.empty());
    h.Pump(1);
    CHECK(h.handler.disconnected == std::vector<uint64_t>{1});
    a.Drain();
    CHECK(a.eof);
}

TEST_CASE("A connection closed in OnConnect is still disconnected once") {
    Harness h;
    h.handler.on_connect = [](Ipc::Connection& c) {
        c.SendLine("{}");
        c.Close();
    };
    Client client = h.Connect();
    h.Pump();
    CHECK(h.handler.connected.size() == 1);
    CHECK(h.handler.disconnected.size() == 1);
    CHECK(client.TakeLines().empty());
    CHECK(client.eof);
}

TEST_CASE("A connection whose OnConnect throws is refused: closed, logged, disconnected once") {
    LogCapture log;
    Harness h;
    h.handler.on_connect = [](Ipc::Connection&) { throw std::runtime_error("no memory for you"); };
    Client client = h.Connect();
    h.Pump();
    CHECK(h.handler.connected.size() == 1);
    CHECK(h.handler.disconnected.size() == 1);
    CHECK(h.server->GetClientCount() == 0);
    CHECK(log.Contains("refused: no memory for you"));
    client.Drain();
    CHECK(client.eof);
}

TEST_CASE("A socket file removed under the server is bound again") {
    LogCapture log;
    Harness h;
    char tmpl[] = "/tmp/scarlettd-rebind-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string path = dir + "/control.sock";
    h.server->Listen(Ipc::SocketKind::Control, path, 0600);
    REQUIRE(unlink(path.c_str()) == 0);
    h.Pump();
    struct stat st {};
    REQUIRE(lstat(path.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(log.Contains("was removed; bound again"));

    /* Reachable again: a client connects and is served. */
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    Client client{Event::UniqueFd(fd)};
    CHECK(h.RunUntil([&] { return h.handler.connected.size() == 1; }));
    h.server.reset();
    CHECK(lstat(path.c_str(), &st) != 0);
    std::filesystem::remove_all(dir);
}
