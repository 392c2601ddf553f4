// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Layout.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "sim/device/Controls.hpp"

namespace Sim::DeviceDetail {

namespace {

/*
 * Matches a control name against a driver's name format: "%d" is a decimal number,
 * "%c" one capital letter, "%s" any text. The numbers (letters as their character
 * code) are appended to @p fields.
 */
bool MatchFrom(std::string_view name, std::string_view format, std::vector<unsigned>& fields) {
    while (!format.empty()) {
        if (format.size() >= 2 && format[0] == '%') {
            const char kind = format[1];
            format.remove_prefix(2);
            if (kind == 'd') {
                std::size_t n = 0;
                while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n]))) ++n;
                if (n == 0 || n > 6) return false;
                unsigned value = 0;
                std::from_chars(name.data(), name.data() + n, value);
                fields.push_back(value);
                name.remove_prefix(n);
                continue;
            }
            if (kind == 'c') {
                if (name.empty() || name[0] < 'A' || name[0] > 'Z') return false;
                fields.push_back(static_cast<unsigned>(name[0]));
                name.remove_prefix(1);
                continue;
            }
            if (kind == 's') {
                for (std::size_t skip = 0; skip <= name.size(); ++skip) {
                    const std::size_t saved = fields.size();
                    if (MatchFrom(name.substr(skip), format, fields)) return true;
                    fields.resize(saved);
                }
                return false;
            }
            return false;
        }
        if (name.empty() || name[0] != format[0]) return false;
        name.remove_prefix(1);
        format.remove_prefix(1);
    }
    return name.empty();
}

bool MatchName(std::string_view name, std::string_view format, std::vector<unsigned>& fields) {
    const std::size_t saved = fields.size();
    if (MatchFrom(name, format, fields)) return true;
    fields.resize(saved);
    return false;
}

/* The per-input controls, in the order the names are tried; "%d-%d" names a group. */
struct InputControl {
    const char* format;
    std::optional<std::size_t> Input::*slot;
};
constexpr InputControl INPUT_CONTROLS[] = {
    {"Line In %d Level Capture Enum", &Input::level},
    {"Line In %d Pad Capture Switch", &Input::pad},
    {"Line In %d Air Capture Switch", &Input::air},
    {"Line In %d Air Capture Enum", &Input::air},
    {"Line In %d Phantom Power Capture Switch", &Input::phantom},
    {"Line In %d-%d Phantom Power Capture Switch", &Input::phantom},
    {"Line In %d Mute Capture Switch", &Input::mute},
    {"Line In %d Gain Capture Volume", &Input::gain},
    {"Line In %d Autogain Capture Switch", &Input::autogain},
    {"Line In %d Autogain Status Capture Enum", &Input::status},
    {"Line In %d Safe Capture Switch", &Input::safe},
    {"Line In %d Link Capture Switch", &Input::link},
    {"Line In %d-%d Link Capture Switch", &Input::link},
    {"Line In %d DSP Capture Switch", &Input::dsp},
};

bool MatchName(std::string_view name, std::string_view format) {
    std::vector<unsigned> ignored;
    return MatchName(name, format, ignored);
}

}  // namespace

bool Layout::HasAutogain() const {
    return std::any_of(inputs.begin(), inputs.end(),
                       [](const auto& in) { return in.second.autogain.has_value(); });
}

Layout ScanLayout(const Controls& controls) {
    const std::vector<StateControl>& all = controls.Definition().controls;
    Layout layout;
    auto source_of = [](std::string_view label) -> std::optional<Source> {
        static const std::pair<const char*, const char*> KINDS[] = {
            {"Analogue %d", "analogue"}, {"Analog %d", "analogue"}, {"S/PDIF %d", "spdif"},
            {"SPDIF %d", "spdif"},       {"ADAT %d", "adat"},       {"PCM %d", "pcm"},
            {"Mix %c", "mix"},           {"DSP %d", "dsp"},
        };
        std::vector<unsigned> f;
        for (const auto& [format, kind] : KINDS) {
            if (MatchName(label, format, f)) return Source{kind, f[0]};
        }
        return std::nullopt;
    };

    for (std::size_t i = 0; i < all.size(); ++i) {
        const std::string& name = all[i].name;
        if (name == "ESP Firmware Version" || MatchName(name, "Analogue %d Playback Enum") ||
            MatchName(name, "Mixer %d Capture Enum")) {
            layout.fcp = true;
        }
        if (name == "Sample Clock Source" || name == "Master Playback Switch" ||
            MatchName(name, "Matrix %d Mix %c Playback Volume")) {
            layout.gen1 = true;
        }
        if (MatchName(name, "DSP Input %d Capture Enum")) layout.gen4_style = true;
    }

    for (std::size_t i = 0; i < all.size(); ++i) {
        const StateControl& c = all[i];
        const std::string& n = c.name;
        std::vector<unsigned> f;
        auto is = [&](std::string_view format) {
            f.clear();
            return MatchName(n, format, f);
        };
        auto is_input = [&] {
            for (const auto& control : INPUT_CONTROLS) {
                if (!is(control.format)) continue;
                const unsigned last = f.size() == 2 ? f[1] : f[0];
                for (unsigned in = f[0]; in <= last && in < f[0] + 64; ++in) {
                    layout.inputs[in].*control.slot = i;
                }
                return true;
            }
            return false;
        };

        if (is("Line %d (%s) Playback Volume") || is("Line %d Playback Volume")) {
            layout.lines[f[0]].volume = i;
        } else if (is("Line %d Mute Playback Switch")) {
            layout.lines[f[0]].mute = i;
        } else if (is("Line Out %d Volume Control Playback Enum")) {
            layout.lines[f[0]].hw_switch = i;
        } else if (n == "Master HW Playback Volume" ||
                   (layout.fcp && n == "Master Playback Volume")) {
            layout.master = i;
        } else if (n == "Headphone Playback Volume") {
            layout.headphone = i;
        } else if (n == "Mute Playback Switch" || n == "Mute") {
            layout.mute = i;
        } else if (n == "Dim Playback Switch" || n == "Dim") {
            layout.dim = i;
        } else if (is_input()) {
        } else if (is("Line In %d Compressor %s") || is("Line In %d Pre-Comp %s") ||
                   is("Line In %d PEQ %s")) {
            layout.input_dsp.push_back(i);
        } else if (n == "Input Select Capture Enum") {
            layout.input_select = i;
        } else if (n == "Autogain Mean Target") {
            layout.mean_target = i;
            layout.autogain_targets.push_back(i);
        } else if (n == "Autogain Hot Target") {
            layout.hot_target = i;
            layout.autogain_targets.push_back(i);
        } else if (n == "Autogain Peak Target") {
            layout.autogain_targets.push_back(i);
        } else if (n == "Speaker Switching Playback Enum" ||
                   n == "Speaker Switching Alt Playback Switch") {
            layout.speaker = i;
        } else if (n == "Talkback Playback Enum" || n == "Talk Playback Switch") {
            layout.talkback = i;
        } else if (n == "Talkback Enable Playback Switch") {
            layout.talkback_enable = i;
        } else if (is("Talkback Mix %c Playback Switch")) {
            layout.talkback_mix[f[0]] = i;
        } else if (n == "Sync Status" || n == "Sample Clock Sync Status") {
            layout.sync = i;
        } else if (n == "Direct Monitor Playback Switch" || n == "Direct Monitor Playback Enum") {
            layout.direct_monitor = i;
        } else if (n == "Power Status Card Enum") {
            layout.power_status = i;
        } else if (n == "Bluetooth Capture Volume") {
            layout.bluetooth = i;
        } else if (n == "PCM Input Capture Switch") {
            layout.pcm_input_switch = i;
        } else if (n == "Level Meter") {
            layout.meter = i;
        } else if (is("Mix %c Input %d Playback Volume")) {
            layout.mix_gains[{f[0], f[1]}] = i;
        } else if (c.type == "ENUMERATED") {
            if (is("Mixer Input %d Capture Enum") || is("Mixer %d Capture Enum")) {
                layout.route_by_dest[{"mixer", f[0]}] = i;
                layout.routes.push_back(i);
            } else if (is("DSP Input %d Capture Enum")) {
                layout.route_by_dest[{"dsp", f[0]}] = i;
                layout.routes.push_back(i);
            } else if (is("Analogue Output %d Playback Enum") ||
                       is("S/PDIF Output %d Playback Enum") || is("ADAT Output %d Playback Enum") ||
                       is("PCM %d Capture Enum") || is("Analogue %d Playback Enum") ||
                       is("S/PDIF %d Playback Enum") || is("ADAT %d Playback Enum")) {
                layout.routes.push_back(i);
            }
        }
    }

    // The source list: a routing enum's items (the 1st Gen's capture routes have them too).
    std::optional<std::size_t> with_sources;
    if (!layout.routes.empty()) with_sources = layout.routes.front();
    if (!with_sources) with_sources = controls.Find("Input Source 01 Capture Route");
    if (with_sources) {
        for (const auto& item : all[*with_sources].items) {
            if (auto s = source_of(item)) layout.sources.push_back(*s);
        }
    }
    for (std::size_t r : layout.routes) {
        auto& parsed = layout.route_items[r];
        for (const auto& item : all[r].items) {
            parsed.push_back(source_of(item).value_or(Source{"off", 0}));
        }
    }
    // The 18i20 Gen 3's talkback microphone is its extra analogue source.
    if (layout.talkback && !layout.fcp) {
        for (const auto& s : layout.sources) {
            if (s.first == "analogue" && !layout.inputs.contains(s.second)) {
                layout.talkback_input = std::max(layout.talkback_input, s.second);
            }
        }
    }
    return layout;
}

}  // namespace Sim::DeviceDetail
