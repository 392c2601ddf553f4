// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/core/NotWritable.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace Core {

namespace {

std::string ItemOf(const Alsa::Control& c) {
    if (c.info.type != Alsa::ElemType::Enumerated || c.value.numbers.empty()) return {};
    const int64_t i = c.value.numbers[0];
    return i >= 0 && static_cast<size_t>(i) < c.info.items.size()
               ? c.info.items[static_cast<size_t>(i)]
               : std::string();
}

/** NN of "Line NN …" (a line output's volume or mute), 0 for anything else. */
int LineNumber(const std::string& name) {
    if (name.compare(0, 5, "Line ") != 0 || name.size() < 8 ||
        !std::isdigit(static_cast<unsigned char>(name[5])) ||
        !std::isdigit(static_cast<unsigned char>(name[6])))
        return 0;
    if (!name.ends_with(" Playback Volume") && !name.ends_with(" Mute Playback Switch")) return 0;
    return std::atoi(name.c_str() + 5);
}

}  // namespace

std::optional<NotWritable> WhyNotWritable(const Device& device, const Alsa::Control& control) {
    const auto& access = control.info.access;
    const std::string& name = control.info.id.name;
    if (access.IsWritable()) return std::nullopt;
    if (access.locked)
        return NotWritable{"locked", "another program locked it (snd_ctl_elem_lock)", {}};
    if (access.inactive) return NotWritable{"inactive", "the driver made it inactive for now", {}};

    /* scarlett2 (2nd/3rd Gen, Clarett): a line switched to HW follows the monitor knob
     * and the Mute button; its own volume and mute are read-only mirrors. */
    if (const int line = LineNumber(name)) {
        char hw_sw[64];
        std::snprintf(hw_sw, sizeof hw_sw, "Line Out %02d Volume Control Playback Enum", line);
        if (const auto* sw = device.FindByName(hw_sw); sw && ItemOf(*sw) == "HW")
            return NotWritable{"hardware_control",
                               "it follows the front panel's monitor knob and Mute button ('" +
                                   std::string(hw_sw) + "' is HW)",
                               hw_sw};
    }
    if (name.starts_with("Line Out ") && name.ends_with(" Volume Control Playback Enum"))
        if (const auto* ss = device.FindByName("Speaker Switching Playback Enum");
            ss && !ItemOf(*ss).empty() && ItemOf(*ss) != "Off")
            return NotWritable{"speaker_switching",
                               "speaker switching is on ('Speaker Switching Playback Enum' is " +
                                   ItemOf(*ss) + "): the monitor lines stay HW",
                               "Speaker Switching Playback Enum"};

    /* 4th Gen and Vocaster: while autogain runs, the inputs' settings are not writable. */
    if (name.starts_with("Line In ") || name.starts_with("Input Select") ||
        name.find("Autogain") != std::string::npos)
        for (const auto& [numid, c] : device.controls)
            if (c.info.id.name.starts_with("Line In ") &&
                c.info.id.name.ends_with(" Autogain Capture Switch") && !c.value.numbers.empty() &&
                c.value.numbers[0] != 0)
                return NotWritable{"autogain",
                                   "autogain is running ('" + c.info.id.name +
                                       "' is on); writable again when it ends",
                                   c.info.id.name};

    return NotWritable{"read_only", "the driver takes no writes to it", {}};
}

}  // namespace Core
