// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Sim::DeviceDetail {

class Controls;

/* A line output of the scarlett2 driver ("Line 01 (Monitor L) Playback Volume", ...). */
struct Line {
    std::optional<std::size_t> volume, mute, hw_switch;
};

/* The per-input controls ("Line In N ..."), whichever the model has. */
struct Input {
    std::optional<std::size_t> level, pad, air, mute, gain, autogain, status, safe, link, dsp;
    std::optional<std::size_t> phantom;  // may be shared by a group ("Line In 1-4 ...")
};

/* A signal source as the routing enums name it: ("analogue", 1), ("mix", 'A'), ... */
using Source = std::pair<std::string, unsigned>;

/** Which control plays which part on this model; indexes into the Controls. */
struct Layout {
    bool gen1 = false;        // mixer_scarlett.c: no front-panel notifications
    bool fcp = false;         // big 4th Gen: fcp-server's user controls
    bool gen4_style = false;  // Gen 4 small / Vocaster: per-kind notification groups

    std::map<unsigned, Line> lines;
    std::map<unsigned, Input> inputs;
    std::optional<std::size_t> master, headphone, mute, dim, speaker, talkback, talkback_enable,
        sync, input_select, direct_monitor, power_status, bluetooth, pcm_input_switch, meter,
        mean_target, hot_target;
    std::map<unsigned, std::size_t> talkback_mix;  // by mix letter
    std::vector<std::size_t> autogain_targets;
    std::vector<std::size_t> input_dsp;           // compressor and filter settings of the inputs
    std::vector<std::size_t> routes;              // mux destinations, in order
    std::map<Source, std::size_t> route_by_dest;  // ("mixer", n), ("dsp", n)
    std::map<std::pair<unsigned, unsigned>, std::size_t> mix_gains;  // (letter, input)
    std::vector<Source> sources;                                     // routing items but "Off"
    std::map<std::size_t, std::vector<Source>> route_items;          // each route's, parsed
    unsigned talkback_input = 0;  // analogue input of the talkback mic

    bool HasAutogain() const;
};

/** Finds the controls by the names the drivers (and fcp-server) give them. */
Layout ScanLayout(const Controls& controls);

inline bool Is(std::optional<std::size_t> slot, std::size_t index) {
    return slot && *slot == index;
}

}  // namespace Sim::DeviceDetail
