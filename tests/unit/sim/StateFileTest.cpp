// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "sim/StateFile.hpp"

namespace fs = std::filesystem;
using Sim::ParseState;
using Sim::StateBlock;
using Sim::StateControl;
using Sim::StateFileError;

namespace {

const fs::path FIXTURES = fs::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";

struct ExpectedBlock {
    const char* id;
    size_t controls;
    size_t level_meters;  // values of `Level Meter`, 0 when absent
};

// The table in ../shared/fixtures/alsa-state/README.md.
const std::map<std::string, std::vector<ExpectedBlock>> EXPECTED = {
    {"clarett-8pre.state", {{"USB", 289, 56}}},
    {"clarett-plus-2pre.state", {{"C2Pre", 244, 34}}},
    {"clarett-plus-4pre.state", {{"C4Pre", 262, 44}}},
    {"clarett-plus-8pre.state", {{"USB", 286, 56}}},
    {"scarlett-gen1-18i20.state", {{"USB", 230, 0}}},
    {"scarlett-gen1-18i6.state", {{"USB_1", 169, 0}}},
    {"scarlett-gen1-18i8.state", {{"USB", 213, 0}}},
    {"scarlett-gen1-6i6.state", {{"USB_1", 197, 0}}},
    {"scarlett-gen1-8i6.state", {{"USB", 161, 0}}},
    {"scarlett-gen2-18i20.state", {{"USB", 278, 56}}},
    {"scarlett-gen2-18i8.state", {{"USB", 249, 44}, {"USB_1", 252, 44}}},
    {"scarlett-gen2-6i6.state", {{"USB", 229, 30}, {"USB_1", 232, 30}}},
    {"scarlett-gen3-18i20.state", {{"USB", 441, 65}, {"USB_1", 443, 65}}},
    {"scarlett-gen3-18i8.state", {{"USB", 298, 50}, {"USB_2", 302, 50}}},
    {"scarlett-gen3-2i2.state", {{"USB", 10, 0}}},
    {"scarlett-gen3-4i4.state", {{"USB", 87, 18}, {"USB_1", 90, 18}}},
    {"scarlett-gen3-8i6.state", {{"USB", 111, 24}, {"USB_1", 114, 24}}},
    {"scarlett-gen3-solo.state", {{"Gen", 57, 12}, {"USB_1", 10, 0}}},
    {"scarlett-gen4-16i16.state", {{"Gen", 577, 54}}},
    {"scarlett-gen4-18i16.state", {{"Gen", 610, 56}}},
    {"scarlett-gen4-18i20.state", {{"Gen", 936, 79}}},
    {"scarlett-gen4-2i2.state", {{"Gen", 70, 12}}},
    {"scarlett-gen4-4i4.state", {{"Gen", 113, 24}, {"Gen_1", 111, 24}}},
    {"scarlett-gen4-solo.state", {{"Gen", 56, 12}}},
    {"vocaster-one.state", {{"USB_1", 117, 23}}},
    {"vocaster-two.state", {{"USB_1", 206, 34}}},
};

bool FixturesPresent() {
    if (fs::is_directory(FIXTURES)) return true;
    MESSAGE("SKIPPED: fixtures not found at " << FIXTURES.string()
                                              << " (set SCARLETTD_SHARED_DIR at configure time)");
    return false;
}

const StateControl& Only(const StateBlock& block, const std::string& name) {
    const StateControl* control = block.Find("MIXER", name, 0);
    if (!control) control = block.Find("CARD", name, 0);
    if (!control) control = block.Find("PCM", name, 0);
    REQUIRE_MESSAGE(control != nullptr, name);
    return *control;
}

}  // namespace

TEST_CASE("parses a control with every comment field") {
    auto blocks = ParseState(R"(state.Gen {
	control.14 {
		iface MIXER
		name 'Line In 1 Gain Capture Volume'
		value 9
		comment {
			access 'read write'
			type INTEGER
			count 1
			range '0 - 70 (step 1)'
			tlv '00000004000000080000000000001af4'
			dbmin 0
			dbmax 6900
			dbvalue.0 887
		}
	}
	control.15 {
		iface PCM
		name 'Level Meter'
		device 0
		subdevice 2
		value.0 1
		value.1 -5
		comment {
			access 'read volatile'
			type INTEGER
			count 2
			range '-128 - 0'
		}
	}
}
)");
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].id == "Gen");
    REQUIRE(blocks[0].controls.size() == 2);
    const auto& gain = blocks[0].controls[0];
    CHECK(gain.numid == 14);
    CHECK(gain.iface == "MIXER");
    CHECK(gain.name == "Line In 1 Gain Capture Volume");
    CHECK(gain.index == 0);
    CHECK_FALSE(gain.device.has_value());
    CHECK(gain.values == std::vector<std::string>{"9"});
    CHECK(gain.access == std::vector<std::string>{"read", "write"});
    CHECK(gain.type == "INTEGER");
    CHECK(gain.count == 1);
    REQUIRE(gain.range.has_value());
    CHECK(*gain.range == Sim::StateRange{0, 70, 1});
    CHECK(gain.dbmin == 0);
    CHECK(gain.dbmax == 6900);
    CHECK(gain.dbvalues == std::vector<long long>{887});
    CHECK(gain.tlv == std::vector<std::uint32_t>{4, 8, 0, 6900});

    const auto& meter = blocks[0].controls[1];
    CHECK(meter.device == 0u);
    CHECK(meter.subdevice == 2u);
    CHECK(meter.values == std::vector<std::string>{"1", "-5"});
    CHECK(meter.HasAccess("volatile"));
    CHECK_FALSE(meter.HasAccess("write"));
    CHECK(*meter.range == Sim::StateRange{-128, 0, 0});
}

TEST_CASE("normalises booleans, enum indexes, bytes and indexes") {
    auto blocks = ParseState(R"(
# a comment
state.X {
	control.1 { iface MIXER name Sw value on comment { access 'read write' type BOOLEAN count 1 } }
	control.2 { iface MIXER; name = 'Src'; index 3; value 1
		comment { type ENUMERATED; count 1; item.0 Off; item.1 'Analogue 1' } }
	control.3 { iface CARD name Blob value 'ABCD' comment { type BYTES count 2 } }
	control.4 { iface CARD name Bytes value [ 1 255 ] comment { type BYTES count 2 } }
	control.5 { iface MIXER name Sel value Off comment { type ENUMERATED count 1 item [ Off On ] } }
}
)");
    const auto& controls = blocks.at(0).controls;
    CHECK(controls[0].values == std::vector<std::string>{"true"});
    CHECK(controls[1].index == 3);
    CHECK(controls[1].values == std::vector<std::string>{"Analogue 1"});
    CHECK(controls[2].values == std::vector<std::string>{"abcd"});
    CHECK(controls[3].values == std::vector<std::string>{"01ff"});
    CHECK(controls[4].items == std::vector<std::string>{"Off", "On"});
    CHECK(controls[4].values == std::vector<std::string>{"Off"});
}

TEST_CASE("quoted strings use alsactl's escapes") {
    auto blocks = ParseState(
        "state.A { control.1 { iface MIXER name 'It\\'s \\101\\t\\\\x\\n' value 1 "
        "comment { type INTEGER count 1 } } }");
    CHECK(blocks.at(0).controls.at(0).name == "It's A\t\\x\n");
    CHECK(ParseState("state.B { control.1 { iface MIXER name \"dq\" } }")[0].controls[0].name ==
          "dq");
}

TEST_CASE("two blocks in one file") {
    auto blocks = ParseState(
        "state.USB { control.1 { iface MIXER name a } }\n"
        "state.USB_1 { control.1 { iface MIXER name b } control.2 { iface MIXER name c } }");
    REQUIRE(blocks.size() == 2);
    CHECK(Sim::SelectBlock(blocks, "USB_1").controls.size() == 2);
    CHECK_THROWS_AS(Sim::SelectBlock(blocks, ""), StateFileError);
    CHECK_THROWS_AS(Sim::SelectBlock(blocks, "nope"), StateFileError);
}

TEST_CASE("syntax errors name the line") {
    CHECK_THROWS_WITH_AS(ParseState("state.A {\n control.1 {\n name 'x\n", "f"),
                         "f:3: unterminated string", StateFileError);
    CHECK_THROWS_WITH_AS(ParseState("state.A {\n control.1 { iface MIXER name x }\n", "f"),
                         "f:3: missing '}'", StateFileError);
    CHECK_THROWS_AS(ParseState("state.A { control.x { iface MIXER name x } }"), StateFileError);
    CHECK_THROWS_AS(ParseState("state.A { control.1 { name x } }"), StateFileError);
    CHECK_THROWS_AS(ParseState("state.A { control.1 { iface MIXER name x value maybe "
                               "comment { type BOOLEAN count 1 } } }"),
                    StateFileError);
    CHECK_THROWS_AS(Sim::LoadStateFile("/nonexistent/file.state"), StateFileError);
}

TEST_CASE("FormatState writes what ParseState reads back") {
    StateControl odd;
    odd.numid = 7;
    odd.iface = "MIXER";
    odd.name = "Odd 'name'. {x}\x01\xe2\x82\xac";
    odd.index = 2;
    odd.device = 1;
    odd.type = "ENUMERATED";
    odd.count = 2;
    odd.access = {"read", "write", "user"};
    odd.items = {"0", "-1", "A B"};
    odd.values = {"0", "A B"};
    StateControl number;
    number.numid = 8;
    number.iface = "CARD";
    number.name = "N";
    number.type = "INTEGER";
    number.count = 1;
    number.access = {"read"};
    number.range = Sim::StateRange{-10, 10, 0};
    number.values = {"-3"};
    number.dbmin = -1000;
    number.dbmax = 0;
    number.tlv = {4, 8, 0xfffffc18u, 0};
    std::vector<StateBlock> blocks = {{"Dummy", {odd, number}}};
    auto text = Sim::FormatState(blocks);
    auto again = ParseState(text);
    REQUIRE(again.size() == 1);
    CHECK(Sim::CompareBlocks(blocks[0], again[0]).empty());
    CHECK(again[0].controls[0].name == odd.name);
    CHECK(again[0].controls[0].numid == 7);
}

TEST_CASE("CompareBlocks reports each difference") {
    auto a = ParseState(R"(state.A {
	control.1 { iface MIXER name V value 3 comment { access 'read write' type INTEGER count 1 range '0 - 9 (step 1)' } }
	control.2 { iface MIXER name R value 5 comment { access 'read volatile' type INTEGER count 1 } }
	control.3 { iface MIXER name Gone value 1 comment { access 'read write' type INTEGER count 1 } }
})")[0];
    auto b = ParseState(R"(state.Dummy {
	control.12 { iface MIXER name V value 4 comment { access 'read write user' type INTEGER count 1 range '0 - 8 (step 1)' } }
	control.13 { iface MIXER name R value 0 comment { access 'read user' type INTEGER count 1 } }
	control.1 { iface MIXER name Extra value 0 comment { access 'read write' type INTEGER count 1 } }
})")[0];
    auto diffs = Sim::CompareBlocks(a, b);
    CHECK(diffs.size() == 7);
    Sim::CompareOptions loose;
    loose.ignore_access = {"user", "volatile"};
    loose.ignore_read_only_values = true;
    loose.allow_extra = true;
    diffs = Sim::CompareBlocks(a, b, loose);
    REQUIRE(diffs.size() == 3);
    CHECK(diffs[0] == "MIXER 'V',0: range 0 - 9 (step 1) != 0 - 8 (step 1)");
    CHECK(diffs[1] == "MIXER 'V',0: values [3] != [4]");
    CHECK(diffs[2] == "MIXER 'Gone',0: missing");
}

TEST_CASE("every fixture block parses with the README's control counts") {
    if (!FixturesPresent()) return;
    std::set<std::string> files;
    for (const auto& entry : fs::directory_iterator(FIXTURES))
        if (entry.path().extension() == ".state") files.insert(entry.path().filename().string());
    CHECK(files.size() == EXPECTED.size());
    size_t total = 0;
    for (const auto& [file, expected] : EXPECTED) {
        CAPTURE(file);
        REQUIRE(files.count(file) == 1);
        auto blocks = Sim::LoadStateFile(FIXTURES / file);
        REQUIRE(blocks.size() == expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const auto& block = blocks[i];
            CAPTURE(block.id);
            CHECK(block.id == expected[i].id);
            CHECK(block.controls.size() == expected[i].controls);
            const StateControl* meter = block.Find("PCM", "Level Meter", 0);
            if (!meter) meter = block.Find("MIXER", "Level Meter", 0);
            CHECK((meter ? meter->values.size() : 0) == expected[i].level_meters);
            for (const auto& control : block.controls) {
                CAPTURE(control.Describe());
                CHECK(!control.type.empty());
                CHECK(control.count > 0);
                // Bytes carry one hex string, everything else one value per channel.
                if (control.type == "BYTES") {
                    REQUIRE(control.values.size() == 1);
                    CHECK(control.values[0].size() == 2 * control.count);
                } else {
                    CHECK(control.values.size() == control.count);
                }
                if (control.type == "ENUMERATED") {
                    CHECK(!control.items.empty());
                    for (const auto& value : control.values)
                        CHECK(std::find(control.items.begin(), control.items.end(), value) !=
                              control.items.end());
                }
                if (control.type == "INTEGER") CHECK(control.range.has_value());
                CHECK(control.dbmin.has_value() == control.dbmax.has_value());
            }
            // Writing and reading back loses nothing.
            auto again = ParseState(Sim::FormatState({block}));
            CHECK(Sim::CompareBlocks(block, again.at(0)).empty());
            total += block.controls.size();
        }
    }
    CHECK(total == 8050);
    MESSAGE("parsed " << total << " controls in " << files.size() << " fixture files");
}

TEST_CASE("fixture details survive parsing") {
    if (!FixturesPresent()) return;
    auto gen4 = Sim::LoadStateFile(FIXTURES / "scarlett-gen4-2i2.state");
    const auto& gain = Only(gen4.at(0), "Line In 1 Gain Capture Volume");
    CHECK(gain.values == std::vector<std::string>{"9"});
    CHECK(*gain.range == Sim::StateRange{0, 70, 1});
    CHECK(gain.dbmin == 0);
    CHECK(gain.dbmax == 6900);

    auto big = Sim::LoadStateFile(FIXTURES / "scarlett-gen4-18i20.state");
    const auto& block = big.at(0);
    const auto& clock = Only(block, "Clock Source Clock Source");
    CHECK(clock.items ==
          std::vector<std::string>{"Internal", "S/PDIF", "ADAT Port 1", "ADAT Port 2"});
    CHECK(clock.values == std::vector<std::string>{"Internal"});
    const auto& sync = Only(block, "Sync Status");
    CHECK(sync.access == std::vector<std::string>{"read", "write", "locked", "user"});
    const auto& fw = Only(block, "Firmware Version");
    CHECK(fw.values == std::vector<std::string>{"2", "0", "2464", "0"});
    REQUIRE(fw.tlv.size() >= 2);
    CHECK(fw.tlv[0] == 0x53434b54u);
    CHECK(fw.tlv[1] == 0x18u);
    const auto& name = Only(block, "Name");
    CHECK(name.type == "BYTES");
    CHECK(name.values.at(0).rfind("536361726c657474", 0) == 0);
}
