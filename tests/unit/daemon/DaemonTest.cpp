// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "Harness.hpp"

using nlohmann::json;
using TestData::Daemon;
using TestData::Drain;
using TestData::Result;

namespace {

const std::string& DEV = TestData::SMALL_ID;
const auto Small = TestData::SmallDevice;

/** Asserts an error response: numeric code and stable data.code. */
json Error(const json& response, int code, const std::string& data_code) {
    INFO(response.dump());
    REQUIRE(response.contains("error"));
    CHECK(response["error"]["code"] == code);
    CHECK(response["error"]["data"]["code"] == data_code);
    CHECK(response["error"]["message"].is_string());
    return response["error"];
}

json Set(Cli::Client& c, json change) {
    return c.Call("controls.set", {{"device", DEV}, {"changes", json::array({change})}});
}

}  // namespace

TEST_CASE("daemon.info and devices.list describe the daemon and its devices") {
    Daemon d({{DEV, Small()}});
    auto c = d.Connect();
    auto info = Result(c.Call("daemon.info"));
    CHECK(info["name"] == "scarlettd");
    CHECK(info["protocol"]["major"] == 1);
    CHECK(info["devices"] == 1);
    CHECK(info["clients"] == 1);
    CHECK(info["pid"] == getpid());

    auto list = Result(c.Call("devices.list"));
    CHECK(list["seq"].is_number_unsigned());
    REQUIRE(list["devices"].size() == 1);
    auto dev = list["devices"][0];
    CHECK(dev["id"] == DEV);
    CHECK(dev["online"] == true);
    CHECK(dev["card"] == 1);
    CHECK(dev["model"] == "Scarlett 18i20 3rd Gen");
    CHECK(dev["family"] == "scarlett2");
    CHECK(dev["usb"] == json{{"vendor", "1235"}, {"product", "8215"}, {"serial", "P9ABCDEF"}});
    CHECK(dev["firmware"] == json{{"version", 1644}, {"minimum", nullptr}});
    CHECK(dev["controls"] == 6 + TestData::DAEMON_CONTROLS);
}

TEST_CASE("controls.list gives the full form of every type, filtered by glob and iface") {
    Daemon d({{DEV, Small()}});
    auto c = d.Connect();
    auto all = Result(c.Call("controls.list", {{"device", DEV}}));
    CHECK(all["device"] == DEV);
    REQUIRE(all["controls"].size() == 6 + TestData::DAEMON_CONTROLS);
    auto vol = all["controls"][0];
    CHECK(vol["numid"] == 1);
    CHECK(vol["iface"] == "mixer");
    CHECK(vol["type"] == "integer");
    CHECK(vol["min"] == 0);
    CHECK(vol["max"] == 172);
    CHECK(vol["step"] == 1);
    CHECK(vol["value"] == json::array({160}));
    CHECK(vol["writable"] == true);
    CHECK(vol["access"] == json::array({"read", "write", "tlv_read"}));
    CHECK(vol["db"]["min"] == doctest::Approx(-80.0));
    CHECK(vol["db"]["max"] == doctest::Approx(6.0));
    REQUIRE(vol["db_value"].size() == 1);
    CHECK(vol["db_value"][0].get<double>() ==
          doctest::Approx(-80.0 + 86.0 * 160 / 172).epsilon(0.01));
    auto air = all["controls"][1];
    CHECK(air["type"] == "boolean");
    CHECK(air["value"] == json::array({false}));
    CHECK_FALSE(air.contains("min"));
    auto mux = all["controls"][2];
    CHECK(mux["items"] == json::array({"Off", "Analogue 1", "Analogue 2"}));
    CHECK(mux["value"] == json::array({"Analogue 1"}));
    CHECK(all["controls"][3]["value"] == json::array({10, 20}));
    CHECK(all["controls"][4]["writable"] == false);

    auto line_in = Result(c.Call("controls.list", {{"device", DEV}, {"match", "Line In *"}}));
    REQUIRE(line_in["controls"].size() == 1);
    CHECK(line_in["controls"][0]["numid"] == 2);
    auto card = Result(c.Call("controls.list", {{"iface", "card"}}));
    REQUIRE(card["controls"].size() == 1);
    CHECK(card["controls"][0]["name"] == "Firmware Version");
}

TEST_CASE("controls.get resolves every form of control reference") {
    Daemon d({{DEV, Small()}});
    auto c = d.Connect();
    auto r =
        Result(c.Call("controls.get", {{"device", DEV},
                                       {"controls",
                                        {3, "Line In 1 Air Capture Switch", json{{"numid", 1}},
                                         json{{"name", "Firmware Version"}, {"iface", "card"}}}}}));
    REQUIRE(r["controls"].size() == 4);
    CHECK(r["controls"][0]["numid"] == 3);
    CHECK(r["controls"][1]["numid"] == 2);
    CHECK(r["controls"][2]["numid"] == 1);
    CHECK(r["controls"][3]["numid"] == 6);
    Error(c.Call("controls.get", {{"device", DEV}, {"controls", {"Nope"}}}), -32003,
          "control.not_found");
    Error(c.Call("controls.get",
                 {{"controls", {json{{"name", "Firmware Version"}, {"iface", "mixer"}}}}}),
          -32003, "control.not_found");
}

TEST_CASE("controls.set writes, reads back, and the writer's subscription hears it exactly once") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    auto sub = Result(c.Call("subscribe", {{"snapshot", false}}));
    CHECK(sub["subscription"] == 1);
    const uint64_t seq0 = sub["seq"];
    CHECK_FALSE(sub.contains("snapshot"));

    auto r = Result(Set(c, {{"control", "Mix A Input 01 Playback Volume"}, {"value", 100}}));
    CHECK(r["controls"][0]["value"] == json::array({100}));
    CHECK(r["seq"].get<uint64_t>() == seq0 + 1);
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{100});

    auto notes = Drain(c);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0]["method"] == "controls.changed");
    CHECK(notes[0]["params"]["subscription"] == 1);
    CHECK(notes[0]["params"]["seq"].get<uint64_t>() == seq0 + 1);
    CHECK(notes[0]["params"]["device"] == DEV);
    CHECK(notes[0]["params"]["controls"] ==
          json::array({{{"numid", 1},
                        {"name", "Mix A Input 01 Playback Volume"},
                        {"index", 0},
                        {"value", {100}},
                        {"db_value", notes[0]["params"]["controls"][0]["db_value"]}}}));

    SUBCASE("the same value again notifies nobody") {
        Result(Set(c, {{"control", 1}, {"value", 100}}));
        CHECK(Drain(c).empty());
    }
}

TEST_CASE("a change made elsewhere reaches every subscriber, coalesced to the latest value") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto a = d.Connect();
    auto b = d.Connect();
    Result(a.Call("subscribe", {{"snapshot", false}}));
    Result(b.Call("subscribe", {{"controls", {"Mix *"}}, {"snapshot", false}}));

    dev->ExternalSet(2, {{1}, {}});
    auto notes = Drain(a);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0]["params"]["controls"][0]["value"] == json::array({true}));
    CHECK(Drain(b).empty()); /* filtered out by its glob */

    for (int i = 0; i <= 172; ++i) dev->ExternalSet(1, {{i}, {}});
    auto flood = Drain(a);
    REQUIRE_FALSE(flood.empty());
    CHECK(flood.size() <= 173);
    CHECK(flood.back()["params"]["controls"].back()["value"] == json::array({172}));
    auto flood_b = Drain(b);
    REQUIRE_FALSE(flood_b.empty());
    CHECK(flood_b.back()["params"]["controls"].back()["value"] == json::array({172}));
}

TEST_CASE("controls.set accepts db, step, db_step, toggle, enum labels and per-channel arrays") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    Result(Set(c, {{"control", 2}, {"toggle", true}}));
    CHECK(dev->Get(2).numbers == std::vector<int64_t>{1});
    Result(Set(c, {{"control", 3}, {"value", "Analogue 2"}}));
    CHECK(dev->Get(3).numbers == std::vector<int64_t>{2});
    Result(Set(c, {{"control", 3}, {"value", 0}}));
    CHECK(dev->Get(3).numbers == std::vector<int64_t>{0});
    Result(Set(c, {{"control", 4}, {"value", {5, 6}}}));
    CHECK(dev->Get(4).numbers == std::vector<int64_t>{5, 6});
    Result(Set(c, {{"control", 4}, {"value", 7}}));
    CHECK(dev->Get(4).numbers == std::vector<int64_t>{7, 7});
    Result(Set(c, {{"control", 4}, {"step", 200}}));
    CHECK(dev->Get(4).numbers == std::vector<int64_t>{172, 172});
    auto r = Result(Set(c, {{"control", 1}, {"db", 6.0}}));
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{172});
    CHECK(r["controls"][0]["db_value"][0].get<double>() == doctest::Approx(6.0));
    Result(Set(c, {{"control", 1}, {"db_step", -86.0}}));
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{0});

    SUBCASE("dry_run validates and writes nothing") {
        const int writes = dev->writes;
        auto dry = Result(c.Call(
            "controls.set",
            {{"device", DEV}, {"dry_run", true}, {"changes", {{{"control", 1}, {"value", 50}}}}}));
        CHECK(dry["dry_run"] == true);
        CHECK(dry["controls"][0]["value"] == json::array({50}));
        CHECK(dev->writes == writes);
        CHECK(dev->Get(1).numbers == std::vector<int64_t>{0});
    }
}

TEST_CASE("every request error gets its protocol code and changes nothing") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();

    Error(c.Call("no.such.method"), -32601, "method.not_found");
    auto e = Error(c.Call("controls.list", {{"device", 5}}), -32602, "params.invalid");
    CHECK(e["data"]["field"] == "device");
    e = Error(c.Call("controls.list", {{"device", DEV}, {"bogus", 1}}), -32602, "params.invalid");
    CHECK(e["data"]["field"] == "bogus");
    Error(c.Call("controls.get", {{"device", DEV}, {"controls", "Sync Status"}}), -32602,
          "params.invalid");
    Error(c.Call("controls.list", {{"device", "usb-0000-0000-nope"}}), -32001, "device.not_found");
    Error(Set(c, {{"control", "No Such Control"}, {"value", 1}}), -32003, "control.not_found");
    /* 2^32 + 3 must not wrap to numid 3 (a fuzzer finding). */
    Error(Set(c, {{"control", 4294967299u}, {"toggle", true}}), -32003, "control.not_found");
    Error(c.Call("controls.get",
                 {{"device", DEV}, {"controls", {json{{"numid", 1}, {"name", "x"}}}}}),
          -32602, "params.invalid");
    e = Error(Set(c, {{"control", "Sync Status"}, {"value", "Locked"}}), -32004,
              "control.read_only");
    CHECK(e["data"]["reason"] == "read-only");
    e = Error(Set(c, {{"control", 1}, {"value", 173}}), -32005, "value.invalid");
    CHECK(e["data"]["control"] == "Mix A Input 01 Playback Volume");
    CHECK(e["data"]["min"] == 0);
    CHECK(e["data"]["max"] == 172);
    e = Error(Set(c, {{"control", 3}, {"value", "Analogue 9"}}), -32005, "value.invalid");
    CHECK(e["data"]["items"] == json::array({"Off", "Analogue 1", "Analogue 2"}));
    Error(Set(c, {{"control", 4}, {"value", {1, 2, 3}}}), -32005, "value.invalid");
    Error(Set(c, {{"control", 2}, {"value", 1}}), -32005, "value.invalid");
    Error(Set(c, {{"control", 1}, {"value", "loud"}}), -32005, "value.invalid");
    Error(Set(c, {{"control", 1}, {"db", 20.0}}), -32005, "value.invalid");
    Error(Set(c, {{"control", 4}, {"db", 0.0}}), -32005, "value.invalid");
    Error(Set(c, {{"control", 1}, {"value", 1}, {"step", 1}}), -32602, "params.invalid");

    SUBCASE("one invalid change: none is written") {
        auto r = c.Call(
            "controls.set",
            {{"device", DEV},
             {"changes", {{{"control", 2}, {"value", true}}, {{"control", 1}, {"value", -1}}}}});
        Error(r, -32005, "value.invalid");
    }
    SUBCASE("parse errors and invalid requests keep the connection usable") {
        c.SendRaw("\x01\x02garbage\n");
        auto line = c.ReadLine(2000);
        REQUIRE(line);
        auto parsed = json::parse(*line);
        CHECK(parsed["error"]["code"] == -32700);
        CHECK(parsed["id"].is_null());
        c.SendRaw(
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"controls.get\",\"params\":{\"controls\":[1]"
            "}\n");
        parsed = json::parse(*c.ReadLine(2000));
        CHECK(parsed["error"]["code"] == -32700);
        c.SendRaw("{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"daemon.info\"}\n");
        parsed = json::parse(*c.ReadLine(2000));
        CHECK(parsed["error"]["code"] == -32600);
        CHECK(parsed["error"]["data"]["code"] == "invalid_request");
        Result(c.Call("daemon.info"));
    }
    CHECK(dev->writes == 0);
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{160});
    CHECK(dev->Get(2).numbers == std::vector<int64_t>{0});
}

TEST_CASE("a write bit cleared at runtime is an INFO change, and the control refuses writes") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    Result(c.Call("subscribe", {{"snapshot", false}}));
    dev->SetWritable(4, false);
    auto notes = Drain(c);
    REQUIRE(notes.size() == 1);
    auto ctl = notes[0]["params"]["controls"][0];
    CHECK(ctl["info_changed"] == true);
    CHECK(ctl["writable"] == false);
    CHECK(ctl["type"] == "integer");
    Error(Set(c, {{"control", 4}, {"value", 1}}), -32004, "control.read_only");
    dev->SetWritable(4, true);
    Drain(c);
    Result(Set(c, {{"control", 4}, {"value", 1}}));
}

TEST_CASE("unplug: device.removed, offline errors; replug: device.added under the same id") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    auto events = d.Connect("events.sock");
    auto snapshot = events.NextNotification(2000);
    REQUIRE(snapshot);
    CHECK((*snapshot)["method"] == "snapshot");
    CHECK((*snapshot)["params"]["snapshot"]["devices"][0]["id"] == DEV);
    CHECK((*snapshot)["params"]["snapshot"]["controls"][DEV].size() ==
          6 + TestData::DAEMON_CONTROLS);
    CHECK((*snapshot)["params"]["seq"].is_number_unsigned());
    CHECK_FALSE((*snapshot)["params"].contains("subscription"));
    Result(c.Call("subscribe", {{"snapshot", false}}));

    dev->Unplug();
    auto notes = Drain(c);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0]["method"] == "device.removed");
    CHECK(notes[0]["params"]["device"]["id"] == DEV);
    CHECK(notes[0]["params"]["device"]["online"] == false);
    CHECK(notes[0]["params"]["device"]["card"].is_null());
    auto removed = events.NextNotification(2000);
    REQUIRE(removed);
    CHECK((*removed)["method"] == "device.removed");
    auto offline = Error(c.Call("controls.list", {{"device", DEV}}), -32002, "device.offline");
    CHECK(offline["data"]["device"] == DEV);
    /* Omitting the device (the one known) is no way around it: never a stale cache. */
    for (const auto& [method, params] : std::vector<std::pair<std::string, json>>{
             {"controls.list", json::object()},
             {"controls.get", {{"controls", {1}}}},
             {"controls.set", {{"changes", {{{"control", 1}, {"value", 3}}}}, {"dry_run", true}}},
             {"meters.subscribe", json::object()}}) {
        CAPTURE(method);
        offline = Error(c.Call(method, params), -32002, "device.offline");
        CHECK(offline["data"]["device"] == DEV);
    }
    auto list = Result(c.Call("devices.list"));
    CHECK(list["devices"][0]["online"] == false);

    dev->Replug();
    dev->ExternalSet(1, {{42}, {}});
    d.Hotplug();
    notes = Drain(c);
    /* Then the restore on attach (none configured: "off") says it is done. */
    REQUIRE(notes.size() == 2);
    CHECK(notes[0]["method"] == "device.added");
    CHECK(notes[0]["params"]["device"]["id"] == DEV);
    CHECK(notes[0]["params"]["device"]["online"] == true);
    CHECK(notes[1]["method"] == "device.restored");
    CHECK(notes[1]["params"]["device"] == DEV);
    CHECK(notes[1]["params"]["restore"] == "off");
    CHECK(notes[1]["params"]["applied"] == 0);
    auto get = Result(c.Call("controls.get", {{"device", DEV}, {"controls", {1}}}));
    CHECK(get["controls"][0]["value"] == json::array({42}));
}

TEST_CASE("device may be omitted only when exactly one device is known") {
    Daemon d({{DEV, Small()}, {"usb-1235-8215-SECOND", Small()}});
    auto c = d.Connect();
    auto e = Error(c.Call("controls.list"), -32602, "params.invalid");
    CHECK(e["data"]["field"] == "device");
    Result(c.Call("controls.list", {{"device", "usb-1235-8215-SECOND"}}));
}

TEST_CASE("subscriptions: snapshot, several per connection, unsubscribe, limit") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    auto s1 = Result(c.Call("subscribe", {{"controls", {"Line In *"}}}));
    REQUIRE(s1.contains("snapshot"));
    CHECK(s1["snapshot"]["devices"].size() == 1);
    CHECK(s1["snapshot"]["controls"][DEV].size() == 1);
    auto s2 = Result(c.Call("subscribe", {{"topics", {"devices"}}, {"snapshot", false}}));
    CHECK(s2["subscription"] == 2);
    dev->ExternalSet(2, {{1}, {}});
    auto notes = Drain(c);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0]["params"]["subscription"] == 1);
    Result(c.Call("unsubscribe", {{"subscription", 1}}));
    Error(c.Call("unsubscribe", {{"subscription", 1}}), -32602, "params.invalid");
    dev->ExternalSet(2, {{0}, {}});
    CHECK(Drain(c).empty());
    Error(c.Call("subscribe", {{"topics", {"bogus"}}}), -32602, "params.invalid");
    for (int i = 0; i < 15; ++i) Result(c.Call("subscribe", {{"snapshot", false}}));
    auto e = Error(c.Call("subscribe", {{"snapshot", false}}), -32007, "limit.exceeded");
    CHECK(e["data"]["limit"] == 16);
    CHECK(e["data"]["resource"] == "subscriptions");
}

TEST_CASE("the kernel refusing midway: data.applied lists what was written") {
    auto dev = Small();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    const json changes = {{{"control", 2}, {"value", true}},
                          {{"control", 3}, {"value", "Off"}},
                          {{"control", 4}, {"value", 9}}};
    SUBCASE("EIO: alsa.error with errno") {
        dev->FailWrites(3, EIO);
        auto e = Error(c.Call("controls.set", {{"device", DEV}, {"changes", changes}}), -32006,
                       "alsa.error");
        CHECK(e["data"]["errno"] == EIO);
        CHECK(e["data"]["applied"] == json::array({2}));
        CHECK(dev->Get(2).numbers == std::vector<int64_t>{1});
        CHECK(dev->Get(4).numbers == std::vector<int64_t>{10, 20});
    }
    SUBCASE("EBUSY: device.busy") {
        dev->FailWrites(2, EBUSY);
        auto e = Error(c.Call("controls.set", {{"device", DEV}, {"changes", changes}}), -32008,
                       "device.busy");
        CHECK(e["data"]["applied"] == json::array());
    }
    SUBCASE("EPERM (locked by another process): control.read_only") {
        dev->FailWrites(4, EPERM);
        auto e = Error(c.Call("controls.set", {{"device", DEV}, {"changes", changes}}), -32004,
                       "control.read_only");
        CHECK(e["data"]["applied"] == json::array({2, 3}));
    }
}

TEST_CASE("a lock dropped without an event is not shown, nor kept, once a client looks") {
    auto device = Small();
    Daemon d({{DEV, device}});
    auto watcher = d.Connect();
    Result(watcher.Call("subscribe", {{"snapshot", false}, {"topics", {"info"}}}));
    auto c = d.Connect();
    /* Read-only numid 6 (no value event will follow) is locked, then silently freed. */
    device->SetLocked(6, true, true);
    auto locked = Drain(watcher);
    REQUIRE(locked.size() == 1);
    CHECK(locked[0]["params"]["controls"][0]["access"].dump().find("locked") != std::string::npos);
    device->SetLocked(6, false, false);
    CHECK(Drain(watcher).empty());

    auto listed = Result(c.Call("controls.list", {{"device", DEV}}))["controls"];
    for (const auto& control : listed) {
        INFO(control.dump());
        CHECK(control["access"].dump().find("locked") == std::string::npos);
    }
    /* The cache learnt it too: subscribers hear of the change, once. */
    auto unlocked = Drain(watcher);
    REQUIRE(unlocked.size() == 1);
    CHECK(unlocked[0]["params"]["controls"][0]["numid"] == 6);
    CHECK(unlocked[0]["params"]["controls"][0]["info_changed"] == true);
    CHECK(unlocked[0]["params"]["controls"][0]["access"].dump().find("locked") ==
          std::string::npos);
    Result(c.Call("controls.get", {{"device", DEV}, {"controls", {6}}}));
    CHECK(Drain(watcher).empty());
}
