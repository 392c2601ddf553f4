// SPDX-License-Identifier: GPL-3.0-or-later
/* protocol 1.1 §3: the controls the daemon owns (names, stereo links, port switches),
 * served like the card's, kept on disk, imported once from alsa-scarlett-gui, carried
 * by presets, and the linked pairs' ganged writes. */
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "Harness.hpp"

using nlohmann::json;
using TestData::Daemon;
using TestData::Drain;
using TestData::ErrorCode;
using TestData::FakeDevice;
using TestData::MakeControl;
using TestData::Result;
using TestData::Slurp;
using TestData::Spit;
using TestData::StateDir;
using T = Alsa::ElemType;

namespace {

const std::string& DEV = TestData::SMALL_ID;

/** Two analogue inputs routed to a PCM input and two mixer inputs; a stereo pair of
 *  line outputs; their levels. */
std::vector<Alsa::Control> RoutedControls() {
    return {MakeControl(1, "PCM 01 Capture Enum", T::Enumerated, 1, {1}),
            MakeControl(2, "Mixer Input 01 Capture Enum", T::Enumerated, 1, {1}),
            MakeControl(3, "Mixer Input 02 Capture Enum", T::Enumerated, 1, {2}),
            MakeControl(4, "Analogue Output 01 Playback Enum", T::Enumerated, 1, {1}),
            MakeControl(5, "Analogue Output 02 Playback Enum", T::Enumerated, 1, {2}),
            MakeControl(6, "Mix A Input 01 Playback Volume", T::Integer, 1, {100}),
            MakeControl(7, "Mix A Input 02 Playback Volume", T::Integer, 1, {100}),
            MakeControl(8, "Line 01 (Monitor L) Playback Volume", T::Integer, 1, {50}),
            MakeControl(9, "Line 02 (Monitor R) Playback Volume", T::Integer, 1, {50}),
            MakeControl(10, "Line In 1 Air Capture Switch", T::Boolean, 1, {0})};
}

std::shared_ptr<FakeDevice> RoutedDevice() {
    return std::make_shared<FakeDevice>(RoutedControls());
}

json Set(Cli::Client& c, json changes, bool dry_run = false) {
    return c.Call("controls.set", {{"changes", std::move(changes)}, {"dry_run", dry_run}});
}

json Value(Cli::Client& c, const std::string& name) {
    return Result(c.Call("controls.get", {{"controls", {name}}}))["controls"][0]["value"];
}

std::string SettingsFile(const StateDir& state) {
    return state.path + "/state/devices/" + DEV + ".json";
}

}  // namespace

TEST_CASE("the daemon's controls: alsa-scarlett-gui's names, listed, set and subscribed") {
    auto dev = RoutedDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    const json list = Result(c.Call("controls.list", {{"iface", "daemon"}}))["controls"];
    std::vector<std::string> names;
    for (const auto& ctl : list) names.push_back(ctl["name"]);
    CHECK(names == std::vector<std::string>{
                       "Name",
                       "Analogue In 1 Name",
                       "Analogue In 2 Name",
                       "PCM In 1 Name",
                       "Mixer In 1 Name",
                       "Mixer In 2 Name",
                       "Analogue Out 1 Name",
                       "Analogue Out 2 Name",
                       "Analogue In 1 Switch",
                       "Analogue In 2 Switch",
                       "PCM In 1 Switch",
                       "Mixer In 1 Switch",
                       "Mixer In 2 Switch",
                       "Analogue Out 1 Switch",
                       "Analogue Out 2 Switch",
                       "Analogue In 1-2 Link",
                       "Analogue In 1-2 Name",
                       "Mixer In 1-2 Link",  // mixer inputs show their source: no pair name
                       "Analogue Out 1-2 Link",
                       "Analogue Out 1-2 Name"});
    CHECK(list[0] == json{{"numid", 1u << 30},
                          {"iface", "daemon"},
                          {"name", "Name"},
                          {"index", 0},
                          {"type", "text"},
                          {"count", 1},
                          {"access", {"read", "write"}},
                          {"writable", true},
                          {"value", {""}}});
    CHECK(list[8]["type"] == "boolean");
    CHECK(list[8]["value"] == json{true});   /* ports are shown */
    CHECK(list[15]["value"] == json{false}); /* pairs start unlinked */

    Result(c.Call("subscribe", {{"snapshot", false}}));
    auto set = Set(c, {{{"control", "Analogue In 1 Name"}, {"value", {"Vocal mic"}}},
                       {{"control", {{"name", "Analogue Out 1 Switch"}, {"iface", "daemon"}}},
                        {"toggle", true}}});
    CHECK(Result(set)["controls"].size() == 2);
    json changed;
    for (const auto& n : Drain(c, 300))
        if (n["method"] == "controls.changed") changed = n["params"]["controls"];
    REQUIRE(changed.size() == 2);
    CHECK(changed[0]["name"] == "Analogue In 1 Name");
    CHECK(changed[0]["value"] == json{"Vocal mic"});
    CHECK(changed[1]["value"] == json{false});
    CHECK(Value(c, "Analogue In 1 Name") == json{"Vocal mic"});
}

TEST_CASE("a text is at most 128 bytes of UTF-8 without NUL; a bad one changes nothing") {
    Daemon d({{DEV, RoutedDevice()}});
    auto c = d.Connect();
    std::string e_acute;
    for (int i = 0; i < 64; ++i) e_acute += "\xc3\xa9";
    Result(Set(c, {{{"control", "Name"}, {"value", {e_acute}}}})); /* 128 bytes */
    for (const json& bad :
         {json{std::string(129, 'x')}, json{std::string("a\0b", 3)}, json{7}, json{"a", "b"}}) {
        CAPTURE(bad.dump());
        auto r = Set(c, {{{"control", "Name"}, {"value", bad}},
                         {{"control", "Analogue In 1 Name"}, {"value", {"kept?"}}}});
        CHECK(ErrorCode(r) == "value.invalid");
    }
    CHECK(Value(c, "Name") == json{e_acute});
    CHECK(Value(c, "Analogue In 1 Name") == json{""});
    CHECK(ErrorCode(Set(c, {{{"control", "Name"}, {"db", -3}}})) == "value.invalid");
}

TEST_CASE("a linked pair moves together: mixer levels and output volumes") {
    auto dev = RoutedDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    /* Unlinked: one channel only. */
    Result(Set(c, {{{"control", "Mix A Input 01 Playback Volume"}, {"value", 120}}}));
    CHECK(dev->Get(6).numbers == std::vector<int64_t>{120});
    CHECK(dev->Get(7).numbers == std::vector<int64_t>{100});

    Result(Set(c, {{{"control", "Mixer In 1-2 Link"}, {"value", true}},
                   {{"control", "Analogue Out 1-2 Link"}, {"value", true}}}));
    /* A dry run shows the partner and writes nothing. */
    auto dry =
        Result(Set(c, {{{"control", "Mix A Input 02 Playback Volume"}, {"value", 90}}}, true));
    REQUIRE(dry["controls"].size() == 2);
    CHECK(dry["controls"][1]["name"] == "Mix A Input 01 Playback Volume");
    CHECK(dev->Get(6).numbers == std::vector<int64_t>{120});

    auto both = Result(Set(c, {{{"control", "Mix A Input 02 Playback Volume"}, {"value", 90}}}));
    CHECK(both["controls"].size() == 2);
    CHECK(dev->Get(6).numbers == std::vector<int64_t>{90});
    CHECK(dev->Get(7).numbers == std::vector<int64_t>{90});
    /* The monitor pair: "(Monitor L)" and "(Monitor R)" are one pair of outputs. */
    Result(Set(c, {{{"control", "Line 01 (Monitor L) Playback Volume"}, {"step", -10}}}));
    CHECK(dev->Get(8).numbers == std::vector<int64_t>{40});
    CHECK(dev->Get(9).numbers == std::vector<int64_t>{40});
    /* A request that sets both channels keeps its own values (a balance). */
    Result(Set(c, {{{"control", "Line 01 (Monitor L) Playback Volume"}, {"value", 30}},
                   {{"control", "Line 02 (Monitor R) Playback Volume"}, {"value", 35}}}));
    CHECK(dev->Get(8).numbers == std::vector<int64_t>{30});
    CHECK(dev->Get(9).numbers == std::vector<int64_t>{35});
}

TEST_CASE("names and links are kept on disk across restarts; a disk that refuses changes nothing") {
    StateDir state;
    {
        Daemon d({{DEV, RoutedDevice()}}, {}, state.Use());
        auto c = d.Connect();
        Result(Set(c, {{{"control", "Analogue In 1 Name"}, {"value", {"Vocal mic"}}},
                       {{"control", "Analogue Out 1-2 Link"}, {"value", true}}}));
        const json file = json::parse(Slurp(SettingsFile(state)));
        CHECK(file["controls"] ==
              json{{"Analogue In 1 Name", "Vocal mic"}, {"Analogue Out 1-2 Link", true}});
        CHECK(file["on_attach"]["restore"] == "off");
    }
    Daemon d({{DEV, RoutedDevice()}}, {}, state.Use());
    auto c = d.Connect();
    CHECK(Value(c, "Analogue In 1 Name") == json{"Vocal mic"});
    CHECK(Value(c, "Analogue Out 1-2 Link") == json{true});

    /* The settings file cannot be replaced (its directory is a file now). */
    std::filesystem::remove_all(state.path + "/state/devices");
    Spit(state.path + "/state/devices", "not a directory");
    auto r = Set(c, {{{"control", "Analogue In 1 Name"}, {"value", {"Lead vocal"}}}});
    CHECK(ErrorCode(r) == "storage.error");
    CHECK(Value(c, "Analogue In 1 Name") == json{"Vocal mic"});
}

TEST_CASE("alsa-scarlett-gui's names and links are imported once, when the device is new") {
    StateDir state;
    std::filesystem::create_directories(state.path + "/presets");
    const std::string gui = state.path + "/presets/P9ABCDEF.conf";
    /* That program's per-device file: switches and links as 1/0, an empty Switch is
     * shown, DSP filter values and [ui] are not ours. */
    Spit(gui,
         "[controls]\nName=Studio desk\nAnalogue In 1 Name=Vox\nAnalogue In 2 Switch=0\n"
         "PCM In 1 Switch=\nMixer In 1-2 Link=1\nAnalogue Out 1-2 Link=0\n"
         "Line In 1 PEQ Filter 1 Freq=1000\n\n[ui]\nwindow-routing=true\n");
    {
        Daemon d({{DEV, RoutedDevice()}}, {}, state.Use());
        auto c = d.Connect();
        CHECK(Value(c, "Name") == json{"Studio desk"});
        CHECK(Value(c, "Analogue In 1 Name") == json{"Vox"});
        CHECK(Value(c, "Analogue In 2 Switch") == json{false});
        CHECK(Value(c, "PCM In 1 Switch") == json{true});
        CHECK(Value(c, "Mixer In 1-2 Link") == json{true});
        CHECK(Value(c, "Analogue Out 1-2 Link") == json{false});
        const json file = json::parse(Slurp(SettingsFile(state)));
        CHECK(file["controls"].size() == 5);
        CHECK(!file["controls"].contains("Line In 1 PEQ Filter 1 Freq"));
    }
    /* Once: later edits of that file are that program's, not ours. */
    Spit(gui, "[controls]\nAnalogue In 1 Name=Changed\n");
    Daemon d({{DEV, RoutedDevice()}}, {}, state.Use());
    auto c = d.Connect();
    CHECK(Value(c, "Analogue In 1 Name") == json{"Vox"});
}

TEST_CASE("presets carry the names and links, in alsa-scarlett-gui's encoding, both ways") {
    StateDir state;
    Daemon d({{DEV, RoutedDevice()}}, {}, state.Use());
    auto c = d.Connect();
    Result(Set(c, {{{"control", "Analogue In 1 Name"}, {"value", {"Vocal mic"}}},
                   {{"control", "Mixer In 1-2 Link"}, {"value", true}}}));
    Result(c.Call("presets.save", {{"name", "named"}}));
    const std::string text = Slurp(state.path + "/presets/P9ABCDEF-named.conf");
    CHECK(text.find("\nAnalogue In 1 Name=Vocal mic\n") != std::string::npos);
    CHECK(text.find("\nMixer In 1-2 Link=true\n") != std::string::npos);
    CHECK(text.find("\nAnalogue In 2 Switch=true\n") != std::string::npos);

    Spit(state.path + "/other.conf",
         "[controls]\nAnalogue In 1 Name=Guitar\nMixer In 1-2 Link=false\n"
         "Analogue Out 2 Name=" +
             std::string(200, 'x') + "\n");
    auto loaded = Result(c.Call("presets.load", {{"file", state.path + "/other.conf"}}));
    CHECK(loaded["applied"] == 2);
    REQUIRE(loaded["skipped"].size() == 1);
    CHECK(loaded["skipped"][0]["name"] == "Analogue Out 2 Name");
    CHECK(Value(c, "Analogue In 1 Name") == json{"Guitar"});
    CHECK(json::parse(Slurp(SettingsFile(state)))["controls"]["Analogue In 1 Name"] == "Guitar");
    auto diff = Result(c.Call("presets.diff", {{"name", "named"}}));
    CHECK(diff["differences"].size() == 2);
}

TEST_CASE("a Level Meter without a label TLV gets its ports' names, in the driver's order") {
    for (const unsigned channels : {5u, 6u}) {
        CAPTURE(channels);
        auto controls = RoutedControls();
        controls.push_back(TestData::LevelMeter(11, channels));
        Daemon d({{DEV, std::make_shared<FakeDevice>(controls)}});
        auto c = d.Connect();
        const json r = Result(c.Call("meters.subscribe", {{"rate_hz", 1}}));
        if (channels == 5) {
            /* Hardware outputs, then the mixer's inputs, then the PCM inputs. */
            CHECK(r["labels"] ==
                  json{"Analogue Out 1", "Analogue Out 2", "Mixer In 1", "Mixer In 2", "PCM In 1"});
            CHECK(r["labels_from"] == "routing");
            /* rpc.discover describes every member of the result. */
            const json doc = Result(c.Call("rpc.discover"));
            json properties;
            for (const auto& m : doc["methods"])
                if (m["name"] == "meters.subscribe")
                    properties = m["result"]["schema"]["properties"];
            for (const auto& [key, value] : r.items()) CHECK_MESSAGE(properties.contains(key), key);
            CHECK(properties["labels_from"]["enum"] == json{"tlv", "routing"});
        } else {
            /* The routing does not account for every channel: no guess. */
            CHECK(!r.contains("labels"));
        }
    }
}
