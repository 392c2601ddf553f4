// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace Alsa {

/** Why alsa-utils will overwrite a card's own settings when it is plugged in. */
struct RestoreConflict {
    std::string rule;   // the active 90-alsa-restore.rules (path below the root)
    std::string state;  // the state file holding a block for the card
};

/**
 * Whether plugging the card with ALSA id @p card_id makes alsa-utils re-apply a
 * stored state: udev's 90-alsa-restore.rules runs `alsactl restore <card>` on every
 * plug, and /var/lib/alsa/asound.state holds a `state.<card_id>` block. The rule is
 * looked up as udev does (/etc, /run, /usr/local/lib, /usr/lib, /lib: the first file
 * of that name wins) and counts as masked when that file is empty or a symlink to
 * /dev/null, or no longer runs alsactl. A pure function of the files below @p root
 * ("/" on a real system), so tests build a fake root.
 */
std::optional<RestoreConflict> FindRestoreConflict(const std::filesystem::path& root,
                                                   const std::string& card_id);

}  // namespace Alsa
