// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/Client.hpp"
#include "cli/Options.hpp"

namespace Cli {

/** scarlettctl configure: devices.configure with what was given, or the settings
 *  shown when nothing was. Throws DaemonError, UsageError. */
void RunConfigure(const Options& options, Client& client, std::ostream& out);

/** A guard's VALUE as the protocol takes it: on/off/true/false/yes/no are booleans,
 *  a whole number a number, anything else an item label. */
nlohmann::json GuardValue(const std::string& text);

/** A Device's nickname and settings in words, one line each. */
std::string FormatSettings(const nlohmann::json& device);

}  // namespace Cli
