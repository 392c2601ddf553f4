// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The 1st Gen driver's controls (mixer_scarlett), plus the USB-audio controls its
 * cards show, built from per-model port counts and bus names.
 */
#include <stdexcept>

#include "sim/models/Builder.hpp"

namespace Sim::ModelsDetail {

namespace {

enum class InputKind { Impedance, Pad, Gain };

struct Gen1Params {
    std::string short_name;  // in the clock selector's name: "Scarlett 6i6 USB-Sync"
    unsigned pcm = 0, analogue = 0, spdif = 2, adat = 0, mixes = 0, captures = 0;
    std::vector<std::string> buses;
    std::vector<std::pair<unsigned, InputKind>> inputs;  // in creation order
};

Gen1Params ParamsFor(const std::string& id) {
    using K = InputKind;
    Gen1Params p;
    if (id == "scarlett-gen1-6i6") {
        p = {"6i6",
             12,
             4,
             2,
             0,
             8,
             6,
             {"Monitor", "Headphone", "SPDIF"},
             {{1, K::Impedance},
              {1, K::Pad},
              {2, K::Impedance},
              {2, K::Pad},
              {3, K::Gain},
              {4, K::Gain}}};
    } else if (id == "scarlett-gen1-8i6") {
        p = {"8i6",
             12,
             4,
             2,
             0,
             6,
             8,
             {"Monitor", "Headphone", "SPDIF"},
             {{1, K::Impedance}, {2, K::Impedance}, {3, K::Pad}, {4, K::Pad}}};
    } else if (id == "scarlett-gen1-18i6") {
        p = {"18i6",
             6,
             8,
             2,
             8,
             6,
             18,
             {"Monitor", "Headphone", "SPDIF"},
             {{1, K::Impedance}, {2, K::Impedance}}};
    } else if (id == "scarlett-gen1-18i8") {
        p = {"18i8",
             8,
             8,
             2,
             8,
             8,
             18,
             {"Monitor", "Headphone 1", "Headphone 2", "SPDIF"},
             {{1, K::Impedance},
              {1, K::Pad},
              {2, K::Impedance},
              {2, K::Pad},
              {3, K::Pad},
              {4, K::Pad}}};
    } else if (id == "scarlett-gen1-18i20") {
        p = {"18i20",
             20,
             8,
             2,
             8,
             8,
             18,
             {"Monitor", "Line 3/4", "Line 5/6", "Line 7/8", "Line 9/10", "SPDIF", "ADAT 1/2",
              "ADAT 3/4", "ADAT 5/6", "ADAT 7/8"},
             {}};
    } else {
        throw std::invalid_argument("no 1st Gen parameters for model " + id);
    }
    return p;
}

/* ALSA element names hold at most 43 characters; longer ones are cut. */
std::string ElementName(std::string name) {
    constexpr size_t MAX_NAME = 43;
    if (name.size() > MAX_NAME) name.resize(MAX_NAME);
    return name;
}

/* Volumes: 0..134 is -128..+6 dB in 1 dB steps (DB_SCALE, no mute). */
constexpr long long VOLUME_MAX = 134;
constexpr long long ZERO_DB = 128;

StateControl& Volume(Builder& b, const std::string& name, unsigned count, long long value) {
    auto& control =
        b.Int(ElementName(name), 0, VOLUME_MAX, value, {"read", "write"}, "MIXER", count);
    control.tlv = {TLV_DB_SCALE, 8, static_cast<std::uint32_t>(-12800), 100};
    control.dbmin = -12800;
    control.dbmax = -12800 + VOLUME_MAX * 100;
    UpdateDbValues(control);
    return control;
}

}  // namespace

StateBlock GenerateGen1(const Model& model, const EraFeatures& era) {
    Gen1Params p = ParamsFor(model.id);
    Builder b("USB");

    std::vector<std::string> sources = {"Off"};
    for (unsigned i = 1; i <= p.pcm; ++i) sources.push_back(Format("PCM %u", i));
    for (unsigned i = 1; i <= p.analogue; ++i) sources.push_back(Format("Analog %u", i));
    for (unsigned i = 1; i <= p.spdif; ++i) sources.push_back(Format("SPDIF %u", i));
    for (unsigned i = 1; i <= p.adat; ++i) sources.push_back(Format("ADAT %u", i));
    // The matrix inputs cannot take the mixes' own outputs.
    std::vector<std::string> matrix_sources = sources;
    for (unsigned i = 0; i < p.mixes; ++i) sources.push_back("Mix " + MixLetter(i));

    // USB-audio's controls: channel maps, then the clock entities (an extension unit first).
    UsbAudioParams usb;
    usb.playback_channels = p.pcm;
    usb.capture_channels = p.captures;
    UsbAudioParams chmaps_only = usb;
    AddUsbAudioControls(b, chmaps_only, era);
    b.Bool("Extension Unit Switch");
    UsbAudioParams clocks;
    clocks.clocks = {"Internal", "S/PDIF"};
    if (p.adat) clocks.clocks.push_back("ADAT");
    clocks.selector_name = "Scarlett " + p.short_name + " USB-Sync Clock Source";
    AddUsbAudioControls(b, clocks, EraFeatures{});
    b.Bool("Extension Unit Switch").index = 1;

    b.Bool("Master Playback Switch", true);
    Volume(b, "Master Playback Volume", 1, ZERO_DB);
    for (unsigned bus = 0; bus < p.buses.size(); ++bus) {
        const char* label = p.buses[bus].c_str();
        auto& onoff = b.Add("MIXER", Format("Master %u (%s) Playback Switch", bus + 1, label),
                            "BOOLEAN", 2, {"read", "write"});
        onoff.values = {"true", "true"};
        Volume(b, Format("Master %u (%s) Playback Volume", bus + 1, label), 2, ZERO_DB);
        for (const char* side : {"L", "R"}) {
            unsigned pcm = 2 * bus + (side[0] == 'L' ? 1 : 2);
            b.Enum(
                ElementName(Format("Master %u%s (%s) Source Playback Enum", bus + 1, side, label)),
                sources, pcm <= p.pcm ? Format("PCM %u", pcm) : "Off");
        }
    }
    for (const auto& [input, kind] : p.inputs) {
        switch (kind) {
            case InputKind::Impedance:
                b.Enum(Format("Input %u Impedance Switch", input), {"Line", "Hi-Z"}, "Line");
                break;
            case InputKind::Pad:
                b.Enum(Format("Input %u Pad Switch", input), {"0dB", "-10dB"}, "0dB");
                break;
            case InputKind::Gain:
                b.Enum(Format("Input %u Gain Switch", input), {"Lo", "Hi"}, "Lo");
                break;
        }
    }
    constexpr unsigned MATRIX_INPUTS = 18;
    for (unsigned input = 1; input <= MATRIX_INPUTS; ++input) {
        b.Enum(Format("Matrix %02u Input Playback Route", input), matrix_sources,
               input < matrix_sources.size() ? matrix_sources[input] : "Off");
        for (unsigned mix = 0; mix < p.mixes; ++mix)
            Volume(b, Format("Matrix %02u Mix %s Playback Volume", input, MixLetter(mix).c_str()),
                   1, 0);
    }
    for (unsigned capture = 1; capture <= p.captures; ++capture) {
        std::string analogue = Format("Analog %u", capture);
        bool exists = capture <= p.analogue;
        b.Enum(Format("Input Source %02u Capture Route", capture), sources,
               exists ? analogue : "Off");
    }
    b.Enum("Sample Clock Source", {"Internal", "SPDIF", "ADAT"}, "Internal");
    b.Enum("Sample Clock Sync Status", {"No Lock", "Locked"}, "Locked", {"read", "volatile"});
    return b.Take();
}

}  // namespace Sim::ModelsDetail
