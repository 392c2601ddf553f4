// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "sim/models/ModelCommands.hpp"
#include "sim/models/Models.hpp"

namespace fs = std::filesystem;
using namespace Sim;

namespace {

const fs::path FIXTURES = fs::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";

bool FixturesPresent() {
    if (fs::is_directory(FIXTURES)) return true;
    MESSAGE("SKIPPED: fixtures not found at " << FIXTURES.string()
                                              << " (set SCARLETTD_SHARED_DIR at configure time)");
    return false;
}

/* Controls snd-usb-audio creates itself, which kernel-facts §3.1 does not count. */
bool IsUsbAudioControl(const StateControl& control) {
    const std::string& name = control.name;
    return name.ends_with("Channel Map") || name.ends_with(" Validity") ||
           name.ends_with("Clock Source Clock Source") || name.ends_with("USB-Sync Clock Source") ||
           name == "Extension Unit Switch";
}

size_t DriverControls(const StateBlock& block) {
    size_t count = 0;
    for (const auto& control : block.controls)
        if (!IsUsbAudioControl(control)) ++count;
    return count;
}

struct Match {
    bool exact = false;
    std::string era;
    std::vector<std::string> diffs;
};

/* The era (and MSD choice) with the fewest differences, as `diff` reports it. */
Match BestMatch(const Model& model, const StateBlock& dump) {
    Match best;
    bool first = true;
    for (const auto& era : KernelEras())
        for (bool msd : {false, true}) {
            StateBlock generated = GenerateControls(model, era.id, GenerateOptions{msd});
            AdoptValues(generated, dump);
            CompareOptions options;
            options.ignore_values = options.ignore_dbvalues = true;
            options.ignore_missing_tlv = options.compare_order = true;
            auto diffs = CompareBlocks(dump, generated, options);
            if (first || diffs.size() < best.diffs.size()) {
                best = {diffs.empty(), era.id, diffs};
                first = false;
            }
        }
    return best;
}

/* Upstream's scarlett-gen3-solo.state holds a 4th Gen Solo dump first (fixtures README). */
std::string ModelOfBlock(const std::string& file_model, const std::string& block_id) {
    if (file_model == "scarlett-gen3-solo" && block_id == "Gen") return "scarlett-gen4-solo";
    return file_model;
}

void CheckDumps(bool fcp) {
    if (!FixturesPresent()) return;
    size_t blocks = 0;
    for (const auto& entry : fs::directory_iterator(FIXTURES)) {
        if (entry.path().extension() != ".state") continue;
        const Model* file_model = FindModel(entry.path().stem().string());
        REQUIRE_MESSAGE(file_model, entry.path().string());
        if ((file_model->family == ModelFamily::Gen4Fcp) != fcp) continue;
        for (const auto& block : LoadStateFile(entry.path())) {
            const Model* model = FindModel(ModelOfBlock(file_model->id, block.id));
            REQUIRE(model);
            Match match = BestMatch(*model, block);
            INFO(entry.path().filename().string()
                 << " [state." << block.id << "] closest era " << match.era);
            for (const auto& diff : match.diffs) INFO(diff);
            CHECK_MESSAGE(match.exact, match.diffs.size()
                                           << " difference(s), first: "
                                           << (match.diffs.empty() ? "" : match.diffs[0]));
            ++blocks;
        }
    }
    MESSAGE("compared " << blocks << " dump blocks");
}

}  // namespace

TEST_CASE("every model generates, without duplicates, numbered 1..N") {
    REQUIRE(Models().size() == 28);
    std::set<std::string> ids;
    for (const auto& model : Models()) {
        CAPTURE(model.id);
        CHECK(ids.insert(model.id).second);
        CHECK(model.usb_vid == 0x1235);
        for (const auto& era : KernelEras()) {
            CAPTURE(era.id);
            StateBlock block = GenerateControls(model, era.id);
            REQUIRE(!block.controls.empty());
            std::set<std::tuple<std::string, std::string, unsigned>> keys;
            for (size_t i = 0; i < block.controls.size(); ++i) {
                const auto& control = block.controls[i];
                CAPTURE(control.Describe());
                CHECK(control.numid == i + 1);
                CHECK(keys.insert({control.iface, control.name, control.index}).second);
                // BYTES values are one hex string, two digits a byte.
                if (control.type == "BYTES") {
                    REQUIRE(control.values.size() == 1);
                    CHECK(control.values[0].size() == 2 * control.count);
                } else {
                    CHECK(control.values.size() == control.count);
                }
                CHECK(control.name.size() <= 43);
                if (control.type == "ENUMERATED") {
                    REQUIRE(control.values.size() == 1);
                    CHECK(std::find(control.items.begin(), control.items.end(),
                                    control.values[0]) != control.items.end());
                }
            }
            // What show prints reads back unchanged.
            auto text = FormatState({block});
            auto parsed = ParseState(text);
            REQUIRE(parsed.size() == 1);
            CHECK(CompareBlocks(block, parsed[0]).empty());
        }
    }
}

TEST_CASE("every scarlett2 and 1st Gen dump matches its model in one era") {
    CheckDumps(false);
}

TEST_CASE("the big 4th Gen (fcp-server) dumps match their models") {
    CheckDumps(true);
}

TEST_CASE("fcp-server's user controls follow the map's rules") {
    StateBlock block = GenerateControls(*FindModel("scarlett-gen4-18i20"));
    auto count = [&](std::string_view prefix, std::string_view suffix) {
        return std::count_if(block.controls.begin(), block.controls.end(), [&](const auto& c) {
            return c.name.starts_with(prefix) && c.name.ends_with(suffix);
        });
    };
    CHECK(count("Mix ", " Playback Volume") == 12 * 53);
    CHECK(count("Mixer ", " Capture Enum") == 53);
    CHECK(count("Line In ", " Gain Capture Volume") == 8);
    CHECK(count("Line In ", " Level Capture Enum") == 2);
    CHECK(count("Talkback Mix ", " Playback Switch") == 12);

    // Sync first, then the kernel's meter once fcp-server sets the meter map.
    const auto* sync = block.Find("MIXER", "Sync Status", 0);
    const auto* meter = block.Find("PCM", "Level Meter", 0);
    REQUIRE(sync);
    REQUIRE(meter);
    CHECK(meter->numid == sync->numid + 1);
    CHECK(meter->count == 79);

    const auto* mix = block.Find("MIXER", "Mix A Input 01 Playback Volume", 0);
    REQUIRE(mix);
    CHECK(mix->range->max == 32613);
    CHECK(mix->HasAccess("user"));
    CHECK(!mix->HasAccess("locked"));
    REQUIRE(mix->tlv.size() == 4);
    CHECK(mix->tlv[0] == 2);  // DB_LINEAR, mute .. +12 dB
    CHECK(mix->dbmax == 1200);

    // Unpadded routing names; the mixer inputs are locked, the rest writable.
    const auto* pcm = block.Find("MIXER", "PCM 1 Capture Enum", 0);
    REQUIRE(pcm);
    CHECK(!pcm->HasAccess("locked"));
    CHECK(pcm->items.size() == 1 + 9 + 2 + 16 + 26 + 12);
    CHECK(block.Find("MIXER", "Mixer 1 Capture Enum", 0)->HasAccess("locked"));

    // The talkback mic is a routing source but no output-group source.
    const auto* group = block.Find("MIXER", "Main Group Output 1 Source Playback Enum", 0);
    REQUIRE(group);
    CHECK(std::find(group->items.begin(), group->items.end(), "Analogue 9") == group->items.end());
    CHECK(std::find(pcm->items.begin(), pcm->items.end(), "Analogue 9") != pcm->items.end());

    // "Firmware Version" carries fcp-server's socket path as a "SCKT" TLV.
    const auto* firmware = block.Find("CARD", "Firmware Version", 0);
    REQUIRE(firmware);
    REQUIRE(firmware->tlv.size() >= 3);
    CHECK(firmware->tlv[0] == 0x53434b54);
    std::string path;
    for (size_t i = 2; i < firmware->tlv.size(); ++i)
        for (int byte = 0; byte < 4; ++byte)
            if (char c = static_cast<char>(firmware->tlv[i] >> (8 * byte) & 0xff)) path += c;
    CHECK(path == "/run/user/0/fcp-0.sock");
    CHECK(firmware->tlv[1] == 24);
}

TEST_CASE("driver control counts agree with kernel-facts §3.1") {
    const std::map<std::string, size_t> expected = {
        {"scarlett-gen2-6i6", 227}, {"scarlett-gen2-18i8", 247}, {"scarlett-gen2-18i20", 274},
        {"scarlett-gen3-solo", 7},  {"scarlett-gen3-2i2", 9},    {"scarlett-gen3-4i4", 87},
        {"scarlett-gen3-8i6", 109}, {"scarlett-gen3-18i8", 297}, {"scarlett-gen3-18i20", 439},
        {"clarett-2pre", 238},      {"clarett-4pre", 257},       {"clarett-8pre", 285},
        {"clarett-plus-2pre", 238}, {"clarett-plus-4pre", 257},  {"clarett-plus-8pre", 285},
        {"scarlett-gen4-solo", 53}, {"scarlett-gen4-2i2", 67},   {"scarlett-gen4-4i4", 110},
        {"vocaster-one", 114},      {"vocaster-two", 203},       {"scarlett-gen1-18i20", 224},
    };
    for (const auto& [id, count] : expected) {
        CAPTURE(id);
        const Model* model = FindModel(id);
        REQUIRE(model);
        StateBlock block = GenerateControls(*model);
        CHECK(DriverControls(block) == count);
        // "On kernels before 6.8, subtract 2."
        if (model->family != ModelFamily::Gen1 && model->family != ModelFamily::Gen4 &&
            model->family != ModelFamily::Vocaster)
            CHECK(DriverControls(GenerateControls(*model, "6.7")) ==
                  count - 2 -
                      (id == "scarlett-gen3-18i8" || id.find("4pre") != std::string::npos ||
                               id.find("8pre") != std::string::npos || id == "scarlett-gen3-18i20"
                           ? 1
                           : 0));
    }
}

TEST_CASE("FindModel by id and by name") {
    REQUIRE(FindModel("scarlett-gen3-18i20"));
    CHECK(FindModel("scarlett-gen3-18i20")->usb_pid == 0x8215);
    REQUIRE(FindModel("Scarlett 18i20 3rd Gen"));
    CHECK(FindModel("Scarlett 18i20 3rd Gen")->id == "scarlett-gen3-18i20");
    REQUIRE(FindModel("scarlett 18I20 3rdgen"));
    CHECK(FindModel("Clarett+ 2Pre")->id == "clarett-plus-2pre");
    CHECK(FindModel("Vocaster One")->family == ModelFamily::Vocaster);
    CHECK(FindModel("scarlett-gen5-2i2") == nullptr);
    CHECK(FindModel("") == nullptr);
}

TEST_CASE("kernel eras") {
    REQUIRE(!KernelEras().empty());
    CHECK(KernelEras().front().id == "latest");
    CHECK(FindKernelEra("").id == "latest");
    CHECK(FindKernelEra("6.7").id == "6.7");
    CHECK_THROWS_AS(FindKernelEra("2.6"), std::invalid_argument);
    CHECK_THROWS_AS(GenerateControls(*FindModel("scarlett-gen3-4i4"), "nope"),
                    std::invalid_argument);
    // The mixer range is what tells 6.7 from later kernels.
    auto mix = [](std::string_view era) {
        auto block = GenerateControls(*FindModel("scarlett-gen3-4i4"), era);
        return block.Find("MIXER", "Mix A Input 01 Playback Volume", 0)->range->max;
    };
    CHECK(mix("latest") == 184);
    CHECK(mix("6.7") == 172);
}

TEST_CASE("HW mode makes a line's volume and mute read-only") {
    StateBlock block = GenerateControls(*FindModel("scarlett-gen3-18i20"));
    StateBlock user = block;
    for (auto& control : user.controls)
        if (control.name == "Line Out 05 Volume Control Playback Enum") control.values = {"HW"};
    AdoptValues(block, user);
    CHECK(!block.Find("MIXER", "Line 05 Playback Volume", 0)->HasAccess("write"));
    CHECK(!block.Find("MIXER", "Line 05 Mute Playback Switch", 0)->HasAccess("write"));
    CHECK(block.Find("MIXER", "Line 06 Playback Volume", 0)->HasAccess("write"));
    for (auto& control : user.controls)
        if (control.name == "Speaker Switching Playback Enum") control.values = {"Main"};
    AdoptValues(block, user);
    CHECK(!block.Find("MIXER", "Line Out 01 Volume Control Playback Enum", 0)->HasAccess("write"));
    CHECK(block.Find("MIXER", "Line Out 05 Volume Control Playback Enum", 0)->HasAccess("write"));
}

TEST_CASE("model commands") {
    std::ostringstream out, err;
    CHECK(RunModelCommand({}, out, err) == 2);
    CHECK(RunModelCommand({"frobnicate"}, out, err) == 2);
    CHECK(RunModelCommand({"show"}, out, err) == 2);
    CHECK(RunModelCommand({"show", "no-such-model"}, out, err) == 2);
    CHECK(RunModelCommand({"show", "scarlett-gen3-4i4", "--kernel", "1.0"}, out, err) == 2);
    CHECK(RunModelCommand({"diff", "--kernel", "1.0"}, out, err) == 2);

    out.str("");
    REQUIRE(RunModelCommand({"models"}, out, err) == 0);
    CHECK(out.str().find("scarlett-gen3-18i20") != std::string::npos);
    CHECK(out.str().find("1235:8215") != std::string::npos);

    out.str("");
    REQUIRE(RunModelCommand({"show", "Scarlett 4i4 3rd Gen", "--kernel", "6.7"}, out, err) == 0);
    auto blocks = ParseState(out.str());
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].controls.size() ==
          GenerateControls(*FindModel("scarlett-gen3-4i4"), "6.7").controls.size());

    if (!FixturesPresent()) return;
    out.str("");
    CHECK(RunModelCommand({"diff", "--fixtures", FIXTURES.string(), "scarlett-gen3-4i4"}, out,
                          err) == 0);
    CHECK(out.str().find("[state.USB]: 87 controls, matches scarlett-gen3-4i4 exactly, era 5.14") !=
          std::string::npos);
    CHECK(out.str().find(
              "[state.USB_1]: 90 controls, matches scarlett-gen3-4i4 exactly, era latest") !=
          std::string::npos);
}
