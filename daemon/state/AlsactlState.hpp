// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/state/PresetCodec.hpp"

namespace State {

/** What a file of `alsactl store` gives a preset load: its writable controls as
 *  preset entries, and those it cannot carry, with why. */
struct ImportedState {
    Preset preset;
    /** {name, reason}: bytes and IEC958 values, and controls with an index above 0
     *  (presets name controls by name alone). */
    std::vector<std::pair<std::string, std::string>> skipped;
};

/**
 * The first card block of an alsactl `.state` file (alsa-scarlett-gui's File→Save
 * writes one block with `alsactl store -f`) as a preset: every control the card
 * reported writable, its values joined by `,` in the preset encoding (booleans
 * true/false, enumerated by label, integers in raw units). Throws KeyFileError with
 * the line of a syntax error, and for a file with no card block.
 */
ImportedState ImportAlsactlState(std::string_view text);

}  // namespace State
