// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The daemon at its open-file limit (issue 11.1): scarlettd-testbed under
 * `ulimit -n 128`, more clients than that allows, and a replug meanwhile. Clients
 * over what the limit allows must get their limit.exceeded line (not wait in the
 * backlog), and a device replugged while the daemon is full must come back.
 */
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "Process.hpp"
#include "cli/Client.hpp"

using nlohmann::json;

namespace {

const std::string DEVICE = "usb-1235-8215-TESTBED";

/** One command to scarlettd-testbed's command socket; @return its answer line. */
std::string Command(const std::string& path, const std::string& command) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    const std::string line = command + "\n";
    REQUIRE(write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    std::string answer;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') answer += c;
    close(fd);
    return answer;
}

bool DeviceOnline(Cli::Client& client) {
    const json r = client.Call("devices.list");
    return r.contains("result") && r["result"]["devices"][0]["online"] == true;
}

}  // namespace

TEST_CASE("At the open-file limit: every client over it gets its error line; a replug comes back") {
    SimTest::TempDir dir;
    SimTest::NotifySocket notify(dir.Path() + "/notify");
    const std::string sockets = dir.Path() + "/sock";
    const std::string control = dir.Path() + "/cmd";
    const std::string testbed =
        std::string(SCARLETTD_BINARY_DIR) + "/tests/support/scarlettd-testbed";
    SimTest::Process daemon({"sh", "-c",
                             "ulimit -n 128 && exec \"$0\" --socket-dir \"$1\" --control \"$2\" "
                             "--small -q",
                             testbed, sockets, control},
                            {{"NOTIFY_SOCKET", notify.Path()}});
    REQUIRE(notify.Await("READY=1"));

    /* 128 files: 64 for the daemon's own, so 64 clients; 36 more are refused. */
    std::vector<Cli::Client> served;
    size_t refused = 0;
    for (int i = 0; i < 100; ++i) {
        auto client = Cli::Client::Connect(sockets + "/control.sock");
        INFO("client " << i);
        /* A refused client is told at once, unasked; a served one answers a request. */
        auto line = client.ReadLine(300);
        if (!line) {
            client.SendRaw(R"({"jsonrpc":"2.0","id":1,"method":"daemon.info"})"
                           "\n");
            line = client.ReadLine(5000);
        }
        REQUIRE_MESSAGE(line.has_value(), "no answer: waiting in the backlog");
        const json reply = json::parse(*line);
        if (reply.contains("result")) {
            served.push_back(std::move(client));
            continue;
        }
        CHECK(reply["error"]["data"]["code"] == "limit.exceeded");
        CHECK(client.IsClosedByPeer(5000));
        ++refused;
    }
    CHECK(served.size() == 64);
    CHECK(refused == 36);

    /* Full, a replug: the device comes back. */
    CHECK(Command(control, "unplug " + DEVICE).rfind("ok", 0) == 0);
    CHECK(Command(control, "replug " + DEVICE).rfind("ok", 0) == 0);
    bool online = false;
    for (int i = 0; i < 50 && !online; ++i) {
        online = DeviceOnline(served.front());
        if (!online) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(online);
    served.clear();
    auto probe = Cli::Client::Connect(sockets + "/control.sock");
    CHECK(DeviceOnline(probe));
}
