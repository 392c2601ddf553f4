// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include "Parts.hpp"

using nlohmann::json;
using TestData::Parts;

TEST_CASE("A client that hangs up right after its requests costs only its writes") {
    auto controls = TestData::SmallControlSet();
    controls.push_back(TestData::LevelMeter(7, 4));
    Parts parts({TestData::MakeDevice(TestData::ScarlettIdentity("usb-1235-8215-HUP", "HUP", 1),
                                      std::move(controls))});
    auto& device = *parts.cards_in_memory.devices[0].fake;
    parts.cards->Start();

    /* Reads of the volatile meter (each controls.get of it) and subscriptions with
     * snapshots, then a write; then the client is gone before the daemon reads. */
    std::string requests;
    for (int i = 0; i < 100; ++i)
        requests += R"({"jsonrpc":"2.0","id":1,"method":"controls.get","params":{"controls":[7]}})"
                    "\n"
                    R"({"jsonrpc":"2.0","id":2,"method":"subscribe"})"
                    "\n";
    requests += R"({"jsonrpc":"2.0","id":3,"method":"controls.set",)"
                R"("params":{"changes":[{"control":2,"value":true}]}})"
                "\n";
    auto peer = parts.Connect();
    REQUIRE(write(peer.fd.Get(), requests.data(), requests.size()) ==
            static_cast<ssize_t>(requests.size()));
    peer.fd.Reset();
    parts.Pump();

    CHECK(device.Reads(7) == 0);
    CHECK(device.Get(2).numbers == std::vector<int64_t>{1});
    CHECK(parts.server->GetClientCount() == 0);

    SUBCASE("the same requests from a client that stays are all answered") {
        auto stays = parts.Connect();
        REQUIRE(write(stays.fd.Get(), requests.data(), requests.size()) ==
                static_cast<ssize_t>(requests.size()));
        parts.Pump();
        size_t answers = 0;
        for (int i = 0; i < 100 && answers < 201; ++i) {
            for (const auto& m : stays.Take()) answers += m.contains("id");
            parts.Pump();
        }
        CHECK(answers == 201);
        /* Counted once all are answered: a loaded machine reads slower than Pump()
         * waits (95 of 100 seen after the first Pump). */
        CHECK(device.Reads(7) == 100);
    }
}

TEST_CASE("A half-closed client is let go once answered, unless it is subscribed") {
    Parts parts({TestData::MakeSmallDevice("HALF", 1)});
    auto& device = *parts.cards_in_memory.devices[0].fake;
    parts.cards->Start();
    const std::string info = R"({"jsonrpc":"2.0","id":1,"method":"daemon.info"})"
                             "\n";

    /* `echo ... | socat -t 5`: nothing more can come for it; its slot is free at once. */
    auto once = parts.Connect();
    REQUIRE(write(once.fd.Get(), info.data(), info.size()) == static_cast<ssize_t>(info.size()));
    REQUIRE(shutdown(once.fd.Get(), SHUT_WR) == 0);
    parts.Pump();
    const auto answers = once.Take();
    REQUIRE(answers.size() == 1);
    CHECK(answers[0]["id"] == 1);
    CHECK(parts.server->GetClientCount() == 0);

    /* A subscriber that half-closes still gets what changes. */
    auto listener = parts.Connect();
    const std::string subscribe = R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})"
                                  "\n";
    REQUIRE(write(listener.fd.Get(), subscribe.data(), subscribe.size()) ==
            static_cast<ssize_t>(subscribe.size()));
    REQUIRE(shutdown(listener.fd.Get(), SHUT_WR) == 0);
    parts.Pump();
    listener.Take();
    device.ExternalSet(1, {{99}, {}});
    parts.Pump();
    bool changed = false;
    for (const auto& m : listener.Take()) changed |= m.value("method", "") == "controls.changed";
    CHECK(changed);
    CHECK(parts.server->GetClientCount() == 1);
}
