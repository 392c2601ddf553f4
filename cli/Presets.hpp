// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/Client.hpp"
#include "cli/Options.hpp"

namespace Cli {

/** scarlettctl preset list|save|load|diff|rm (protocol 1.1 presets.*). Throws
 *  DaemonError, UsageError. */
void RunPreset(const Options& options, Client& client, std::ostream& out);

/** The human forms of presets.list, presets.load and presets.diff results. */
std::string FormatPresetList(const nlohmann::json& result);
std::string FormatPresetLoad(const nlohmann::json& result);
std::string FormatPresetDiff(const nlohmann::json& result);

/** Whether a preset argument names a file (a path, or a .conf/.state name) rather
 *  than a preset. */
bool IsPresetFile(const std::string& argument);

}  // namespace Cli
