// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * OSC arguments and the protocol's values: switches take i, f, T and F; choices an
 * index or a label and answer with both; levels are dB floats where the control has
 * a dB range; one channel of a stereo control keeps the other's value.
 */
#include <doctest/doctest.h>

#include "bridges/osc/Values.hpp"

using nlohmann::json;
using Osc::Arg;

namespace {

const json SWITCH = {{"numid", 3},
                     {"type", "boolean"},
                     {"count", 1},
                     {"value", {false}},
                     {"name", "Line In 1 Air Capture Switch"}};
const json CHOICE = {{"numid", 9},
                     {"type", "enumerated"},
                     {"count", 1},
                     {"items", {"Off", "Analogue 1", "PCM 3"}},
                     {"value", {"Analogue 1"}}};
const json LEVEL = {{"numid", 20},    {"type", "integer"},
                    {"count", 1},     {"min", 0},
                    {"max", 172},     {"db", {{"min", -80.0}, {"max", 6.0}, {"mute", true}}},
                    {"value", {160}}, {"db_value", {0.0}}};
const json PAIR = {{"numid", 30},        {"type", "integer"},
                   {"count", 2},         {"min", 0},
                   {"max", 127},         {"db", {{"min", -127.0}, {"max", 0.0}}},
                   {"value", {100, 90}}, {"db_value", {-27.0, -37.0}}};
const json RAW = {{"numid", 40}, {"type", "integer"}, {"count", 1}, {"value", {3}}};

json Change(const json& full, std::vector<Arg> args, std::optional<unsigned> channel = {}) {
    return Osc::ChangeFor(Osc::ControlView(full), channel, args);
}

}  // namespace

TEST_CASE("OSC values: switches take i, f, T and F and answer with i") {
    CHECK(Change(SWITCH, {Arg::Bool(true)}) == json{{"value", true}});
    CHECK(Change(SWITCH, {Arg::Bool(false)}) == json{{"value", false}});
    CHECK(Change(SWITCH, {Arg::Int(1)}) == json{{"value", true}});
    CHECK(Change(SWITCH, {Arg::Int(0)}) == json{{"value", false}});
    CHECK(Change(SWITCH, {Arg::Float(1.0f)}) == json{{"value", true}});
    CHECK_THROWS_AS(Change(SWITCH, {Arg::String("on")}), std::invalid_argument);
    Osc::ControlView view(SWITCH);
    CHECK(Osc::ArgsFor(view, {}) == std::vector<Arg>{Arg::Int(0)});
    view.Update({{"numid", 3}, {"value", {true}}});
    CHECK(Osc::ArgsFor(view, {}) == std::vector<Arg>{Arg::Int(1)});
}

TEST_CASE("OSC values: choices take an index or a label and answer with both") {
    CHECK(Change(CHOICE, {Arg::Int(2)}) == json{{"value", "PCM 3"}});
    CHECK(Change(CHOICE, {Arg::String("Off")}) == json{{"value", "Off"}});
    CHECK_THROWS_AS(Change(CHOICE, {Arg::Int(3)}), std::invalid_argument);
    CHECK_THROWS_AS(Change(CHOICE, {Arg::Int(-1)}), std::invalid_argument);
    CHECK_THROWS_AS(Change(CHOICE, {Arg::Float(1.0f)}), std::invalid_argument);
    CHECK(Osc::ArgsFor(Osc::ControlView(CHOICE), {}) ==
          std::vector<Arg>{Arg::Int(1), Arg::String("Analogue 1")});
}

TEST_CASE("OSC values: levels in dB where there is a dB range, raw otherwise") {
    CHECK(Change(LEVEL, {Arg::Float(-6.5f)}) == json{{"db", -6.5}});
    CHECK(Change(LEVEL, {Arg::Int(100)}) == json{{"value", 100}});
    CHECK(Change(RAW, {Arg::Float(4.6f)}) == json{{"value", 5}});
    CHECK(Change(RAW, {Arg::Int(2)}) == json{{"value", 2}});
    CHECK_THROWS_AS(Change(LEVEL, {Arg::Float(NAN)}), std::invalid_argument);
    Osc::ControlView level(LEVEL);
    CHECK(Osc::ArgsFor(level, {}) == std::vector<Arg>{Arg::Float(0.0f)});
    /* Muted at the bottom of the range: its minimum. */
    level.Update({{"value", {0}}, {"db_value", {nullptr}}});
    CHECK(Osc::ArgsFor(level, {}) == std::vector<Arg>{Arg::Float(-80.0f)});
    CHECK(Osc::ArgsFor(Osc::ControlView(RAW), {}) == std::vector<Arg>{Arg::Int(3)});
}

TEST_CASE("OSC values: one channel of a pair keeps the other's value") {
    CHECK(Change(PAIR, {Arg::Float(-3.0f)}, 1u) == json{{"db", {-27.0, -3.0}}});
    CHECK(Change(PAIR, {Arg::Int(50)}, 0u) == json{{"value", {50, 90}}});
    /* The whole control: every channel. */
    CHECK(Change(PAIR, {Arg::Float(-3.0f)}) == json{{"db", -3.0}});
    CHECK_THROWS_AS(Change(PAIR, {Arg::Int(1)}, 2u), std::invalid_argument);
    CHECK(Osc::ArgsFor(Osc::ControlView(PAIR), 1u) == std::vector<Arg>{Arg::Float(-37.0f)});
    CHECK(Osc::ArgsFor(Osc::ControlView(PAIR), {}) ==
          std::vector<Arg>{Arg::Float(-27.0f), Arg::Float(-37.0f)});
}

TEST_CASE("OSC values: one argument, of a type the control takes") {
    CHECK_THROWS_AS(Change(LEVEL, {}), std::invalid_argument);
    CHECK_THROWS_AS(Change(LEVEL, {Arg::Int(1), Arg::Int(2)}), std::invalid_argument);
    CHECK_THROWS_AS(
        Change({{"numid", 1}, {"type", "bytes"}, {"count", 4}, {"value", {"00"}}}, {Arg::Int(1)}),
        std::invalid_argument);
}
