// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "cli/Options.hpp"
#include "cli/Value.hpp"

using Cli::ParseValue;
using Cli::UsageError;
using nlohmann::json;

namespace {

const json INTEGER = {{"type", "integer"}, {"count", 2}, {"min", 0}, {"max", 172}};
const json BOOLEAN = {{"type", "boolean"}, {"count", 1}};
const json ENUMERATED = {{"type", "enumerated"},
                         {"count", 2},
                         {"items", {"Off", "Analogue 1", "analogue 1 ", "PCM 1", "A, B", "On"}}};

}  // namespace

TEST_CASE("ParseValue: integers, per channel, dB, min and max") {
    CHECK(ParseValue("160", &INTEGER) == json{{"value", 160}});
    CHECK(ParseValue("+5", &INTEGER) == json{{"step", 5}});
    CHECK(ParseValue("-3", &INTEGER) == json{{"value", -3}});
    CHECK(ParseValue("160,150", &INTEGER) == json{{"value", {160, 150}}});
    CHECK(ParseValue(" 1 , 2 ", &INTEGER) == json{{"value", {1, 2}}});
    CHECK(ParseValue("-6dB", &INTEGER) == json{{"db", -6.0}});
    CHECK(ParseValue("-6.5 dB,0db", &INTEGER) == json{{"db", {-6.5, 0.0}}});
    CHECK(ParseValue("max", &INTEGER) == json{{"value", 172}});
    CHECK(ParseValue("MIN,max", &INTEGER) == json{{"value", {0, 172}}});
    const json integer64 = {{"type", "integer64"}};
    CHECK(ParseValue("9000000000", &integer64) == json{{"value", 9000000000LL}});
}

TEST_CASE("ParseValue passes text that is not a number on, for the daemon to reject") {
    CHECK(ParseValue("loud", &INTEGER) == json{{"value", "loud"}});
    CHECK(ParseValue("1.5", &INTEGER) == json{{"value", "1.5"}});
    CHECK_THROWS_WITH_AS(ParseValue("-6dB,3", &INTEGER), "value '-6dB,3' mixes dB and raw values",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("xdB", &INTEGER), "value 'xdB' is not a dB number", UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("  ", &INTEGER), "empty value", UsageError);
}

TEST_CASE("ParseValue: booleans") {
    for (const char* word : {"on", "ON", "true", "yes", "1"})
        CHECK(ParseValue(word, &BOOLEAN) == json{{"value", true}});
    for (const char* word : {"off", "False", "no", "0"})
        CHECK(ParseValue(word, &BOOLEAN) == json{{"value", false}});
    CHECK(ParseValue("on,off", &BOOLEAN) == json{{"value", {true, false}}});
    CHECK(ParseValue("toggle", &BOOLEAN) == json{{"toggle", true}});
    CHECK(ParseValue("maybe", &BOOLEAN) == json{{"value", "maybe"}});
}

TEST_CASE("ParseValue: enumerated labels and indexes") {
    CHECK(ParseValue("Analogue 1", &ENUMERATED) == json{{"value", "Analogue 1"}});
    SUBCASE("an exact label wins over case-insensitive ones") {
        CHECK(ParseValue("Off", &ENUMERATED) == json{{"value", "Off"}});
    }
    SUBCASE("case-insensitive when unambiguous") {
        CHECK(ParseValue("pcm 1", &ENUMERATED) == json{{"value", "PCM 1"}});
        CHECK(ParseValue("off", &ENUMERATED) == json{{"value", "Off"}});
    }
    SUBCASE("ambiguous case-insensitive matches are passed on unchanged") {
        const json items = {{"type", "enumerated"}, {"items", {"Mix", "MIX"}}};
        CHECK(ParseValue("mix", &items) == json{{"value", "mix"}});
    }
    SUBCASE("an index") {
        CHECK(ParseValue("3", &ENUMERATED) == json{{"value", 3}});
    }
    SUBCASE("per channel") {
        CHECK(ParseValue("Off,PCM 1", &ENUMERATED) == json{{"value", {"Off", "PCM 1"}}});
        CHECK(ParseValue("0,pcm 1", &ENUMERATED) == json{{"value", {0, "PCM 1"}}});
    }
    SUBCASE("a label with a comma is not split") {
        CHECK(ParseValue("A, B", &ENUMERATED) == json{{"value", "A, B"}});
    }
    SUBCASE("'on' is a label here, not a boolean") {
        CHECK(ParseValue("on", &ENUMERATED) == json{{"value", "On"}});
    }
    SUBCASE("unknown labels are passed on") {
        CHECK(ParseValue("Digital 9", &ENUMERATED) == json{{"value", "Digital 9"}});
    }
}

TEST_CASE("ParseValue: bytes, and controls of unknown type") {
    const json bytes = {{"type", "bytes"}};
    CHECK(ParseValue("00ff,10", &bytes) == json{{"value", "00ff,10"}});
    CHECK(ParseValue("on", nullptr) == json{{"value", true}});
    CHECK(ParseValue("1", nullptr) == json{{"value", 1}});
    CHECK(ParseValue("0.5", nullptr) == json{{"value", 0.5}});
    CHECK(ParseValue("Analogue 1", nullptr) == json{{"value", "Analogue 1"}});
    CHECK(ParseValue("1,off", nullptr) == json{{"value", {1, false}}});
    CHECK(ParseValue("-3dB", nullptr) == json{{"db", -3.0}});
    CHECK(ParseValue("toggle", nullptr) == json{{"toggle", true}});
}

TEST_CASE("ParseValue: relative changes are a leading + or a sign after the number") {
    const json volume = {{"type", "integer"}, {"count", 2}, {"min", 0}, {"max", 172}, {"step", 1}};
    CHECK(ParseValue("+3", &volume) == json{{"step", 3}});
    CHECK(ParseValue("3+", &volume) == json{{"step", 3}});
    CHECK(ParseValue("3-", &volume) == json{{"step", -3}});
    CHECK(ParseValue("+1dB", &volume) == json{{"db_step", 1.0}});
    CHECK(ParseValue("1dB+", &volume) == json{{"db_step", 1.0}});
    CHECK(ParseValue("1.5dB-", &volume) == json{{"db_step", -1.5}});
    CHECK(ParseValue("+1dB,2dB-", &volume) == json{{"db_step", {1.0, -2.0}}});
    CHECK(ParseValue("+1,1-", &volume) == json{{"step", {1, -1}}});
    SUBCASE("a leading minus stays absolute") {
        CHECK(ParseValue("-6dB", &volume) == json{{"db", -6.0}});
        CHECK(ParseValue("-3", &volume) == json{{"value", -3}});
        CHECK(ParseValue("6dB", &volume) == json{{"db", 6.0}});
    }
    SUBCASE("percent of the range, in steps") {
        CHECK(ParseValue("+10%", &volume) == json{{"step", 17}});
        CHECK(ParseValue("10%-", &volume) == json{{"step", -17}});
        const json coarse = {{"type", "integer"}, {"min", 0}, {"max", 10}, {"step", 2}};
        CHECK(ParseValue("+1%", &coarse) == json{{"step", 1}});
        CHECK(ParseValue("+40%", &coarse) == json{{"step", 2}});
    }
    SUBCASE("unknown type: still relative") {
        CHECK(ParseValue("+2", nullptr) == json{{"step", 2}});
        CHECK(ParseValue("0.5dB-", nullptr) == json{{"db_step", -0.5}});
    }
    CHECK_THROWS_WITH_AS(ParseValue("+-1dB", &volume),
                         "value '+-1dB': write a relative change as +N or N-, not both signs",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("+1.5", &volume), "value '+1.5' is not a whole number of steps",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("+xdB", &volume), "value '+xdB' is not a dB step", UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("+1dB,-6dB", &volume),
                         "value '+1dB,-6dB' mixes relative and absolute values", UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("+1dB,+1", &volume), "value '+1dB,+1' mixes dB and raw values",
                         UsageError);
}

TEST_CASE("ParseValue: percentages of the raw range") {
    const json volume = {{"type", "integer"}, {"count", 1}, {"min", 0}, {"max", 172}};
    CHECK(ParseValue("50%", &volume) == json{{"value", 86}});
    CHECK(ParseValue("0%", &volume) == json{{"value", 0}});
    CHECK(ParseValue("100%", &volume) == json{{"value", 172}});
    CHECK(ParseValue("33.3%", &volume) == json{{"value", 57}});
    const json gain = {{"type", "integer"}, {"count", 2}, {"min", -10}, {"max", 60}};
    CHECK(ParseValue("50%,25%", &gain) == json{{"value", {25, 8}}});
    CHECK(ParseValue("50%,3", &gain) == json{{"value", {25, 3}}});
    CHECK_THROWS_WITH_AS(ParseValue("150%", &volume), "value '150%' is not between 0% and 100%",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("x%", &volume), "value 'x%' is not a percentage", UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("50%", nullptr),
                         "value '50%' needs a range, and this control has none", UsageError);
}

TEST_CASE("ParseValue: mute and -inf for a volume with a mute position; infinities refused") {
    const json volume = {{"type", "integer"},
                         {"count", 2},
                         {"min", 0},
                         {"max", 127},
                         {"db", {{"min", -127.0}, {"max", 0.0}, {"mute", true}}}};
    for (const char* word : {"mute", "MUTE", "-inf", "-infdB", "-INFDB"})
        CHECK(ParseValue(word, &volume) == json{{"value", 0}});
    CHECK(ParseValue("mute,max", &volume) == json{{"value", {0, 127}}});
    const json gain = {{"type", "integer"},
                       {"count", 1},
                       {"min", 0},
                       {"max", 70},
                       {"db", {{"min", 0.0}, {"max", 70.0}, {"mute", false}}}};
    CHECK_THROWS_WITH_AS(ParseValue("mute", &gain),
                         "value 'mute': this control has no mute position (its lowest value is "
                         "'min')",
                         UsageError);
    /* No protocol field name, no infinity sent as null. */
    CHECK_THROWS_WITH_AS(ParseValue("+infdB", &volume), "value '+infdB' is not a dB step",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("infdB", &volume), "value 'infdB' is not a dB number",
                         UsageError);
    CHECK(ParseValue("nan", &volume) == json{{"value", "nan"}});
}

TEST_CASE("ParseValue: a relative percentage over 100% is refused, as an absolute one is") {
    CHECK(ParseValue("+100%", &INTEGER) == json{{"step", 172}});
    CHECK(ParseValue("50%-", &INTEGER) == json{{"step", -86}});
    CHECK_THROWS_WITH_AS(ParseValue("+200%", &INTEGER),
                         "value '+200%' is not a step between 0% and 100% of the range",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseValue("101%", &INTEGER), "value '101%' is not between 0% and 100%",
                         UsageError);
}
