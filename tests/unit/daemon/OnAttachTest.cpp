// SPDX-License-Identifier: GPL-3.0-or-later
/* protocol 1.1 §2: settings kept across restarts, the restore on attach, the guards,
 * device.restored, and the last state recorded without cost while idle. */
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "Harness.hpp"

using nlohmann::json;
using TestData::Daemon;
using TestData::Drain;
using TestData::ErrorCode;
using TestData::Result;
using TestData::Slurp;
using TestData::StateDir;
using namespace std::chrono_literals;

namespace {

const std::string& DEV = TestData::SMALL_ID;

void AwaitOnline(Cli::Client& c, bool online) {
    for (int i = 0; i < 400; ++i) {
        auto list = c.Call("devices.list");
        if (list["result"]["devices"][0]["online"] == online) return;
        std::this_thread::sleep_for(5ms);
    }
    FAIL("the device never went " << (online ? "online" : "offline"));
}

json Set(Cli::Client& c, unsigned numid, json value) {
    return Result(c.Call("controls.set", {{"changes", {{{"control", numid}, {"value", value}}}}}));
}

}  // namespace

TEST_CASE("restore last: the settings and the last state survive a daemon restart") {
    StateDir state;
    auto first = TestData::SmallDevice();
    {
        Daemon d({{DEV, first}}, {}, state.Use());
        auto c = d.Connect();
        auto r = Result(c.Call(
            "devices.configure",
            {{"device", DEV}, {"nickname", "Studio rack"}, {"on_attach", {{"restore", "last"}}}}));
        CHECK(r["device"]["nickname"] == "Studio rack");
        CHECK(r["device"]["settings"]["on_attach"]["restore"] == "last");
        Set(c, 1, 99);
        Set(c, 2, true);
        Set(c, 4, {7, 8});
    } /* the daemon stops: what changed is recorded now, not 2 s later */
    const std::string last = Slurp(state.path + "/state/last/" + DEV + ".conf");
    CHECK(last.find("Mix A Input 01 Playback Volume=99\n") != std::string::npos);
    CHECK(last.find("Line 01 Playback Volume=7,8\n") != std::string::npos);

    /* The same interface at its power-on values, and a new daemon. */
    auto second = TestData::SmallDevice();
    Daemon d({{DEV, second}}, {}, state.Use());
    CHECK(second->Get(1).numbers == std::vector<int64_t>{99});
    CHECK(second->Get(2).numbers == std::vector<int64_t>{1});
    CHECK(second->Get(4).numbers == std::vector<int64_t>{7, 8});
    auto c = d.Connect();
    auto list = Result(c.Call("devices.list"));
    CHECK(list["devices"][0]["nickname"] == "Studio rack");
    CHECK(list["devices"][0]["settings"]["on_attach"] ==
          json{{"restore", "last"}, {"preset", nullptr}, {"set", json::array()}});
}

TEST_CASE("on replug: device.added, the restored values, then device.restored; guards win") {
    StateDir state;
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}}, {}, state.Use());
    auto c = d.Connect();
    Result(c.Call(
        "devices.configure",
        {{"on_attach", {{"restore", "last"}, {"set", {{{"match", "*Air*"}, {"value", false}}}}}}}));
    Set(c, 1, 120);
    Set(c, 2, true);
    Result(c.Call("subscribe", {{"snapshot", false}}));
    Drain(c, 300);

    dev->Unplug();
    AwaitOnline(c, false);
    /* Power-up values differ from what was last seen. */
    dev->ExternalSet(1, {{5}, {}});
    dev->ExternalSet(2, {{1}, {}});
    dev->Replug();
    d.Hotplug();
    auto notes = Drain(c, 300);
    std::vector<std::string> methods;
    for (const auto& n : notes) methods.push_back(n["method"]);
    REQUIRE(methods.size() >= 3);
    CHECK(methods.front() == "device.removed");
    CHECK(methods[1] == "device.added");
    CHECK(methods.back() == "device.restored");
    const json restored = notes.back()["params"];
    CHECK(restored["device"] == DEV);
    CHECK(restored["restore"] == "last");
    CHECK(restored["applied"] == 2); /* the volume, and Air by the guard */
    CHECK(restored["skipped"].empty());
    CHECK(!restored.contains("preset"));
    /* The values reached every subscriber before device.restored. */
    CHECK(methods[methods.size() - 2] == "controls.changed");
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{120});
    CHECK(dev->Get(2).numbers == std::vector<int64_t>{0});
}

TEST_CASE("restore preset: the named preset is loaded on attach") {
    StateDir state;
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}}, {}, state.Use());
    auto c = d.Connect();
    CHECK(ErrorCode(c.Call("devices.configure",
                           {{"on_attach", {{"restore", "preset"}, {"preset", "Gig"}}}})) ==
          "preset.not_found");
    Set(c, 1, 33);
    Result(c.Call("presets.save", {{"name", "Gig"}}));
    Result(
        c.Call("devices.configure", {{"on_attach", {{"restore", "preset"}, {"preset", "Gig"}}}}));
    Set(c, 1, 150);
    Result(c.Call("subscribe", {{"snapshot", false}, {"topics", {"devices"}}}));
    dev->Unplug();
    AwaitOnline(c, false);
    dev->Replug();
    d.Hotplug();
    auto notes = Drain(c, 300);
    REQUIRE(!notes.empty());
    CHECK(notes.back()["params"]["restore"] == "preset");
    CHECK(notes.back()["params"]["preset"] == "Gig");
    CHECK(notes.back()["params"]["applied"] == 1);
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{33});
}

TEST_CASE(
    "the last state is written at most once per delay while things change, never while idle") {
    StateDir state;
    auto dev = TestData::SmallDevice();
    /* The delay is 2 s; 200 ms here, the same rule at a tenth of the wait. */
    auto use = state.Use();
    Daemon d({{DEV, dev}}, {}, [&](Options& options) {
        use(options);
        options.record_delay = std::chrono::milliseconds(200);
    });
    auto c = d.Connect();
    Set(c, 1, 1);
    /* The first record, 200 ms later (the file written on a thread: given time on a
     * busy machine). */
    const std::string dir = state.path + "/state/last";
    for (int i = 0; i < 200 && !std::filesystem::exists(dir + "/" + DEV + ".conf"); ++i)
        std::this_thread::sleep_for(10ms);
    REQUIRE(std::filesystem::exists(dir + "/" + DEV + ".conf"));
    /* Each record replaces the file (a new inode); records are 200 ms apart at least,
     * so looking every 10 ms sees each of them. */
    const std::string file = dir + "/" + DEV + ".conf";
    auto inode = [&] {
        struct stat st {};
        return ::stat(file.c_str(), &st) == 0 ? st.st_ino : 0;
    };
    auto count_records = [&](std::chrono::milliseconds span, const std::function<void(int)>& each) {
        int records = 0;
        auto seen = inode();
        const int ticks = static_cast<int>(span / 10ms);
        for (int i = 0; i < ticks; ++i) {
            if (each) each(i);
            std::this_thread::sleep_for(10ms);
            if (const auto now = inode(); now != seen) {
                ++records;
                seen = now;
            }
        }
        return records;
    };
    /* 450 ms of changes, one every 10 ms, then 220 ms: two or three records, not 45. */
    const int busy = count_records(670ms, [&](int i) {
        if (i < 45) dev->ExternalSet(1, {{i % 2 ? 10 : 20}, {}});
    });
    CHECK(busy >= 2);
    CHECK(busy <= 3);
    /* Idle: nothing. */
    CHECK(count_records(1000ms, nullptr) == 0);
    CHECK(Slurp(dir + "/" + DEV + ".conf").find("Mix A Input 01 Playback Volume=20\n") !=
          std::string::npos);
}

TEST_CASE("devices.configure checks everything first; an offline device can be configured") {
    StateDir state;
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}}, {}, state.Use());
    auto c = d.Connect();
    const std::string file = state.path + "/state/devices/" + DEV + ".json";
    for (const json& bad :
         std::vector<json>{{{"on_attach", {{"restore", "sometimes"}}}},
                           {{"on_attach", {{"restore", "preset"}}}},
                           {{"on_attach", {{"preset", ".."}}}},
                           {{"on_attach", {{"set", {{{"match", "*Air*"}}}}}}},
                           {{"on_attach", {{"set", {{{"match", ""}, {"value", 1}}}}}}},
                           {{"on_attach", {{"when", "always"}}}},
                           {{"on_attach", "last"}},
                           {{"nickname", std::string(200, 'x')}},
                           {{"nickname", 7}}}) {
        CAPTURE(bad.dump());
        CHECK(ErrorCode(c.Call("devices.configure", bad)) == "params.invalid");
    }
    /* A guard's value is checked against the controls it names now. */
    CHECK(ErrorCode(c.Call("devices.configure",
                           {{"on_attach", {{"set", {{{"match", "*Air*"}, {"value", 7}}}}}}})) ==
          "value.invalid");
    CHECK(ErrorCode(c.Call("devices.configure", {{"device", "nope"}})) == "device.not_found");
    CHECK(!std::filesystem::exists(file));

    dev->Unplug();
    AwaitOnline(c, false);
    auto r = Result(
        c.Call("devices.configure",
               {{"device", DEV},
                {"on_attach", {{"set", {{{"match", "*Phantom Power*"}, {"value", false}}}}}}}));
    CHECK(r["device"]["online"] == false);
    CHECK(r["device"]["settings"]["on_attach"]["set"][0] ==
          json{{"match", "*Phantom Power*"}, {"value", false}});
    CHECK(json::parse(Slurp(file))["on_attach"]["set"][0]["match"] == "*Phantom Power*");
    /* Members given replace those stored; the others stay. */
    r = Result(c.Call("devices.configure", {{"nickname", "Desk"}}));
    CHECK(r["device"]["settings"]["on_attach"]["set"].size() == 1);
    r = Result(c.Call("devices.configure", {{"nickname", nullptr}}));
    CHECK(r["device"]["nickname"].is_null());
}

TEST_CASE("an unreadable settings file is kept aside, never overwritten silently") {
    StateDir state;
    std::filesystem::create_directories(state.path + "/state/devices");
    const std::string file = state.path + "/state/devices/" + DEV + ".json";
    { std::ofstream(file) << "{ this is not json"; }
    Daemon d({{DEV, TestData::SmallDevice()}}, {}, state.Use());
    auto c = d.Connect();
    /* The defaults apply meanwhile. */
    CHECK(Result(c.Call("devices.list"))["devices"][0]["settings"]["on_attach"]["restore"] ==
          "off");
    Result(c.Call("devices.configure", {{"nickname", "Mine"}}));
    CHECK(Slurp(file + ".broken") == "{ this is not json");
    CHECK(json::parse(Slurp(file))["nickname"] == "Mine");
}

TEST_CASE("a state directory that cannot be written: storage.error, nothing changed") {
    StateDir state;
    auto use = state.Use();
    Daemon d({{DEV, TestData::SmallDevice()}}, {}, [&](Options& options) {
        use(options);
        options.state_dir = state.path + "/file/state";
    });
    { std::ofstream(state.path + "/file") << "a file"; }
    auto c = d.Connect();
    auto r = c.Call("devices.configure", {{"nickname", "x"}});
    CHECK(ErrorCode(r) == "storage.error");
    CHECK(r["error"]["data"]["errno"] == ENOTDIR);
    CHECK(Result(c.Call("devices.list"))["devices"][0]["nickname"].is_null());
}
