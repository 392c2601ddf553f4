// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* For the libasound users of sim/ (the plugin, scarlett-load-state): a state file's iface. */

#include <alsa/asoundlib.h>

#include <optional>
#include <string_view>

#include "sim/StateFile.hpp"

namespace Sim {

// Alsa::Iface lists the ifaces in the kernel's order, SNDRV_CTL_ELEM_IFACE_CARD to _LAST.
static_assert(static_cast<int>(Alsa::Iface::Card) == SND_CTL_ELEM_IFACE_CARD &&
              static_cast<int>(Alsa::Iface::Sequencer) == SND_CTL_ELEM_IFACE_LAST);

/** The snd_ctl iface an `iface` word of a state file names ("MIXER", ...), if any. */
inline std::optional<snd_ctl_elem_iface_t> SndIface(std::string_view word) {
    const auto iface = ParseStateIface(word);
    if (!iface) return std::nullopt;
    return static_cast<snd_ctl_elem_iface_t>(*iface);
}

}  // namespace Sim
