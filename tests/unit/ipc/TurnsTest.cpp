// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Turns: a client whose requests take long (a big batch, many lines at once) goes on in
 * later loop rounds, so that every other client is answered in between; its own
 * replies stay whole and in order; only a few batches hold their parsed requests
 * across turns; and what a client that left still asked to do is done.
 */
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "TestSupport.hpp"

using namespace IpcTest;

namespace {

/** Each "slow" call costs a little, so that many of them outlast a turn. */
json Slow(const std::string& method, const json& params) {
    if (method == "slow") std::this_thread::sleep_for(std::chrono::microseconds(200));
    return params;
}

/** Every call of @p h's handler costs as Slow() says. */
void MakeSlow(Harness& h) {
    h.handler.on_call = [](Ipc::Connection&, const std::string& method, const json& params) {
        return Slow(method, params);
    };
}

std::string Batch(int first, int count, const std::string& method = "slow") {
    std::string batch = "[";
    for (int id = first; id < first + count; ++id)
        batch += std::string(id > first ? "," : "") + R"({"jsonrpc":"2.0","method":")" + method +
                 R"(","id":)" + std::to_string(id) + "}";
    return batch + "]\n";
}

/** Position of the first call of @p method in @p calls (calls.size() if none). */
size_t First(const std::vector<std::string>& calls, const std::string& method) {
    return static_cast<size_t>(std::find(calls.begin(), calls.end(), method) - calls.begin());
}

size_t Last(const std::vector<std::string>& calls, const std::string& method) {
    return static_cast<size_t>(std::find(calls.rbegin(), calls.rend(), method).base() -
                               calls.begin());
}

/** @p count clients, each with 100 slow requests sent at once. */
std::vector<Client> Busy(Harness& h, int count) {
    std::string lines;
    for (int id = 1; id <= 100; ++id)
        lines += R"({"jsonrpc":"2.0","method":"slow","id":)" + std::to_string(id) + "}\n";
    std::vector<Client> busy;
    for (int i = 0; i < count; ++i) {
        busy.push_back(h.Connect());
        busy.back().Write(lines);
    }
    return busy;
}

}  // namespace

TEST_CASE("A long batch gives other clients a turn; its reply is whole and in order") {
    Harness h;
    MakeSlow(h);
    Client a = h.Connect();
    Client b = h.Connect();
    a.Write(Batch(1, 100) + R"({"jsonrpc":"2.0","method":"after","id":101})" + "\n");
    h.Pump(1);
    b.Write(R"({"jsonrpc":"2.0","method":"echo","id":1})"
            "\n");
    std::vector<std::string> a_lines, b_lines;
    REQUIRE(h.RunUntil([&] {
        for (auto& l : a.TakeLines()) a_lines.push_back(l);
        for (auto& l : b.TakeLines()) b_lines.push_back(l);
        return a_lines.size() == 2 && b_lines.size() == 1;
    }));
    const auto& calls = h.handler.calls;
    /* The other client was answered while the batch ran, not after it. */
    CHECK(First(calls, "echo") < Last(calls, "slow"));
    const json reply = json::parse(a_lines[0]);
    REQUIRE(reply.is_array());
    REQUIRE(reply.size() == 100);
    for (size_t i = 0; i < 100; ++i) CHECK(reply[i]["id"] == i + 1);
    /* The line after the batch runs after all of it. */
    CHECK(json::parse(a_lines[1])["id"] == 101);
    CHECK(calls.back() == "after");
}

TEST_CASE("Many lines read at once are run in turns, in order") {
    Harness h;
    MakeSlow(h);
    Client a = h.Connect();
    Client b = h.Connect();
    std::string lines;
    for (int id = 1; id <= 100; ++id)
        lines += R"({"jsonrpc":"2.0","method":"slow","id":)" + std::to_string(id) + "}\n";
    a.Write(lines);
    h.Pump(1);
    b.Write(R"({"jsonrpc":"2.0","method":"echo","id":1})"
            "\n");
    std::vector<json> a_replies, b_replies;
    REQUIRE(h.RunUntil([&] {
        for (auto& m : a.TakeMessages()) a_replies.push_back(m);
        for (auto& m : b.TakeMessages()) b_replies.push_back(m);
        return a_replies.size() == 100 && b_replies.size() == 1;
    }));
    CHECK(First(h.handler.calls, "echo") < Last(h.handler.calls, "slow"));
    for (size_t i = 0; i < 100; ++i) CHECK(a_replies[i]["id"] == i + 1);
}

TEST_CASE("Only a few batches run in turns at once; more run whole, and all complete") {
    Harness h;
    /* Which connections are inside a batch: "begin" opens it, "end" closes it. */
    std::map<uint64_t, bool> inside;
    size_t most = 0;
    h.handler.on_call = [&](Ipc::Connection& c, const std::string& method, const json& params) {
        if (method == "begin") inside[c.GetId()] = true;
        if (method == "end") inside[c.GetId()] = false;
        most = std::max(most, static_cast<size_t>(std::count_if(inside.begin(), inside.end(),
                                                                [](auto& e) { return e.second; })));
        return Slow(method, params);
    };
    constexpr size_t CLIENTS = 8;
    std::vector<Client> clients;
    for (size_t i = 0; i < CLIENTS; ++i) clients.push_back(h.Connect());
    const std::string begin = Batch(1, 1, "begin"), slow = Batch(2, 20), end = Batch(22, 1, "end");
    /* [begin, slow x 20, end]: the three batches' brackets joined. */
    const std::string batch = begin.substr(0, begin.size() - 2) + "," +
                              slow.substr(1, slow.size() - 3) + "," + end.substr(1);
    for (auto& c : clients) c.Write(batch);
    std::vector<size_t> replies(CLIENTS, 0);
    REQUIRE(h.RunUntil([&] {
        bool all = true;
        for (size_t i = 0; i < CLIENTS; ++i) {
            for (auto& m : clients[i].TakeMessages()) {
                REQUIRE(m.is_array());
                replies[i] = m.size();
            }
            all &= replies[i] == 22;
        }
        return all;
    }));
    /* Several ran interleaved, never more than the server's slots (4) plus the one
     * running whole. */
    CHECK(most > 1);
    CHECK(most <= 5);
}

TEST_CASE("A client gone in the middle of its turns: the rest runs, nothing is sent") {
    Harness h;
    std::vector<std::string> acted;
    h.handler.on_call = [&](Ipc::Connection&, const std::string& method, const json& params) {
        if (method == "act") acted.push_back(params.value("n", ""));
        return Slow(method, params);
    };
    Client other = h.Connect();
    {
        Client a = h.Connect();
        a.Write(Batch(1, 100) + R"({"jsonrpc":"2.0","method":"act","params":{"n":"after"}})" +
                "\n");
        h.Pump(1);
        REQUIRE(h.handler.calls.size() < 100);
    }
    h.Pump();
    /* The notification after the batch still acted: the client asked for it. */
    CHECK(acted == std::vector<std::string>{"after"});
    CHECK(h.handler.disconnected.size() == 1);
    /* The server goes on. */
    CHECK(h.Exchange(other, R"({"jsonrpc":"2.0","method":"echo","id":1})"
                            "\n")
              .size() == 1);
}

TEST_CASE("A quick request waits for about one turn, however many clients are in turns") {
    Harness h;
    MakeSlow(h);
    std::vector<Client> busy = Busy(h, 8);
    /* Each has run a first turn and waits for the next. */
    h.Pump(1);
    Client quick = h.Connect();
    quick.Write(R"({"jsonrpc":"2.0","method":"echo","id":1})"
                "\n");
    /* The round that reads it sends its answer after at most one TURN (1 ms) of the
     * others' work, here about 5 slow calls and the one running over; not after a turn
     * of each of the 8 (at least 8 calls). */
    const size_t before = h.handler.calls.size();
    std::vector<json> replies;
    for (int round = 0; round < 10 && replies.empty(); ++round) {
        h.loop.RunOnce(0);
        replies = quick.TakeMessages();
    }
    REQUIRE(replies.size() == 1);
    const auto& calls = h.handler.calls;
    const size_t echo = First(calls, "echo");
    REQUIRE(echo < calls.size());
    CHECK(echo >= before);
    CHECK(calls.size() - echo - 1 <= 6);
}

TEST_CASE("A quick request's answer leaves before the round's other work") {
    Harness h;
    MakeSlow(h);
    std::vector<Client> busy = Busy(h, 8);
    h.Pump(1);
    Client quick = h.Connect();
    /* Each slow call made after the quick one looks whether its answer has reached
     * the client yet. */
    bool echoed = false;
    size_t after = 0, waiting = 0;
    h.handler.on_call = [&](Ipc::Connection&, const std::string& method, const json& params) {
        if (method == "echo") echoed = true;
        if (method == "slow" && echoed) {
            char byte;
            ++after;
            waiting += recv(quick.fd.Get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) != 1;
        }
        return Slow(method, params);
    };
    quick.Write(R"({"jsonrpc":"2.0","method":"echo","id":1})"
                "\n");
    h.loop.RunOnce(0);
    REQUIRE(echoed);
    /* The others' turns in the same round ran after it: the answer was out already. */
    CHECK(after > 0);
    CHECK(waiting == 0);
    CHECK(quick.TakeMessages().size() == 1);
}
