// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The OSC address space of scarlett-osc (issue 16), generated from each device's
 * controls: every control of the 26 real dumps has a raw address that names it back,
 * and the semantic families come out of the names of the Scarlett generations,
 * Clarett and Vocaster without a table per model.
 */
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "Fixtures.hpp"
#include "bridges/osc/AddressSpace.hpp"
#include "sim/StateFile.hpp"

namespace fs = std::filesystem;
using OscTest::FIXTURES;
using OscTest::FixturesPresent;

namespace {

/** The address space of a dump's card, as the bridge would build it. */
Osc::AddressSpace SpaceOf(const std::string& dump, std::vector<Osc::ControlInfo>* infos = nullptr) {
    const auto blocks = Sim::LoadStateFile(FIXTURES / (dump + ".state"));
    REQUIRE(!blocks.empty());
    /* Some dumps hold a second card too: the interface is the larger one. */
    const auto& block = *std::max_element(blocks.begin(), blocks.end(), [](auto& a, auto& b) {
        return a.controls.size() < b.controls.size();
    });
    std::vector<Osc::ControlInfo> controls;
    std::map<unsigned, unsigned> indexes;
    for (const auto& c : block.controls) {
        std::string type = c.type;
        for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        controls.push_back({c.numid, c.name, type, c.count, c.dbmin.has_value()});
        if (c.index) indexes[c.numid] = c.index;
    }
    if (infos) *infos = controls;
    return Osc::AddressSpace::Build(controls, indexes);
}

std::optional<unsigned> NumidAt(const Osc::AddressSpace& space, const std::string& path) {
    const auto* e = space.Find(path);
    return e ? std::optional<unsigned>(e->target.numid) : std::nullopt;
}

std::string NameOf(const std::vector<Osc::ControlInfo>& infos, unsigned numid) {
    for (const auto& c : infos)
        if (c.numid == numid) return c.name;
    return "";
}

}  // namespace

TEST_CASE("OSC names: the escaping rule is reversible and leaves only OSC-safe bytes") {
    CHECK(Osc::EscapeName("Line In 1-2 Phantom Power Capture Switch") ==
          "Line_In_1-2_Phantom_Power_Capture_Switch");
    CHECK(Osc::EscapeName("S/PDIF Output 1 Playback Enum") == "S%2FPDIF_Output_1_Playback_Enum");
    CHECK(Osc::EscapeName("Line 03 (Monitor 1 L) Playback Volume") ==
          "Line_03_%28Monitor_1_L%29_Playback_Volume");
    CHECK(Osc::EscapeName("a_b") == "a%5Fb");
    CHECK(Osc::UnescapeName("a%5Fb") == "a_b");
    /* One spelling per name: nothing the rule would not write. */
    CHECK(Osc::UnescapeName("a%41") == std::nullopt);
    CHECK(Osc::UnescapeName("a%2") == std::nullopt);
    CHECK(Osc::UnescapeName("a%zz") == std::nullopt);
    CHECK(Osc::UnescapeName("a b") == std::nullopt);
    CHECK(Osc::UnescapeName("a/b") == std::nullopt);
    for (int byte = 0; byte < 256; ++byte) {
        const std::string name = "x" + std::string(1, static_cast<char>(byte)) + "y";
        const std::string part = Osc::EscapeName(name);
        CHECK(part.find_first_of(" #*,/?[]{}") == std::string::npos);
        CHECK(Osc::UnescapeName(part) == name);
    }
}

TEST_CASE("OSC addresses: every control of every real device has its raw address") {
    if (!FixturesPresent()) return;
    size_t dumps = 0, controls = 0;
    for (const auto& entry : fs::directory_iterator(FIXTURES)) {
        if (entry.path().extension() != ".state") continue;
        ++dumps;
        std::vector<Osc::ControlInfo> infos;
        const auto space = SpaceOf(entry.path().stem().string(), &infos);
        std::set<std::string> paths;
        for (const auto& e : space.Entries()) {
            INFO(entry.path().filename().string(), " ", e.path);
            CHECK(paths.insert(e.path).second);
            CHECK(e.path.find_first_of(" #*,?[]{}") == std::string::npos);
        }
        for (const auto& c : infos) {
            ++controls;
            const auto raws = space.ForControl(c.numid);
            size_t raw = 0;
            for (const auto* e : raws)
                if (!e->semantic) {
                    ++raw;
                    /* The address names the control back. */
                    std::string part = e->path.substr(std::string("/control/").size());
                    if (const auto tilde = part.find('~'); tilde != std::string::npos)
                        part.resize(tilde);
                    CHECK(Osc::UnescapeName(part) == c.name);
                }
            INFO(entry.path().filename().string(), " ", c.name);
            CHECK(raw == 1);
        }
    }
    CHECK(dumps == 26);
    CHECK(controls > 6000);
}

TEST_CASE("OSC addresses: the semantic families of a 3rd Gen 18i20") {
    if (!FixturesPresent()) return;
    std::vector<Osc::ControlInfo> infos;
    const auto space = SpaceOf("scarlett-gen3-18i20", &infos);
    const auto name = [&](const std::string& path) {
        const auto numid = NumidAt(space, path);
        return numid ? NameOf(infos, *numid) : "(none)";
    };
    CHECK(name("/input/1/pad") == "Line In 1 Pad Capture Switch");
    CHECK(name("/input/8/air") == "Line In 8 Air Capture Switch");
    CHECK(name("/input/2/inst") == "Line In 2 Level Capture Enum");
    /* One switch for inputs 1-4: behind each. */
    CHECK(name("/input/1/phantom") == "Line In 1-4 Phantom Power Capture Switch");
    CHECK(name("/input/4/phantom") == "Line In 1-4 Phantom Power Capture Switch");
    CHECK(name("/input/5/phantom") == "Line In 5-8 Phantom Power Capture Switch");
    CHECK(name("/output/1/volume") == "Line 01 (Monitor 1 L) Playback Volume");
    CHECK(name("/output/10/mute") == "Line 10 Mute Playback Switch");
    CHECK(name("/mix/A/input/1") == "Mix A Input 01 Playback Volume");
    CHECK(name("/mix/L/input/25") == "Mix L Input 25 Playback Volume");
    CHECK(name("/route/Analogue_Output_01") == "Analogue Output 01 Playback Enum");
    CHECK(name("/route/S%2FPDIF_Output_2") == "S/PDIF Output 2 Playback Enum");
    CHECK(name("/route/PCM_01") == "PCM 01 Capture Enum");
    CHECK(name("/route/Mixer_Input_25") == "Mixer Input 25 Capture Enum");
    CHECK(name("/monitor/volume") == "Master HW Playback Volume");
    CHECK(name("/monitor/dim") == "Dim Playback Switch");
    CHECK(name("/monitor/mute") == "Mute Playback Switch");
    CHECK(name("/talkback/mix/B") == "Talkback Mix B Playback Switch");
    CHECK(name("/talkback/enable") == "Talkback Playback Enum");
    CHECK(space.Find("/input/9/pad") == nullptr);
    CHECK(space.Find("/mix/M/input/1") == nullptr);
}

TEST_CASE("OSC addresses: 4th Gen 2i2, 1st Gen 18i8 and Vocaster Two") {
    if (!FixturesPresent()) return;
    {
        std::vector<Osc::ControlInfo> infos;
        const auto space = SpaceOf("scarlett-gen4-2i2", &infos);
        CHECK(NameOf(infos, *NumidAt(space, "/input/1/gain")) == "Line In 1 Gain Capture Volume");
        CHECK(NameOf(infos, *NumidAt(space, "/input/2/air")) == "Line In 2 Air Capture Enum");
        CHECK(NameOf(infos, *NumidAt(space, "/input/2/phantom")) ==
              "Line In 1-2 Phantom Power Capture Switch");
        CHECK(NameOf(infos, *NumidAt(space, "/mix/D/input/4")) == "Mix D Input 04 Playback Volume");
    }
    {
        std::vector<Osc::ControlInfo> infos;
        const auto space = SpaceOf("scarlett-gen1-18i8", &infos);
        CHECK(NameOf(infos, *NumidAt(space, "/input/1/pad")) == "Input 1 Pad Switch");
        CHECK(NameOf(infos, *NumidAt(space, "/input/2/inst")) == "Input 2 Impedance Switch");
        CHECK(NameOf(infos, *NumidAt(space, "/mix/B/input/3")) ==
              "Matrix 03 Mix B Playback Volume");
        /* A stereo pair's control: one channel per output. */
        const auto* left = space.Find("/output/1/volume");
        const auto* right = space.Find("/output/2/volume");
        REQUIRE(left);
        REQUIRE(right);
        CHECK(left->target.numid == right->target.numid);
        CHECK(left->target.channel == 0u);
        CHECK(right->target.channel == 1u);
        CHECK(NameOf(infos, left->target.numid) == "Master 1 (Monitor) Playback Volume");
    }
    {
        std::vector<Osc::ControlInfo> infos;
        const auto space = SpaceOf("vocaster-two", &infos);
        CHECK(NameOf(infos, *NumidAt(space, "/input/2/mute")) == "Line In 2 Mute Capture Switch");
        CHECK(NameOf(infos, *NumidAt(space, "/input/1/phantom")) ==
              "Line In 1 Phantom Power Capture Switch");
        CHECK(NameOf(infos, *NumidAt(space, "/monitor/mute")) == "Speaker Mute Playback Switch");
    }
}
