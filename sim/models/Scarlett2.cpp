// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The scarlett2 driver's controls (Gen 2, Gen 3, Gen 4 Solo/2i2/4i4, Clarett USB,
 * Clarett+, Vocaster), built from per-model parameters in the driver's creation order.
 */
#include "sim/models/Builder.hpp"
#include "sim/models/Scarlett2Params.hpp"

namespace Sim::ModelsDetail {

namespace {

using Scarlett2::Autogain;
using Scarlett2::DigitalMode;
using Scarlett2::Params;
using Scarlett2::Ports;

const std::vector<std::string> RW = {"read", "write"};
const std::vector<std::string> RO = {"read"};

void AddOutputs(Builder& b, const Params& p) {
    constexpr long long VOLUME_MAX = 127;
    auto volume = [&](const std::string& name, long long value, std::vector<std::string> access) {
        auto& control = b.Int(name, 0, VOLUME_MAX, value, std::move(access));
        Builder::DbMinMax(control, -VOLUME_MAX * 100, 0);
    };
    if (p.hw_sw) volume("Master HW Playback Volume", VOLUME_MAX, RO);
    if (p.ro_master_headphone) {
        volume("Master HW Playback Volume", VOLUME_MAX, RO);
        volume("Headphone Playback Volume", VOLUME_MAX, RO);
    }
    if (p.line_volumes) {
        for (unsigned i = 0; i < p.lines.size(); ++i) {
            unsigned line = i + 1;
            // The monitor pair follows the front-panel knob from the factory.
            bool hw = p.hw_sw && line <= 2;
            std::string name = p.lines[i].empty() ? Format("Line %02u Playback Volume", line)
                                                  : Format("Line %02u (%s) Playback Volume", line,
                                                           p.lines[i].c_str());
            volume(name, VOLUME_MAX, RW);
            b.Bool(Format("Line %02u Mute Playback Switch", line));
            if (p.hw_sw)
                b.Enum(Format("Line Out %02u Volume Control Playback Enum", line), {"SW", "HW"},
                       hw ? "HW" : "SW");
        }
    }
    if (p.hw_sw) {
        b.Bool("Mute Playback Switch");
        b.Bool("Dim Playback Switch");
    }
    if (p.vocaster_headphones) {
        b.Bool("Speaker Mute Playback Switch");
        if (p.vocaster_headphones == 1)
            b.Bool("Headphones Mute Playback Switch");
        else
            for (unsigned i = 1; i <= p.vocaster_headphones; ++i)
                b.Bool(Format("Headphones %u Mute Playback Switch", i));
    }
}

void AddVocasterDsp(Builder& b, unsigned input) {
    auto name = [&](const char* what) { return Format("Line In %u %s", input, what); };
    b.Bool(name("DSP Capture Switch"));
    b.Bool(name("Compressor Enable"), false, RW, "CARD");
    b.Int(name("Compressor Threshold"), -40, 0, -20, RW, "CARD");
    b.Int(name("Compressor Ratio"), 2, 100, 4, RW, "CARD");
    b.Int(name("Compressor Knee Width"), 0, 10, 3, RW, "CARD");
    b.Int(name("Compressor Attack"), 30, 127, 30, RW, "CARD");
    b.Int(name("Compressor Release"), 30, 127, 100, RW, "CARD");
    b.Int(name("Compressor Makeup Gain"), 0, 24, 0, RW, "CARD");
    b.Bool(name("Pre-Comp Filter Enable"), false, RW, "CARD");
    b.Bool(name("PEQ Filter Enable"), false, RW, "CARD");
    // A pass-through biquad: b0 = 1.0 in the device's 2.30 fixed point, the rest 0.
    auto coefficients = [&](const std::string& what) {
        auto& control = b.Int(name(what.c_str()), -2147483648LL, 2147483647LL, 0, RW, "CARD", 5);
        control.values[0] = "268435456";
    };
    coefficients("Pre-Comp Coefficients 1");
    coefficients("Pre-Comp Coefficients 2");
    coefficients("PEQ Coefficients 1");
    coefficients("PEQ Coefficients 2");
    coefficients("PEQ Coefficients 3");
}

void AddGainBlock(Builder& b, const Params& p, const EraFeatures& era, unsigned input) {
    auto& gain = b.Int(Format("Line In %u Gain Capture Volume", input), 0, 70, 0);
    if (era.gen4_preview)
        Builder::DbMinMax(gain, -7000, 0);
    else
        Builder::DbMinMax(gain, 0, p.autogain == Autogain::Vocaster ? 7000 : 6900);
    b.Bool(Format("Line In %u Autogain Capture Switch", input));
    std::vector<std::string> status;
    if (era.gen4_preview)
        status = {"Stopped", "Running", "Failed", "Cancelled", "Unknown"};
    else if (p.autogain == Autogain::Vocaster)
        status = {"Running",    "Success",    "FailPG",    "FailRange",
                  "WarnMaxCap", "WarnMinCap", "Cancelled", "Invalid"};
    else
        status = {"Running",          "Success",     "SuccessDRover",
                  "WarnMinGainLimit", "FailDRunder", "FailMaxGainLimit",
                  "FailClipped",      "Cancelled",   "Invalid"};
    b.Enum(Format("Line In %u Autogain Status Capture Enum", input), status, status[1], RO);
    if (era.gen4_preview && p.safe) b.Bool(Format("Line In %u Safe Capture Switch", input));
}

void AddInputs(Builder& b, const Params& p, const EraFeatures& era) {
    for (unsigned input : p.level)
        b.Enum(Format("Line In %u Level Capture Enum", input), {"Line", "Inst"}, "Line");
    for (unsigned i = 1; i <= p.pad; ++i) b.Bool(Format("Line In %u Pad Capture Switch", i));
    for (unsigned i = 0; i < p.air; ++i) {
        unsigned input = p.air_first + i;
        if (p.air_enum)
            b.Enum(Format("Line In %u Air Capture Enum", input),
                   {"Off", "Presence", "Presence + Drive"}, "Off");
        else
            b.Bool(Format("Line In %u Air Capture Switch", input));
    }
    for (unsigned i = 1; i <= p.dsp_inputs; ++i) AddVocasterDsp(b, i);
    for (unsigned i = 1; i <= p.input_mute; ++i)
        b.Bool(Format("Line In %u Mute Capture Switch", i));
    for (const auto& inputs : p.phantom)
        b.Bool("Line In " + inputs + " Phantom Power Capture Switch");
    if (p.phantom_persistence) b.Bool("Phantom Power Persistence Capture Switch");
    if (p.input_select) {
        std::vector<std::string> items;
        for (unsigned i = 1; i <= p.gain; ++i) items.push_back(Format("Input %u", i));
        b.Enum("Input Select Capture Enum", items, items.front());
    }
    if (era.gen4_preview && p.autogain == Autogain::Gen4) {
        // The preview driver grouped gain, autogain and safe per input, then one link switch.
        AddGainBlock(b, p, era, 1);
        if (p.link) b.Bool("Line In 1-2 Link Capture Switch");
        for (unsigned i = 2; i <= p.gain; ++i) AddGainBlock(b, p, era, i);
        return;
    }
    for (unsigned i = 1; i <= p.link; ++i) b.Bool(Format("Line In %u Link Capture Switch", i));
    for (unsigned i = 1; i <= p.gain; ++i) AddGainBlock(b, p, era, i);
    auto target = [&](const char* name) {
        auto& control = b.Int(name, -30, 0, -18, RW, "CARD");
        Builder::DbMinMax(control, -3000, 0);
    };
    if (p.autogain == Autogain::Vocaster) target("Autogain Hot Target");
    if (p.autogain == Autogain::Gen4) {
        target("Autogain Mean Target");
        target("Autogain Peak Target");
    }
    for (unsigned i = 1; i <= p.safe; ++i) b.Bool(Format("Line In %u Safe Capture Switch", i));
    if (p.pcm_input_switch) b.Enum("PCM Input Capture Switch", {"Direct", "Mixer"}, "Direct");
}

std::vector<std::string> MuxSources(const Ports& ports) {
    std::vector<std::string> items = {"Off"};
    for (unsigned i = 1; i <= ports.analogue_in; ++i) items.push_back(Format("Analogue %u", i));
    for (unsigned i = 1; i <= ports.spdif_in; ++i) items.push_back(Format("S/PDIF %u", i));
    for (unsigned i = 1; i <= ports.adat_in; ++i) items.push_back(Format("ADAT %u", i));
    for (unsigned i = 0; i < ports.mix_src - ports.dsp; ++i) items.push_back("Mix " + MixLetter(i));
    for (unsigned i = 1; i <= ports.dsp; ++i) items.push_back(Format("DSP %u", i));
    for (unsigned i = 1; i <= ports.pcm_in; ++i) items.push_back(Format("PCM %u", i));
    return items;
}

void AddRouting(Builder& b, const Params& p) {
    const Ports& ports = p.ports;
    auto items = MuxSources(ports);
    // Factory routing: outputs from PCM playback, capture from inputs, mixer unused.
    auto source = [&](const std::string& wanted) {
        for (const auto& item : items)
            if (item == wanted) return item;
        return items.front();
    };
    for (unsigned i = 1; i <= ports.analogue_out; ++i)
        b.Enum(Format("Analogue Output %02u Playback Enum", i), items, source(Format("PCM %u", i)));
    for (unsigned i = 1; i <= ports.spdif_out; ++i)
        b.Enum(Format("S/PDIF Output %u Playback Enum", i), items,
               source(Format("PCM %u", ports.analogue_out + i)));
    for (unsigned i = 1; i <= ports.adat_out; ++i)
        b.Enum(Format("ADAT Output %u Playback Enum", i), items,
               source(Format("PCM %u", ports.analogue_out + ports.spdif_out + i)));
    for (unsigned i = 1; i <= ports.mix_dst - ports.dsp; ++i)
        b.Enum(Format("Mixer Input %02u Capture Enum", i), items, "Off");
    for (unsigned i = 1; i <= ports.dsp; ++i)
        b.Enum(Format("DSP Input %u Capture Enum", i), items, source(Format("Analogue %u", i)));
    for (unsigned i = 1; i <= ports.pcm_out; ++i)
        b.Enum(Format("PCM %02u Capture Enum", i), items, source(Format("Analogue %u", i)));
}

void AddMixVolume(Builder& b, const std::string& name, const EraFeatures& era) {
    auto& control = b.Int(name, 0, era.mixer_max, 0);
    Builder::DbMinMax(control, -8000, era.mixer_max == 172 ? 600 : 1200);
}

}  // namespace

StateBlock GenerateScarlett2(const Model& model, const EraFeatures& era, bool msd_switch) {
    Params p = Scarlett2::ParamsFor(model.id);
    const Ports& ports = p.ports;
    Builder b(p.card_id);

    UsbAudioParams usb;
    usb.playback_channels = ports.pcm_in;
    usb.capture_channels = ports.pcm_out;
    usb.clocks = {ports.spdif_in || ports.adat_in ? "Internal" : p.single_clock};
    if (model.id == "scarlett-gen3-4i4" && era.old_era) usb.clocks = {"USB Internal"};
    if (ports.spdif_in) usb.clocks.push_back("S/PDIF");
    if (ports.adat_in) usb.clocks.push_back("ADAT");
    AddUsbAudioControls(b, usb, era);

    if (era.firmware_controls) {
        b.Int("Firmware Version", 0, 0, 0, RO, "CARD", 1, 0);
        b.Int("Minimum Firmware Version", 0, 0, 0, RO, "CARD", 1, 0);
    }
    if (p.msd && (msd_switch || era.msd_always)) b.Bool("MSD Mode Switch");
    AddOutputs(b, p);
    AddInputs(b, p, era);
    if (p.has_mixer) {
        AddRouting(b, p);
        unsigned mix_out = ports.mix_src - ports.dsp;
        unsigned mix_in = ports.mix_dst - ports.dsp;
        for (unsigned mix = 0; mix < mix_out; ++mix)
            for (unsigned input = 1; input <= mix_in; ++input)
                AddMixVolume(
                    b, Format("Mix %s Input %02u Playback Volume", MixLetter(mix).c_str(), input),
                    era);
        unsigned meters =
            ports.analogue_out + ports.spdif_out + ports.adat_out + ports.mix_dst + ports.pcm_out;
        auto& meter = b.Int("Level Meter", 0, 4095, 0, {"read", "volatile"}, "PCM", meters);
        (void)meter;
        b.Enum("Sync Status", {"Unlocked", "Locked"}, "Locked", RO);
    }
    if (p.direct_monitor == 1) b.Bool("Direct Monitor Playback Switch");
    if (p.direct_monitor == 2)
        b.Enum("Direct Monitor Playback Enum", {"Off", "Mono", "Stereo"}, "Off");
    if (p.monitor_mix) {
        unsigned mix_in = ports.mix_dst - ports.dsp;
        std::vector<std::string> prefixes =
            p.direct_monitor == 1 ? std::vector<std::string>{"Monitor "}
                                  : std::vector<std::string>{"Monitor 1 ", "Monitor 2 "};
        for (const auto& prefix : prefixes)
            for (unsigned mix = 0; mix < 2; ++mix)
                for (unsigned input = 1; input <= mix_in; ++input)
                    AddMixVolume(b,
                                 prefix + Format("Mix %s Input %02u Playback Volume",
                                                 MixLetter(mix).c_str(), input),
                                 era);
    }
    if (p.speaker_switching)
        b.Enum("Speaker Switching Playback Enum", {"Off", "Main", "Alt"}, "Off");
    if (p.talkback) {
        b.Enum("Talkback Playback Enum", {"Disabled", "Off", "On"}, "Disabled");
        for (unsigned mix = 0; mix < ports.mix_src - ports.dsp; ++mix)
            b.Bool("Talkback Mix " + MixLetter(mix) + " Playback Switch");
    }
    if (p.standalone && era.standalone) b.Bool("Standalone Switch");
    if (p.power_status)
        b.Enum("Power Status Card Enum", {"External", "Bus", "Fail"}, "Bus", RO, "CARD");
    if (p.bluetooth) b.Int("Bluetooth Capture Volume", 0, 30, 0);
    switch (era.digital_mode ? p.digital : DigitalMode::None) {
        case DigitalMode::None:
            break;
        case DigitalMode::SpdifMode:
            b.Enum("S/PDIF Mode Capture Enum", {"RCA", "Optical"}, "RCA");
            break;
        case DigitalMode::DigitalIoMode:
            b.Enum("Digital I/O Mode Capture Enum", {"S/PDIF RCA", "S/PDIF Optical", "Dual ADAT"},
                   "S/PDIF RCA");
            break;
        case DigitalMode::SpdifSource:
            b.Enum("S/PDIF Source Capture Enum", {"None", "Optical", "RCA"}, "None");
            break;
    }
    return b.Take();
}

}  // namespace Sim::ModelsDetail
