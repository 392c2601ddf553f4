// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "cli/Waybar.hpp"

using Cli::FormatWaybar;
using nlohmann::json;

namespace {

json Status(std::string text, std::string tooltip, std::string css_class, int percentage) {
    return {{"text", text},
            {"tooltip", tooltip},
            {"class", css_class},
            {"alt", css_class},
            {"percentage", percentage}};
}

}  // namespace

TEST_CASE("FormatWaybar: switches are on or off; a Mute switch that is on is muted") {
    json air = {{"numid", 12}, {"name", "Line In 1 Air Capture Switch"},
                {"index", 0},  {"type", "boolean"},
                {"count", 1},  {"value", {true}}};
    CHECK(FormatWaybar(&air, "dev", "x") ==
          Status("on", "'Line In 1 Air Capture Switch' = on\ndev", "on", 100));
    air["value"] = {false};
    CHECK(FormatWaybar(&air, "", "x") ==
          Status("off", "'Line In 1 Air Capture Switch' = off", "off", 0));
    json mute = {{"name", "Line 01 Mute Playback Switch"}, {"type", "boolean"}, {"value", {true}}};
    CHECK(FormatWaybar(&mute, "dev", "x")["class"] == "muted");
    mute["value"] = {false};
    CHECK(FormatWaybar(&mute, "dev", "x")["class"] == "off");
}

TEST_CASE("FormatWaybar: levels in dB, muted at the dB mute, off at the minimum") {
    json volume = {{"name", "Master Playback Volume"},
                   {"type", "integer"},
                   {"count", 2},
                   {"min", 0},
                   {"max", 127},
                   {"db", {{"min", -127.0}, {"max", 0.0}, {"mute", true}}},
                   {"value", {121, 121}},
                   {"db_value", {-6.0, -6.0}}};
    CHECK(FormatWaybar(&volume, "dev", "x") ==
          Status("-6 dB", "'Master Playback Volume' = 121,121 (-6,-6 dB)\ndev", "on", 95));
    volume["db_value"] = {-6.0, -3.5};
    CHECK(FormatWaybar(&volume, "dev", "x")["text"] == "-6,-3.5 dB");
    volume["value"] = {0, 0};
    volume["db_value"] = {nullptr, nullptr};
    CHECK(FormatWaybar(&volume, "dev", "x")["class"] == "muted");
    CHECK(FormatWaybar(&volume, "dev", "x")["text"] == "-inf dB");
    CHECK(FormatWaybar(&volume, "dev", "x")["percentage"] == 0);
    SUBCASE("without dB: a percentage") {
        json gain = {
            {"name", "Gain"}, {"type", "integer"}, {"min", 0}, {"max", 70}, {"value", {35}}};
        CHECK(FormatWaybar(&gain, "", "x")["text"] == "50%");
        CHECK(FormatWaybar(&gain, "", "x")["class"] == "on");
        gain["value"] = {0};
        CHECK(FormatWaybar(&gain, "", "x")["class"] == "off");
    }
}

TEST_CASE("FormatWaybar: enumerated items, markup escaping, offline") {
    json source = {{"name", "PCM 01 Capture Enum"},
                   {"type", "enumerated"},
                   {"items", {"Off", "Analogue 1", "S/PDIF <L&R>"}},
                   {"value", {"Analogue 1"}}};
    CHECK(FormatWaybar(&source, "dev", "x") ==
          Status("Analogue 1", "'PCM 01 Capture Enum' = Analogue 1\ndev", "on", 50));
    source["value"] = {"Off"};
    CHECK(FormatWaybar(&source, "dev", "x")["class"] == "off");
    source["value"] = {"S/PDIF <L&R>"};
    CHECK(FormatWaybar(&source, "dev", "x")["text"] == "S/PDIF &lt;L&amp;R&gt;");
    CHECK(FormatWaybar(&source, "dev", "x")["percentage"] == 100);

    CHECK(FormatWaybar(nullptr, "dev", "Line In 1 Air Capture Switch") ==
          Status("offline", "'Line In 1 Air Capture Switch': offline\ndev", "offline", 0));
    CHECK(FormatWaybar(nullptr, "", "12")["tooltip"] == "'12': offline");
}
