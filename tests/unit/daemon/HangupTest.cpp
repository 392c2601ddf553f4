// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
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
        CHECK(device.Reads(7) == 100);
        size_t answers = 0;
        for (int i = 0; i < 100 && answers < 201; ++i) {
            for (const auto& m : stays.Take()) answers += m.contains("id");
            parts.Pump();
        }
        CHECK(answers == 201);
    }
}
