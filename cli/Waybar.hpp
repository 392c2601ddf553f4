// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/Client.hpp"
#include "cli/Commands.hpp"
#include "cli/Options.hpp"

namespace Cli {

/**
 * The waybar custom-module object ("return-type": "json") for one control:
 * text, tooltip, class, alt (same as class, for format-icons) and percentage.
 * @p control is the full form from controls.get, values possibly updated from
 * notifications; nullptr when it is offline (device unplugged, control gone,
 * daemon unreachable), then @p reference names it in the tooltip.
 * class: "muted" (a switch named *Mute* that is on, or a level at its dB mute),
 * "on"/"off" (a switch's value; a level above/at its minimum; an item other than/
 * named "Off"), "offline". The first channel decides class and percentage. Pure.
 */
nlohmann::json FormatWaybar(const nlohmann::json* control, std::string_view device,
                            std::string_view reference);

/**
 * watch --waybar CONTROL: one line now (from controls.get), then one per change of
 * CONTROL (repeats suppressed), an "offline" line while its device is unplugged, and
 * one before exiting when the daemon goes away. Returns when @p environment asks to
 * stop. Throws DaemonError (e.g. no such control) or std::runtime_error.
 */
void RunWaybar(const Options& options, Client& client, std::ostream& out,
               const Environment& environment);

}  // namespace Cli
