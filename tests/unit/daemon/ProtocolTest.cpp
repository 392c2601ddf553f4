// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>

#include "Harness.hpp"

using nlohmann::json;
using TestData::Daemon;
using TestData::FakeDevice;
using namespace std::chrono_literals;

namespace {

const std::string& DEV = TestData::SMALL_ID;

/* protocol-v1 §4 and §5, and protocol 1.1 so far: what the contracts say exists. */
const std::set<std::string> CONTRACT_METHODS = {
    "daemon.info",  "rpc.discover", "devices.list", "controls.list",    "controls.get",
    "controls.set", "subscribe",    "unsubscribe",  "meters.subscribe", "presets.list",
    "presets.save", "presets.load", "presets.diff", "presets.delete",   "devices.configure"};
const std::set<std::string> CONTRACT_NOTIFICATIONS = {
    "controls.changed", "controls.added", "controls.removed", "device.added",
    "device.removed",   "meters",         "snapshot",         "device.restored"};

std::shared_ptr<FakeDevice> WithMeter() {
    auto controls = TestData::SmallControlSet();
    controls.push_back(TestData::LevelMeter(7, 4));
    return std::make_shared<FakeDevice>(std::move(controls));
}

}  // namespace

TEST_CASE("rpc.discover describes exactly the methods that dispatch, with their params") {
    Daemon d({{DEV, WithMeter()}});
    auto c = d.Connect();
    auto doc = c.Call("rpc.discover")["result"];
    CHECK(doc["openrpc"].get<std::string>().rfind("1.2", 0) == 0);
    CHECK(doc["info"]["title"] == "scarlettd");

    std::set<std::string> described;
    for (const auto& m : doc["methods"]) {
        const std::string name = m["name"];
        described.insert(name);
        CAPTURE(name);
        /* Described → dispatches: never method.not_found, whatever its params. */
        auto r = c.Call(name, json::object());
        if (r.contains("error")) CHECK(r["error"]["code"] != -32601);
        /* Every described param is accepted by name; anything else is refused. */
        json params = json::object();
        for (const auto& p : m["params"]) params[p["name"].get<std::string>()] = nullptr;
        r = c.Call(name, params);
        if (r.contains("error"))
            CHECK(r["error"]["message"].get<std::string>().rfind("unknown parameter", 0) ==
                  std::string::npos);
        r = c.Call(name, {{"undescribed_param", 1}});
        REQUIRE(r.contains("error"));
        CHECK(r["error"]["data"]["field"] == "undescribed_param");
    }
    CHECK(described == CONTRACT_METHODS);
    /* Not described → does not dispatch. */
    CHECK(c.Call("controls.delete")["error"]["code"] == -32601);

    std::set<std::string> notifications;
    for (const auto& n : doc["x-notifications"]) notifications.insert(n["name"]);
    CHECK(notifications == CONTRACT_NOTIFICATIONS);
    std::set<int> codes;
    for (const auto& e : doc["x-errors"]) codes.insert(e["code"].get<int>());
    CHECK(codes == std::set<int>{-32700, -32600, -32601, -32602, -32603, -32001, -32002, -32003,
                                 -32004, -32005, -32006, -32007, -32008, -32009, -32010, -32011,
                                 -32012, -32013});
}

TEST_CASE("meters: no subscription, no reads and no wakeups; 20 Hz, about 20 reads a second") {
    auto dev = WithMeter();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    std::this_thread::sleep_for(100ms);
    const auto wakeups = d.GetWakeups();
    std::this_thread::sleep_for(500ms);
    CHECK(d.GetWakeups() == wakeups);
    CHECK(dev->Reads(7) == 0);

    dev->ExternalSet(7, {{0, 4095, 2048, 1}, {}});
    auto r = c.Call("meters.subscribe", {{"device", DEV}, {"rate_hz", 20}});
    REQUIRE(r.contains("result"));
    const auto sub = r["result"]["subscription"];
    CHECK_FALSE(r["result"].contains("labels"));
    const size_t before = dev->Reads(7);
    const auto start = std::chrono::steady_clock::now();
    std::vector<json> notes;
    while (std::chrono::steady_clock::now() - start < 1000ms)
        if (auto n = c.NextNotification(50)) notes.push_back(*n);
    const size_t reads = dev->Reads(7) - before;
    MESSAGE("meter reads in 1 s at 20 Hz: " << reads);
    CHECK(reads >= 15);
    CHECK(reads <= 25);
    REQUIRE_FALSE(notes.empty());
    const auto& p = notes.back()["params"];
    CHECK(notes.back()["method"] == "meters");
    CHECK(p["subscription"] == sub);
    CHECK(p["seq"].is_number_unsigned()); /* §5: every notification carries seq */
    CHECK(p["device"] == DEV);
    CHECK(p["raw"] == json::array({0, 4095, 2048, 1}));
    CHECK(p["levels"][0].is_null());
    CHECK(p["levels"][1].get<double>() == doctest::Approx(0.0));
    CHECK(p["levels"][2].get<double>() == doctest::Approx(20 * std::log10(2048.0 / 4095)));

    SUBCASE("unsubscribe stops the polling") {
        REQUIRE(c.Call("unsubscribe", {{"subscription", sub}}).contains("result"));
    }
    SUBCASE("disconnecting stops the polling") {
        c = d.Connect();
    }
    std::this_thread::sleep_for(200ms);
    const size_t after = dev->Reads(7);
    const auto idle = d.GetWakeups();
    std::this_thread::sleep_for(500ms);
    CHECK(dev->Reads(7) == after);
    CHECK(d.GetWakeups() == idle);
}

TEST_CASE("meters: labels from the FCP label TLV, rate bounds, devices without meters") {
    auto dev = WithMeter();
    const char text[8] = {'I', 'n', ' ', '1', 0, 'B', 0, 0};
    std::vector<uint32_t> tlv = {0x110, 8, 0, 0};
    std::memcpy(tlv.data() + 2, text, 8);
    dev->SetTlv(7, tlv);
    Daemon d({{DEV, dev}, {"usb-1235-8210-NOMETER", TestData::SmallDevice()}});
    auto c = d.Connect();
    auto r = c.Call("meters.subscribe", {{"device", DEV}});
    REQUIRE(r.contains("result"));
    CHECK(r["result"]["labels"] == json::array({"In 1", "B"}));
    CHECK(c.Call("meters.subscribe",
                 {{"device", DEV}, {"rate_hz", 61}})["error"]["data"]["field"] == "rate_hz");
    CHECK(c.Call("meters.subscribe", {{"device", DEV}, {"rate_hz", 0}})["error"]["code"] == -32602);
    CHECK(c.Call("meters.subscribe", {{"device", "usb-1235-8210-NOMETER"}})["error"]["code"] ==
          -32003);
}

TEST_CASE("shutting down with clients that still poll meters is clean") {
    /* The server closes its connections while the daemon is destroyed, and each close
     * re-plans meter polling: the meter table and the cards must still exist then. */
    auto dev = WithMeter();
    std::vector<Cli::Client> clients;
    {
        Daemon d({{DEV, dev}});
        for (int i = 0; i < 3; ++i) {
            clients.push_back(d.Connect());
            REQUIRE(clients.back()
                        .Call("meters.subscribe", {{"device", DEV}, {"rate_hz", 20}})
                        .contains("result"));
        }
        /* Polling runs: a meters notification arrived. */
        REQUIRE(clients.back().NextNotification(2000).has_value());
    }
    CHECK(dev->Reads(7) > 0);
    /* The connections were closed by the daemon, not left hanging. */
    for (auto& c : clients) {
        bool eof = false;
        try {
            while (c.NextNotification(2000)) {
            }
        } catch (const std::runtime_error&) {
            eof = true;
        }
        CHECK(eof);
    }
}
