// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "Harness.hpp"
#include "daemon/cards/CardIo.hpp"

using nlohmann::json;
using TestData::Daemon;

namespace {

const std::string WEDGED = "usb-1235-8215-WEDGED";
const std::string LIVE = "usb-1235-8215-LIVE";

json Set(Cli::Client& c, const std::string& device, unsigned numid, json value) {
    return c.Call("controls.set",
                  {{"device", device}, {"changes", {{{"control", numid}, {"value", value}}}}});
}

/** The card's I/O thread gives the card back, and opens a replugged one,
 *  asynchronously: ask until it has (busy, then offline until it is open). */
json SetOnceAnswering(Cli::Client& c, const std::string& device, unsigned numid, json value) {
    json response;
    for (int i = 0; i < 200; ++i) {
        response = Set(c, device, numid, value);
        if (!response.contains("error") ||
            (response["error"]["code"] != -32008 && response["error"]["code"] != -32002))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return response;
}

}  // namespace

TEST_CASE("A device that stops answering holds neither the other devices nor the clients") {
    auto wedged = TestData::SmallDevice();
    auto live = TestData::SmallDevice();
    Daemon d({{WEDGED, wedged}, {LIVE, live}}, {},
             [](Options& options) { options.io_bound = std::chrono::milliseconds(50); });
    auto writer = d.Connect();
    auto other = d.Connect();
    auto watcher = d.Connect();
    REQUIRE(watcher.Call("subscribe", {{"snapshot", false}}).contains("result"));

    wedged->Wedge(true);
    /* The write waits in the device; the writer is told, and nothing else waits. */
    auto busy = Set(writer, WEDGED, 2, true);
    INFO(busy.dump());
    REQUIRE(busy.contains("error"));
    CHECK(busy["error"]["code"] == -32008);
    CHECK(busy["error"]["data"]["code"] == "device.busy");
    CHECK(busy["error"]["data"]["reason"] == "unresponsive");
    CHECK(busy["error"]["data"]["device"] == WEDGED);
    CHECK(busy["error"]["data"]["applied"] == json::array());

    CHECK(other.Call("daemon.info").contains("result"));
    auto on_live = Set(other, LIVE, 1, 99);
    INFO(on_live.dump());
    REQUIRE(on_live.contains("result"));
    CHECK(live->Get(1).numbers == std::vector<int64_t>{99});

    /* Later requests for the wedged card fail at once, without touching it again. */
    const size_t attempts = wedged->Attempts();
    auto again = Set(other, WEDGED, 1, 5);
    REQUIRE(again.contains("error"));
    CHECK(again["error"]["code"] == -32008);
    CHECK(wedged->Attempts() == attempts);
    /* What the daemon knows is still shown. */
    auto get = other.Call("controls.get", {{"device", WEDGED}, {"controls", {1, 2}}});
    INFO(get.dump());
    REQUIRE(get.contains("result"));
    CHECK(get["result"]["controls"][1]["value"] == json::array({false}));

    SUBCASE("once it answers, the pending write lands, is announced, and writes work again") {
        wedged->Wedge(false);
        bool announced = false;
        while (auto note = watcher.NextNotification(2000)) {
            if ((*note)["method"] == "controls.changed" && (*note)["params"]["device"] == WEDGED) {
                CHECK((*note)["params"]["controls"][0]["value"] == json::array({true}));
                announced = true;
                break;
            }
        }
        CHECK(announced);
        CHECK(wedged->Get(2).numbers == std::vector<int64_t>{1});
        auto works = SetOnceAnswering(writer, WEDGED, 1, 77);
        INFO(works.dump());
        REQUIRE(works.contains("result"));
        CHECK(works["result"]["controls"][0]["value"] == json::array({77}));
    }

    SUBCASE("unplugged while stuck, it goes offline, and comes back on replug") {
        wedged->Unplug();
        bool removed = false;
        while (auto note = watcher.NextNotification(2000))
            if ((*note)["method"] == "device.removed") {
                CHECK((*note)["params"]["device"]["id"] == WEDGED);
                removed = true;
                break;
            }
        CHECK(removed);
        wedged->Wedge(false);
        wedged->Replug();
        d.Hotplug();
        auto works = SetOnceAnswering(writer, WEDGED, 1, 33);
        INFO(works.dump());
        REQUIRE(works.contains("result"));
    }

    SUBCASE("the daemon stops while the device is stuck: nothing waits for it") {
        /* The Daemon is destroyed at the end of the case; then the device answers and
         * the left-over I/O thread ends. */
    }
    wedged->Wedge(false);
}

TEST_CASE("A write waiting for a slow device holds no one else, and its client's order") {
    auto slow = TestData::SmallDevice();
    auto live = TestData::SmallDevice();
    /* A bound far beyond the test: the device is slow, not wedged for good. */
    Daemon d({{WEDGED, slow}, {LIVE, live}}, {},
             [](Options& options) { options.io_bound = std::chrono::seconds(60); });
    auto writer = d.Connect();
    auto other = d.Connect();
    auto watcher = d.Connect();
    REQUIRE(watcher.Call("subscribe", {{"snapshot", false}}).contains("result"));

    const json before = other.Call(
        "controls.get", {{"device", WEDGED}, {"controls", {1}}})["result"]["controls"][0]["value"];
    slow->Wedge(true);
    /* A write, and behind it on the same connection a read of what it writes. */
    writer.SendRaw(R"({"jsonrpc":"2.0","id":1,"method":"controls.set","params":{"device":")" +
                   WEDGED +
                   R"(","changes":[{"control":1,"value":42}]}})"
                   "\n"
                   R"({"jsonrpc":"2.0","id":2,"method":"controls.get","params":{"device":")" +
                   WEDGED +
                   R"(","controls":[1]}})"
                   "\n");
    /* Meanwhile every other client is served, the other device written... */
    CHECK(other.Call("daemon.info").contains("result"));
    auto on_live = Set(other, LIVE, 1, 99);
    INFO(on_live.dump());
    REQUIRE(on_live.contains("result"));
    CHECK(live->Get(1).numbers == std::vector<int64_t>{99});
    CHECK(other.Call("controls.get",
                     {{"device", WEDGED}, {"controls", {1}}})["result"]["controls"][0]["value"] ==
          before);
    /* ...and the writer is not answered yet, neither its write nor what follows it. */
    CHECK_FALSE(writer.ReadLine(100));

    slow->Wedge(false);
    const auto first = writer.ReadLine(5000);
    REQUIRE(first);
    const json set = json::parse(*first);
    INFO(set.dump());
    CHECK(set["id"] == 1);
    CHECK(set["result"]["controls"][0]["value"] == json::array({42}));
    const auto second = writer.ReadLine(5000);
    REQUIRE(second);
    const json get = json::parse(*second);
    CHECK(get["id"] == 2);
    CHECK(get["result"]["controls"][0]["value"] == json::array({42}));
    CHECK(slow->Get(1).numbers == std::vector<int64_t>{42});
    /* Announced once, to the one subscriber. */
    bool announced = false;
    while (auto note = watcher.NextNotification(500))
        if ((*note)["method"] == "controls.changed" && (*note)["params"]["device"] == WEDGED) {
            CHECK_FALSE(announced);
            CHECK((*note)["params"]["controls"][0]["value"] == json::array({42}));
            announced = true;
        }
    CHECK(announced);
}

TEST_CASE("A client that leaves while its write waits: the write still lands, the rest runs") {
    auto slow = TestData::SmallDevice();
    Daemon d({{WEDGED, slow}}, {},
             [](Options& options) { options.io_bound = std::chrono::seconds(60); });
    auto other = d.Connect();
    {
        auto writer = d.Connect();
        slow->Wedge(true);
        writer.SendRaw(
            R"({"jsonrpc":"2.0","id":1,"method":"controls.set","params":{"changes":[{"control":1,"value":7}]}})"
            "\n"
            R"({"jsonrpc":"2.0","method":"controls.set","params":{"changes":[{"control":2,"value":true}]}})"
            "\n");
        CHECK(other.Call("daemon.info").contains("result"));
    }
    /* The daemon saw the hangup while the write waited; nothing spins meanwhile. */
    CHECK(other.Call("daemon.info").contains("result"));
    slow->Wedge(false);
    json clients;
    for (int i = 0; i < 200; ++i) {
        clients = other.Call("daemon.info")["result"]["clients"];
        if (slow->Get(2).numbers == std::vector<int64_t>{1} && clients == 1) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(slow->Get(1).numbers == std::vector<int64_t>{7});
    CHECK(slow->Get(2).numbers == std::vector<int64_t>{1});
    CHECK(clients == 1);
}

TEST_CASE("Meters of a stuck device pause and resume; its subscription is still granted") {
    auto controls = TestData::SmallControlSet();
    controls.push_back(TestData::LevelMeter(7, 2));
    auto device = std::make_shared<TestData::FakeDevice>(std::move(controls));
    Daemon d({{WEDGED, device}}, {},
             [](Options& options) { options.io_bound = std::chrono::milliseconds(50); });
    auto c = d.Connect();
    auto probe = d.Connect();
    device->Wedge(true);
    /* Reading the labels waits for the device: the subscription comes without them. */
    auto sub = c.Call("meters.subscribe", {{"rate_hz", 50}});
    INFO(sub.dump());
    REQUIRE(sub.contains("result"));
    CHECK_FALSE(sub["result"].contains("labels"));
    CHECK(probe.Call("daemon.info").contains("result"));
    CHECK_FALSE(c.NextNotification(200));

    device->Wedge(false);
    device->ExternalSet(7, {{100, 200}, {}});
    std::optional<json> meters;
    while ((meters = c.NextNotification(2000)))
        if ((*meters)["method"] == "meters" &&
            (*meters)["params"]["raw"] == json::array({100, 200}))
            break;
    REQUIRE(meters);
    CHECK((*meters)["params"]["device"] == WEDGED);
}

TEST_CASE("A card still opening when the daemon stops is waited for, within the bound") {
    auto device = TestData::SmallDevice();
    device->Unplug();
    std::thread release;
    {
        Daemon d({{WEDGED, device}});
        device->Replug();
        device->HoldOpens(true);
        d.Hotplug();
        for (int i = 0; i < 400 && device->Opening() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(device->Opening() == 1);
        /* The open ends 100 ms into the shutdown, inside the 500 ms bound. */
        release = std::thread([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            device->HoldOpens(false);
        });
    }
    /* No thread of the daemon's outlives it holding the card it opened. */
    CHECK(device->Opening() == 0);
    CHECK(device->OpenCards() == 0);
    release.join();
}

TEST_CASE("A card's thread left stuck when the daemon stops ends once the device answers") {
    auto wedged = TestData::SmallDevice();
    {
        Daemon d({{WEDGED, wedged}}, {},
                 [](Options& options) { options.io_bound = std::chrono::milliseconds(50); });
        auto c = d.Connect();
        wedged->Wedge(true);
        REQUIRE(Set(c, WEDGED, 2, true).contains("error"));
    }
    /* The daemon is gone; its card's thread still waits in the device. */
    CHECK(CardIo::CountThreads() > 0);
    wedged->Wedge(false);
    for (int i = 0; i < 500 && CardIo::CountThreads() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(CardIo::CountThreads() == 0);
    /* The write it was doing landed. */
    CHECK(wedged->Get(2).numbers == std::vector<int64_t>{1});
}
