// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

#include "daemon/core/StateCache.hpp"

namespace Core {

/** Why a control cannot be written now, as far as the device's other controls tell
 *  (issue 14: "r-" alone does not say that the monitor knob owns a volume). */
struct NotWritable {
    /* "locked", "inactive", "hardware_control", "speaker_switching", "autogain",
     * "read_only" */
    std::string reason;
    std::string message;
    /* The control whose value makes it so, when there is one. */
    std::optional<std::string> control;
};

/** Null when @p control is writable now. */
std::optional<NotWritable> WhyNotWritable(const Device& device, const Alsa::Control& control);

}  // namespace Core
