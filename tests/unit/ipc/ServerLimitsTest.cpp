// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "TestSupport.hpp"

using namespace IpcTest;
using namespace std::chrono_literals;
using Ipc::SocketKind;

namespace {

/** A client whose server side has the smallest send buffer, so output stays pending. */
Client ConnectTight(Harness& h, Ipc::Connection** connection) {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    const int size = 4096;
    REQUIRE(setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) == 0);
    *connection = h.server->AddConnection(SocketKind::Control, Event::UniqueFd(fds[0]));
    REQUIRE(*connection != nullptr);
    return Client(Event::UniqueFd(fds[1]));
}

json Big(size_t bytes) {
    return {{"jsonrpc", "2.0"}, {"method", "x"}, {"pad", std::string(bytes, 'p')}};
}

std::string Request(int id) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"echo"})" + "\n";
}

}  // namespace

TEST_CASE("Over max_clients a connection gets one limit.exceeded line and is closed") {
    LogCapture log;
    char name[] = "/tmp/scd-ipc-test-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    const std::string path = std::string(name) + "/control.sock";
    Ipc::Limits limits;
    limits.max_clients = 2;
    Harness h(limits);
    h.server->Listen(SocketKind::Control, path);

    Client a = ConnectTo(path);
    Client b = ConnectTo(path);
    REQUIRE(h.RunUntil([&] { return h.server->GetClientCount() == 2; }));
    Client c = ConnectTo(path);
    REQUIRE(h.RunUntil([&] {
        c.Drain();
        return c.eof;
    }));
    const auto lines = c.TakeLines();
    REQUIRE(lines.size() == 1);
    const json r = json::parse(lines[0]);
    CHECK(r["id"].is_null());
    CHECK(r["error"]["code"] == -32007);
    CHECK(r["error"]["data"] ==
          json({{"code", "limit.exceeded"}, {"limit", 2}, {"resource", "clients"}}));
    CHECK(h.server->GetClientCount() == 2);
    CHECK(h.handler.connected.size() == 2);
    CHECK(log.Contains("2 clients already connected"));

    /* A slot freed by a disconnect is available again. */
    a.fd.Reset();
    REQUIRE(h.RunUntil([&] { return h.server->GetClientCount() == 1; }));
    Client d = ConnectTo(path);
    REQUIRE(h.RunUntil([&] { return h.server->GetClientCount() == 2; }));
    d.Write(Request(1));
    REQUIRE(h.RunUntil([&] { return !d.TakeLines().empty(); }));
    h.server.reset();
    std::filesystem::remove_all(name);
}

TEST_CASE("Peers with another uid are closed at once, unless the check is off") {
    if (geteuid() != 0) {
        MESSAGE("skipped: needs root to connect as another uid");
        return;
    }
    LogCapture log;
    char name[] = "/tmp/scd-ipc-test-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    REQUIRE(chmod(name, 0711) == 0);
    const std::string path = std::string(name) + "/control.sock";
    Harness h;
    h.server->Listen(SocketKind::Control, path, 0666);

    /* The child connects as nobody and reports: 0 = closed without a byte,
     * 2 = got a reply, 3 = was told access.denied (then EOF). */
    const auto run_child = [&](const std::string& request, gid_t supplementary = 0) {
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            const size_t groups = supplementary != 0 ? 1 : 0;
            if (setgroups(groups, &supplementary) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                _exit(10);
            const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un address{};
            address.sun_family = AF_UNIX;
            std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
            if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) _exit(11);
            /* A refused client may find the socket closed already (EPIPE): its answer
             * is waiting in its buffer all the same. */
            [[maybe_unused]] const ssize_t sent =
                send(fd, request.data(), request.size(), MSG_NOSIGNAL);
            char reply[512] = {};
            const ssize_t n = recv(fd, reply, sizeof(reply) - 1, 0);
            if (n > 0 && std::strstr(reply, R"("code":"access.denied")") &&
                std::strstr(reply, R"("uid":65534)") && recv(fd, reply, 1, 0) <= 0)
                _exit(3);
            /* ECONNRESET is possible if the request arrived after the server drained. */
            _exit(n > 0 ? 2 : (n == 0 || errno == ECONNRESET) ? 0 : 100 + errno);
        }
        int status = 0;
        REQUIRE(h.RunUntil([&] { return waitpid(child, &status, WNOHANG) == child; }, 5000ms));
        REQUIRE(WIFEXITED(status));
        return WEXITSTATUS(status);
    };

    SUBCASE("default: only the daemon's uid and root; the others are told why") {
        CHECK(run_child(Request(1)) == 3);
        CHECK(h.handler.connected.empty());
        CHECK(h.handler.calls.empty());
        CHECK(log.Contains("uid=65534"));
    }
    SUBCASE("a group member by its supplementary groups, unknown to the user database") {
        /* --system: the socket's group decides, as the process holds it (SO_PEERGROUPS);
         * nobody's entry in the user database knows nothing of group 4242. */
        h.server->SetAllowedGroup(4242);
        CHECK(run_child(Request(1), 4242) == 2);
        CHECK(h.handler.connected.size() == 1);
        CHECK(run_child(Request(1), 4243) == 3);
    }
    SUBCASE("SetAllowedUid(nullopt) leaves the policy to the socket mode") {
        h.server->SetAllowedUid(std::nullopt);
        CHECK(run_child(Request(1)) == 2);
        CHECK(h.handler.connected.size() == 1);
    }
    h.server.reset();
    std::filesystem::remove_all(name);
}

TEST_CASE("Output over max_output: HasRoom, paused requests and OnDrained") {
    Ipc::Limits limits;
    limits.max_output = 10000;
    Harness h(limits);
    Ipc::Connection* connection = nullptr;
    Client client = ConnectTight(h, &connection);
    CHECK(connection->HasRoom());
    CHECK(connection->GetPendingOutput() == 0);

    connection->Send(Big(200000));
    h.Pump();
    CHECK(connection->GetPendingOutput() > 10000);
    CHECK_FALSE(connection->HasRoom());
    CHECK(h.handler.drained == 0);

    /* Requests are not read while the client does not read its output. */
    client.Write(Request(1));
    h.Pump();
    CHECK(h.handler.calls.empty());

    int drained_with_room = 0;
    h.handler.on_drained = [&](Ipc::Connection& c) { drained_with_room += c.HasRoom() ? 1 : 0; };
    std::vector<std::string> lines;
    REQUIRE(h.RunUntil([&] {
        for (auto& line : client.TakeLines()) lines.push_back(line);
        return lines.size() == 2;
    }));
    CHECK(json::parse(lines[0])["pad"].get<std::string>().size() == 200000);
    CHECK(json::parse(lines[1])["id"] == 1);
    CHECK(h.handler.calls.size() == 1);
    CHECK(h.handler.drained >= 1);
    CHECK(drained_with_room == h.handler.drained);
    CHECK(connection->GetPendingOutput() == 0);
    CHECK(connection->HasRoom());
}

TEST_CASE("A connection without write progress for write_stall is closed") {
    LogCapture log;
    Ipc::Limits limits;
    limits.write_stall = 100ms;
    Harness h(limits);
    Ipc::Connection* connection = nullptr;
    Client client = ConnectTight(h, &connection);

    SUBCASE("a client that never reads") {
        connection->Send(Big(100000));
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(h.RunUntil([&] { return h.server->GetClientCount() == 0; }));
        CHECK(std::chrono::steady_clock::now() - start >= 90ms);
        CHECK(log.Contains("no write progress for 100 ms"));
        CHECK(h.handler.disconnected.size() == 1);
    }
    SUBCASE("an idle connection arms no timer") {
        connection->Send(Big(50000));
        REQUIRE(h.RunUntil([&] {
            client.Drain();
            return connection->GetPendingOutput() == 0;
        }));
        const uint64_t wakeups = h.loop.GetWakeups();
        const auto start = std::chrono::steady_clock::now();
        h.loop.RunOnce(300);
        CHECK(std::chrono::steady_clock::now() - start >= 250ms);
        CHECK(h.loop.GetWakeups() == wakeups + 1);
        CHECK(h.server->GetClientCount() == 1);
    }
}

TEST_CASE("A slow reader that keeps making progress is not cut off") {
    Ipc::Limits limits;
    limits.write_stall = 200ms;
    Harness h(limits);
    Ipc::Connection* connection = nullptr;
    Client client = ConnectTight(h, &connection);
    connection->Send(Big(300000));
    /* 8 KiB every 50 ms: always progress within the stall limit, never done. */
    const auto end = std::chrono::steady_clock::now() + 500ms;
    auto next_read = std::chrono::steady_clock::now();
    char buffer[8192];
    size_t received = 0;
    while (std::chrono::steady_clock::now() < end) {
        h.loop.RunOnce(10);
        if (std::chrono::steady_clock::now() < next_read) continue;
        next_read += 50ms;
        const ssize_t n = recv(client.fd.Get(), buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) received += static_cast<size_t>(n);
    }
    REQUIRE(h.server->GetClientCount() == 1);
    CHECK(received > 40000);
    CHECK(connection->GetPendingOutput() > 0);
}

namespace {

/** A 600000-byte budget, a 400000-byte cap, and two connections whose peers read
 *  nothing yet (4 KiB buffers): what the budget tests fill. */
struct BudgetPair {
    static Ipc::Limits Limits() {
        Ipc::Limits limits;
        limits.max_output = 400000;
        limits.max_output_total = 600000;
        return limits;
    }
    Harness h{Limits()};
    Ipc::Connection* a = nullptr;
    Ipc::Connection* b = nullptr;
    Client client_a = ConnectTight(h, &a);
    Client client_b = ConnectTight(h, &b);
};

}  // namespace

TEST_CASE("The output budget of all connections together holds every connection back") {
    BudgetPair pair;
    auto& [h, a, b, client_a, client_b] = pair;
    a->Send(Big(350000));
    h.Pump();
    CHECK(a->HasRoom());
    b->Send(Big(350000));
    h.Pump();
    INFO("pending " << a->GetPendingOutput() << " + " << b->GetPendingOutput());
    /* Each under its own cap, together over the budget: no one has room. */
    CHECK(h.server->IsOverBudget());
    CHECK_FALSE(a->HasRoom());
    CHECK_FALSE(b->HasRoom());

    /* A third client's request waits: its answer would have nowhere to go. */
    Client client_c = h.Connect();
    client_c.Write(R"({"jsonrpc":"2.0","id":7,"method":"echo"})"
                   "\n");
    h.Pump();
    CHECK(client_c.TakeLines().empty());
    CHECK(h.handler.calls.empty());

    /* One reader catches up: the budget frees and the request is answered. */
    std::vector<std::string> answers;
    CHECK(h.RunUntil([&] {
        client_a.Drain();
        answers = client_c.TakeLines();
        return !answers.empty();
    }));
    REQUIRE(answers.size() == 1);
    CHECK(json::parse(answers[0])["id"] == 7);
    CHECK(h.handler.calls == std::vector<std::string>{"echo"});
    /* Closing frees a connection's output at once. */
    const size_t before = h.server->GetTotalOutput();
    const size_t b_pending = b->GetPendingOutput();
    b->Close();
    CHECK(h.server->GetTotalOutput() == before - b_pending);
}

TEST_CASE("Clients that stopped reading cannot take the budget's last quarter from the others") {
    BudgetPair pair;
    auto& [h, a, b, client_a, client_b] = pair;
    a->Send(Big(240000));
    b->Send(Big(240000));
    h.Pump();
    /* Three quarters of the budget are queued for readers that stopped. */
    REQUIRE(h.server->GetTotalOutput() >= 450000);
    REQUIRE_FALSE(h.server->IsOverBudget());
    CHECK(h.server->IsUnderPressure());
    CHECK_FALSE(a->HasRoom());
    /* They are not read: their answers would grow what they hold. */
    client_a.Write(R"({"jsonrpc":"2.0","id":1,"method":"echo"})"
                   "\n");
    h.Pump();
    CHECK(h.handler.calls.empty());
    /* A client with nothing queued is answered from the last quarter. */
    Client client_c = h.Connect();
    CHECK(h.Exchange(client_c, R"({"jsonrpc":"2.0","id":7,"method":"echo"})"
                               "\n")
              .size() == 1);
    CHECK(h.handler.calls == std::vector<std::string>{"echo"});
    /* Once a stalled reader catches up, it is read again. */
    std::vector<std::string> answers;
    CHECK(h.RunUntil([&] {
        for (auto& line : client_a.TakeLines())
            if (line.find("\"id\":1") != std::string::npos) answers.push_back(line);
        return !answers.empty();
    }));
}
