// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The Open Stage Control session scarlett-osc --layout writes: Open Stage Control
 * 1.x's format (a session of version 1.25.6 whose content is the root, a tab per
 * device), a widget for every semantic address and only those, faders over a level's
 * dB range, dropdowns of a choice's items, and a root script that renews /subscribe.
 */
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "Fixtures.hpp"
#include "bridges/osc/AddressSpace.hpp"
#include "bridges/osc/Layout.hpp"
#include "bridges/osc/Values.hpp"
#include "sim/StateFile.hpp"

using nlohmann::json;
namespace fs = std::filesystem;
using OscTest::FIXTURES;
using OscTest::FixturesPresent;

namespace {

/** The full forms (protocol-v1.md §3) of a dump's interface, as controls.list gives
 *  them; values left out (the layout does not read them). */
json ControlsOf(const std::string& dump) {
    const auto blocks = Sim::LoadStateFile(FIXTURES / (dump + ".state"));
    REQUIRE(!blocks.empty());
    /* Some dumps hold a second card too: the interface is the larger one. */
    const auto& block = *std::max_element(blocks.begin(), blocks.end(), [](auto& a, auto& b) {
        return a.controls.size() < b.controls.size();
    });
    json controls = json::array();
    for (const auto& c : block.controls) {
        std::string type = c.type;
        for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        json full = {{"numid", c.numid}, {"name", c.name},   {"index", c.index},
                     {"type", type},     {"count", c.count}, {"iface", "mixer"}};
        if (c.range) {
            full["min"] = c.range->min;
            full["max"] = c.range->max;
        }
        if (c.dbmin && c.dbmax)
            full["db"] = {{"min", *c.dbmin / 100.0}, {"max", *c.dbmax / 100.0}, {"mute", false}};
        if (!c.items.empty()) full["items"] = c.items;
        controls.push_back(std::move(full));
    }
    return controls;
}

/** Every widget under @p node (depth first), containers included. */
void Walk(const json& node, std::vector<const json*>& out) {
    out.push_back(&node);
    for (const char* children : {"tabs", "widgets"})
        if (node.contains(children))
            for (const auto& child : node[children]) Walk(child, out);
}

/** The widgets with an address, by address (a second one with the same address
 *  fails the test). */
std::map<std::string, const json*> ByAddress(const json& root) {
    std::vector<const json*> all;
    Walk(root, all);
    std::map<std::string, const json*> out;
    for (const json* w : all) {
        if (!w->contains("address")) continue;
        const auto address = (*w)["address"].get<std::string>();
        INFO(address);
        CHECK(out.emplace(address, w).second);
    }
    return out;
}

/** The panel of the tab whose heading is @p heading, or nullptr. */
const json* Section(const json& tab, const std::string& heading) {
    for (const auto& w : tab["widgets"])
        if (w["type"] == "panel" && w.value("html", "") == heading) return &w;
    return nullptr;
}

/** What the format requires of every widget: a type of Open Stage Control 1.x, no
 *  container with both widgets and tabs, and (where it sends) the bridge's target and
 *  no preArgs. */
void CheckWidgets(const json& root, const std::string& target) {
    static const std::set<std::string> TYPES = {"root",  "tab",    "panel",
                                                "fader", "button", "dropdown"};
    std::vector<const json*> all;
    Walk(root, all);
    for (const json* w : all) {
        INFO(w->dump().substr(0, 200));
        REQUIRE(w->contains("type"));
        CHECK(TYPES.count((*w)["type"].get<std::string>()) == 1);
        CHECK(!(w->contains("tabs") && w->contains("widgets")));
        CHECK(!w->contains("preArgs"));
        if (w->contains("address")) {
            CHECK((*w)["target"] == target);
            CHECK((*w)["address"].get<std::string>()[0] == '/');
        }
    }
}

const json GAIN = {{"numid", 1}, {"name", "Line In 1 Gain Capture Volume"},
                   {"index", 0}, {"type", "integer"},
                   {"count", 1}, {"min", 0},
                   {"max", 70},  {"db", {{"min", 0.0}, {"max", 70.0}, {"mute", false}}}};
const json AIR = {
    {"numid", 2}, {"name", "Line In 1 Air Capture Switch"}, {"type", "boolean"}, {"count", 1}};
const json LEVEL = {{"numid", 3},
                    {"name", "Line In 1 Level Capture Enum"},
                    {"type", "enumerated"},
                    {"count", 1},
                    {"items", {"Line", "Inst"}}};
const json ROUTE = {{"numid", 4},
                    {"name", "S/PDIF Output 1 Playback Enum"},
                    {"type", "enumerated"},
                    {"count", 1},
                    {"items", {"Off", "Analogue 1", "PCM 1"}}};
const json MIX = {{"numid", 5},
                  {"name", "Mix A Input 01 Playback Volume"},
                  {"type", "integer"},
                  {"count", 1},
                  {"min", 0},
                  {"max", 172},
                  {"db", {{"min", -80.0}, {"max", 6.0}, {"mute", true}}}};
/* An integer without a dB range: raw values. */
const json LINE = {{"numid", 6},        {"name", "Line 01 Playback Volume"},
                   {"type", "integer"}, {"count", 1},
                   {"min", 0},          {"max", 127}};
const json TALKBACK = {
    {"numid", 7}, {"name", "Talkback Mix A Playback Switch"}, {"type", "boolean"}, {"count", 1}};
/* Index 1: a raw address only, so no widget. */
const json SECOND = {
    {"numid", 8}, {"name", "Dim Playback Switch"}, {"index", 1}, {"type", "boolean"}, {"count", 1}};
/* No semantic address: no widget. */
const json FIRMWARE = {
    {"numid", 9}, {"name", "Firmware Version"}, {"type", "integer"}, {"count", 1}};

}  // namespace

TEST_CASE("OSC layout: a hand-made device's session, widget by widget") {
    const json controls = {GAIN, AIR, LEVEL, ROUTE, MIX, LINE, TALKBACK, SECOND, FIRMWARE};
    const json session =
        Osc::OpenStageControlSession({{"/studio", "Studio 2i2", controls}}, "192.168.1.5", 9000);

    /* The file: Open Stage Control 1.x's session, its root under "content". */
    CHECK(session["type"] == "session");
    CHECK(session["version"] == "1.25.6");
    CHECK(session.contains("createdWith"));
    const json& root = session["content"];
    CHECK(root["type"] == "root");
    REQUIRE(root["tabs"].size() == 1);
    const json& tab = root["tabs"][0];
    CHECK(tab["type"] == "tab");
    CHECK(tab["label"] == "Studio 2i2");
    CheckWidgets(root, "192.168.1.5:9000");

    const auto widgets = ByAddress(root);
    CHECK(widgets.size() == 7);
    REQUIRE(widgets.count("/studio/input/1/gain"));
    const json& gain = *widgets.at("/studio/input/1/gain");
    CHECK(gain["type"] == "fader");
    CHECK(gain["range"] == json{{"min", 0.0}, {"max", 70.0}});
    CHECK(gain["typeTags"] == "f");

    REQUIRE(widgets.count("/studio/input/1/air"));
    const json& air = *widgets.at("/studio/input/1/air");
    CHECK(air["type"] == "button");
    CHECK(air["mode"] == "toggle");
    CHECK(air["on"] == 1);
    CHECK(air["off"] == 0);
    CHECK(air["typeTags"] == "i");

    REQUIRE(widgets.count("/studio/input/1/inst"));
    const json& level = *widgets.at("/studio/input/1/inst");
    CHECK(level["type"] == "dropdown");
    CHECK(level["values"]["labels"] == json{"Line", "Inst"});
    /* The bridge answers a choice with i and s: the values are those pairs. */
    CHECK(level["values"]["values"] == json{{0, "Line"}, {1, "Inst"}});
    CHECK(level["bypass"] == true);
    CHECK(level["onValue"] ==
          "if (Array.isArray(value)) send(\"192.168.1.5:9000\", \"/studio/input/1/inst\", "
          "{type: \"i\", value: value[0]})");

    REQUIRE(widgets.count("/studio/route/S%2FPDIF_Output_1"));
    const json& route = *widgets.at("/studio/route/S%2FPDIF_Output_1");
    CHECK(route["values"]["labels"] == ROUTE["items"]);
    CHECK(route["label"] == "S/PDIF Output 1: %key");

    REQUIRE(widgets.count("/studio/mix/A/input/1"));
    CHECK((*widgets.at("/studio/mix/A/input/1"))["range"] == json{{"min", -80.0}, {"max", 6.0}});
    REQUIRE(widgets.count("/studio/output/1/volume"));
    const json& line = *widgets.at("/studio/output/1/volume");
    CHECK(line["range"] == json{{"min", 0}, {"max", 127}});
    CHECK(line["typeTags"] == "i");
    CHECK(line["decimals"] == 0);
    CHECK(widgets.count("/studio/talkback/mix/A") == 1);
    CHECK(widgets.count("/studio/monitor/dim") == 0);

    /* The families' panels, in order; none for a family without addresses. */
    std::vector<std::string> headings;
    for (const auto& w : tab["widgets"]) headings.push_back(w["html"]);
    CHECK(headings ==
          std::vector<std::string>{"Inputs", "Outputs", "Mix A", "Routing", "Talkback"});
    const json* inputs = Section(tab, "Inputs");
    REQUIRE(inputs);
    REQUIRE((*inputs)["widgets"].size() == 1);
    const json& strip = (*inputs)["widgets"][0];
    CHECK(strip["html"] == "Input 1");
    /* The gain fader first, then air, then the level. */
    REQUIRE(strip["widgets"].size() == 3);
    CHECK(strip["widgets"][0]["address"] == "/studio/input/1/gain");
    CHECK(strip["widgets"][1]["address"] == "/studio/input/1/air");
    CHECK(strip["widgets"][2]["address"] == "/studio/input/1/inst");

    /* The root keeps the registration alive and asks for every value. */
    const std::string script = root["onCreate"];
    CHECK(script.find("var bridge = \"192.168.1.5:9000\"") != std::string::npos);
    CHECK(script.find("send(bridge, \"/subscribe\")") != std::string::npos);
    CHECK(script.find("setInterval(\"subscribe\", function () { send(bridge, \"/subscribe\") }, "
                      "5000)") != std::string::npos);
    for (const auto& [address, w] : widgets)
        CHECK(script.find("\"" + address + "\"") != std::string::npos);
}

TEST_CASE("OSC layout: several devices, each a tab with its prefix; text shown as HTML") {
    const json one = {AIR};
    const json session = Osc::OpenStageControlSession(
        {{"/a", "<Scarlett> & {co}", one}, {"/b", "Second", one}}, "localhost", 7000);
    const json& tabs = session["content"]["tabs"];
    REQUIRE(tabs.size() == 2);
    CHECK(tabs[0]["label"] == "&lt;Scarlett&gt; &amp; &#123;co&#125;");
    CHECK(tabs[1]["label"] == "Second");
    const auto widgets = ByAddress(session["content"]);
    CHECK(widgets.size() == 2);
    CHECK(widgets.count("/a/input/1/air") == 1);
    CHECK(widgets.count("/b/input/1/air") == 1);
    CheckWidgets(session["content"], "localhost:7000");
    /* No device: still a session (an empty root) that subscribes. */
    const json empty = Osc::OpenStageControlSession({}, "localhost", 7000);
    CHECK(empty["content"]["tabs"].empty());
    CHECK(empty["content"]["onCreate"].get<std::string>().find("/subscribe") != std::string::npos);
}

TEST_CASE("OSC layout: real devices get a widget for every semantic address, and only those") {
    if (!FixturesPresent()) return;
    struct Case {
        const char* dump;
        const char* prefix;
        size_t mixes;
    };
    for (const Case& c :
         {Case{"scarlett-gen3-18i20", "", 12}, Case{"scarlett-gen4-2i2", "/desk", 4},
          Case{"scarlett-gen1-18i8", "", 8}}) {
        INFO(c.dump);
        const json controls = ControlsOf(c.dump);
        const json session =
            Osc::OpenStageControlSession({{c.prefix, c.dump, controls}}, "127.0.0.1", 8000);
        const json& root = session["content"];
        CHECK(session["type"] == "session");
        CHECK(root["type"] == "root");
        REQUIRE(root["tabs"].size() == 1);
        CheckWidgets(root, "127.0.0.1:8000");

        /* The addresses the bridge serves, from the same controls. */
        std::map<unsigned, const json*> by_numid;
        for (const auto& full : controls) by_numid[full["numid"].get<unsigned>()] = &full;
        const auto space = Osc::SpaceFor(controls);
        const auto widgets = ByAddress(root);
        size_t semantic = 0;
        for (const auto& e : space.Entries()) {
            const std::string address = c.prefix + e.path;
            INFO(address);
            if (!e.semantic) {
                CHECK(widgets.count(address) == 0);
                continue;
            }
            ++semantic;
            REQUIRE(widgets.count(address) == 1);
            const json& w = *widgets.at(address);
            const json& full = *by_numid.at(e.target.numid);
            if (full["type"] == "boolean") {
                CHECK(w["type"] == "button");
            } else if (full["type"] == "enumerated") {
                CHECK(w["type"] == "dropdown");
                CHECK(w["values"]["labels"] == full["items"]);
                REQUIRE(w["values"]["values"].size() == full["items"].size());
                for (size_t k = 0; k < full["items"].size(); ++k)
                    CHECK(w["values"]["values"][k] == json{k, full["items"][k]});
            } else if (full.contains("db")) {
                CHECK(w["type"] == "fader");
                CHECK(w["range"]["min"] == full["db"]["min"]);
                CHECK(w["range"]["max"] == full["db"]["max"]);
                CHECK(w["typeTags"] == "f");
            } else {
                CHECK(w["type"] == "fader");
                CHECK(w["range"]["min"] == full["min"]);
                CHECK(w["range"]["max"] == full["max"]);
                CHECK(w["typeTags"] == "i");
            }
        }
        CHECK(semantic > 20);
        CHECK(widgets.size() == semantic);

        /* A panel per mix; every address queried once at load. */
        size_t mixes = 0;
        for (const auto& w : root["tabs"][0]["widgets"])
            if (w["html"].get<std::string>().rfind("Mix ", 0) == 0) ++mixes;
        CHECK(mixes == c.mixes);
        CHECK(Section(root["tabs"][0], "Routing"));
        const std::string script = root["onCreate"];
        for (const auto& [address, w] : widgets)
            CHECK(script.find("\"" + address + "\"") != std::string::npos);
    }
}
