// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Many clients (protocol-v1 §6): the client limit, fan-out of one change to a
 * thousand subscribers, and connection churn that must leave no trace.
 */
#include <sys/resource.h>

#include <vector>

#include "Stress.hpp"

using namespace Stress;

namespace {

/** Raises the soft fd limit to @p wanted, or as far as the hard limit allows.
 *  @return whether it is now at least @p needed. */
bool RaiseFdLimit(rlim_t wanted, rlim_t needed) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    if (limit.rlim_cur >= wanted) return true;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    return setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= needed;
}

}  // namespace

TEST_CASE("1000 subscribers all get a change; client 1025 gets limit.exceeded") {
    /* Both ends of every connection live in this process: 2 × 1025 and some spare. */
    if (!RaiseFdLimit(4096, 2200)) {
        MESSAGE("skipped: RLIMIT_NOFILE cannot be raised to 2200");
        return;
    }
    auto device = ManyControls();
    const Ipc::Limits limits;  // 1024 clients
    TestData::Daemon d({{DEV, device}}, limits);

    constexpr size_t SUBSCRIBERS = 1000;
    std::vector<Cli::Client> clients;
    clients.reserve(limits.max_clients);
    for (size_t i = 0; i < SUBSCRIBERS; ++i) {
        clients.push_back(d.Connect());
        const auto r =
            clients.back().Call("subscribe", {{"controls", {"Probe *"}}, {"snapshot", false}});
        INFO("client " << i << ": " << r.dump());
        REQUIRE(r.contains("result"));
    }
    while (clients.size() < limits.max_clients) clients.push_back(d.Connect());
    REQUIRE(ClientCount(clients.back()) == limits.max_clients);

    /* One over the limit: one error line, then EOF. */
    auto rejected = d.Connect();
    const auto line = rejected.ReadLine(10000);
    REQUIRE(line);
    const auto error = ExpectError(json::parse(*line), -32007, "limit.exceeded");
    CHECK(error["data"]["limit"] == limits.max_clients);
    CHECK(error["data"]["resource"] == "clients");
    CHECK(rejected.IsClosedByPeer(10000));

    device->ExternalSet(PROBE, Number(42));
    const auto start = Clock::now();
    size_t received = 0;
    for (size_t i = 0; i < SUBSCRIBERS; ++i) {
        if (AwaitValue(clients[i], PROBE, 42)) ++received;
    }
    MESSAGE(received << " of " << SUBSCRIBERS << " subscribers got the change within "
                     << Ms(Clock::now() - start) << " ms");
    CHECK(received == SUBSCRIBERS);

    /* A freed slot can be taken again. */
    clients.pop_back();
    REQUIRE(AwaitClientCount(clients.front(), limits.max_clients - 1));
    auto again = d.Connect();
    CHECK(again.Call("daemon.info").contains("result"));
}

TEST_CASE("2000 rapid connects and disconnects leave the daemon responsive and clean") {
    auto device = ManyControls();
    TestData::Daemon d({{DEV, device}});
    auto watcher = d.Connect();
    REQUIRE(watcher.Call("subscribe", {{"controls", {"Probe *"}}, {"snapshot", false}})
                .contains("result"));
    const size_t baseline = ClientCount(watcher);

    const auto start = Clock::now();
    for (int i = 0; i < 2000; ++i) {
        auto c = d.Connect();
        /* Vary what a vanishing client leaves behind: nothing, half a request, a
         * request whose answer it never reads, or a subscription. */
        switch (i % 4) {
            case 1:
                c.SendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"met");
                break;
            case 2:
                c.SendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"controls.list\"}\n");
                break;
            case 3:
                c.SendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscribe\"}\n");
                break;
            default:
                break;
        }
        if (i % 200 == 0) {
            /* Still answering while the churn goes on. */
            INFO("after " << i << " connections");
            REQUIRE(watcher.Call("daemon.info", json::object(), 5000).contains("result"));
        }
    }
    MESSAGE("2000 connections in " << Ms(Clock::now() - start) << " ms");

    CHECK(AwaitClientCount(watcher, baseline));
    device->ExternalSet(PROBE, Number(7));
    CHECK(AwaitValue(watcher, PROBE, 7, 5000));
}
