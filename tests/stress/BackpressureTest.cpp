// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Slow and stalled readers (protocol-v1 §5, §6): a client that does not read costs
 * the daemon a bounded amount of memory, does not delay anyone else, and is
 * disconnected after the write-stall limit; one that reads slowly is not.
 *
 * Changes are paced by a fast client: each round changes every mix control and then
 * the probe, and waits until the fast client has the probe's new value. So every
 * round really is flushed to every connection, and without the output cap a stalled
 * client would cost rounds × subscriptions × one notification (~15 KB) of memory.
 */
#include <sys/socket.h>

#include <atomic>
#include <map>
#include <thread>

#include "Stress.hpp"

using namespace Stress;
using namespace std::chrono_literals;

namespace {

bool PeerClosed(int fd) {
    pollfd pfd{fd, POLLRDHUP, 0};
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLRDHUP)) != 0;
}

/** Reads @p fd until nothing arrives for @p quiet. */
std::string ReadUntilQuiet(int fd, std::chrono::milliseconds quiet) {
    std::string data;
    char chunk[65536];
    for (;;) {
        pollfd pfd{fd, POLLIN, 0};
        if (poll(&pfd, 1, static_cast<int>(quiet.count())) <= 0) return data;
        const ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
        if (n <= 0) return data;
        data.append(chunk, static_cast<size_t>(n));
    }
}

}  // namespace

TEST_CASE("a client that never reads costs at most the output cap, and others keep up") {
    auto device = ManyControls();
    const Ipc::Limits limits;  // the defaults: 4 MiB of encoded output per connection
    TestData::Daemon d({{DEV, device}}, limits);

    auto stalled = d.Connect();
    for (size_t i = 0; i < limits.max_subscriptions; ++i)
        REQUIRE(stalled.Call("subscribe", {{"controls", {"Mix *"}}, {"snapshot", false}})
                    .contains("result"));
    auto fast = d.Connect();
    REQUIRE(fast.Call("subscribe", {{"controls", {"Probe *"}}, {"snapshot", false}})
                .contains("result"));

    const size_t rss_before = ResidentBytes();
    constexpr int ROUNDS = 400;
    Clock::duration worst{};
    for (int round = 1; round <= ROUNDS; ++round) {
        ChangeAllMixes(*device, round);
        device->ExternalSet(PROBE, Number(round));
        const auto latency = AwaitValue(fast, PROBE, round);
        REQUIRE_MESSAGE(latency, "the fast client never saw round " << round);
        worst = std::max(worst, *latency);
    }
    const size_t rss_after = ResidentBytes();

    /* The fast client saw every round's latest value promptly, stalled neighbour or not. */
    MESSAGE("worst probe latency: " << Ms(worst) << " ms over " << ROUNDS << " rounds");
    CHECK(Ms(worst) < 1000);

    /* What the stalled client can still read = what the kernel queued for it + what the
     * daemon buffered + the coalesced dirty set encoded once the buffer drains. */
    const size_t in_kernel = Queued(stalled.GetFd());
    const std::string data = ReadUntilQuiet(stalled.GetFd(), 1000ms);
    const size_t from_daemon = data.size() - std::min(data.size(), in_kernel);

    std::map<std::pair<uint64_t, unsigned>, int64_t> latest;  // (subscription, numid) → value
    size_t lines = 0, largest = 0;
    for (size_t start = 0, nl; (nl = data.find('\n', start)) != std::string::npos; start = nl + 1) {
        const auto n = json::parse(data.substr(start, nl - start));
        ++lines;
        largest = std::max(largest, nl - start);
        if (n.value("method", "") != "controls.changed") continue;
        for (const auto& c : n["params"]["controls"])
            latest[{n["params"]["subscription"].get<uint64_t>(), c["numid"].get<unsigned>()}] =
                c["value"][0].get<int64_t>();
    }
    MESSAGE("stalled client: " << in_kernel << " bytes queued in the kernel, " << from_daemon
                               << " bytes from the daemon's buffer and dirty set, " << lines
                               << " lines, largest " << largest << " bytes");
    MESSAGE("RSS of the test process grew by " << (rss_after - std::min(rss_after, rss_before))
                                               << " bytes during " << ROUNDS << " rounds");

    /* Bound: the cap, plus at most one more notification per subscription (the cap is
     * checked before each subscription is encoded, and the dirty set is encoded once
     * more after the drain). Without the cap this would be ~ROUNDS × 16 × 15 KB. */
    const size_t bound = limits.max_output + (limits.max_subscriptions + 1) * 64 * 1024;
    CHECK(from_daemon <= bound);
    /* And the cap was really reached, or this test proves nothing. */
    CHECK(from_daemon >= limits.max_output);
    if (!UNDER_ASAN) CHECK(rss_after - std::min(rss_after, rss_before) < 32u * 1024 * 1024);

    /* Coalescing: after the drain, every subscription has the latest value of every
     * control, never a stale one. */
    for (uint64_t sub = 1; sub <= limits.max_subscriptions; ++sub)
        for (unsigned numid = 1; numid <= MIX_COUNT; ++numid) {
            INFO("subscription " << sub << " numid " << numid);
            CHECK(latest[{sub, numid}] == int64_t{ROUNDS} * 1000 + numid);
        }
    CHECK(stalled.Call("daemon.info").contains("result"));
}

TEST_CASE("a stalled client is closed after the write-stall limit; a slow reader is not") {
    auto device = ManyControls();
    Ipc::Limits limits;
    limits.write_stall = 1s;
    TestData::Daemon d({{DEV, device}}, limits);

    auto stalled = d.Connect();
    REQUIRE(stalled.Call("subscribe", {{"controls", {"Mix *"}}, {"snapshot", false}})
                .contains("result"));
    auto slow = d.Connect();
    REQUIRE(
        slow.Call("subscribe", {{"controls", {"Mix *"}}, {"snapshot", false}}).contains("result"));
    auto fast = d.Connect();
    REQUIRE(fast.Call("subscribe", {{"controls", {"Probe *"}}, {"snapshot", false}})
                .contains("result"));
    REQUIRE(ClientCount(fast) == 3);

    /* Reads everything every 200 ms: write progress well within every 1 s. */
    std::atomic<bool> stop = false;
    std::atomic<size_t> slow_notifications = 0;
    std::thread reader([&] {
        while (!stop) {
            while (slow.NextNotification(0)) ++slow_notifications;
            std::this_thread::sleep_for(200ms);
        }
    });

    const auto start = Clock::now();
    std::optional<Clock::duration> closed_after;
    int round = 0;
    /* At least 3 s, so that the slow reader lives through several stall periods. */
    while (Clock::now() - start < 15s && (!closed_after || Clock::now() - start < 3s)) {
        ++round;
        ChangeAllMixes(*device, round);
        device->ExternalSet(PROBE, Number(round));
        REQUIRE(AwaitValue(fast, PROBE, round));
        if (!closed_after && PeerClosed(stalled.GetFd())) closed_after = Clock::now() - start;
    }
    stop = true;
    reader.join();

    REQUIRE_MESSAGE(closed_after, "the stalled client was not closed within 15 s");
    MESSAGE("stalled client closed " << Ms(*closed_after) << " ms after the first change; " << round
                                     << " rounds; the slow reader got " << slow_notifications.load()
                                     << " notifications");
    CHECK(Ms(*closed_after) < 10000);
    CHECK(AwaitClientCount(fast, 2));
    CHECK(slow.Call("daemon.info").contains("result"));
    CHECK(slow_notifications > 0);
}
