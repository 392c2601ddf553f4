// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace Cli {

/**
 * Turns a CONTROL argument into a protocol control reference (protocol §3):
 *   "125"                          -> 125 (numid)
 *   "Mic Capture Volume"           -> "Mic Capture Volume" (index 0)
 *   "Mic Capture Volume,1"         -> {"name": ..., "index": 1}
 *   "numid=125"                    -> {"numid": 125}
 *   "name='Mic Volume',index=1,iface=mixer" -> {"name", "index", "iface"}
 * Throws UsageError for an empty or malformed reference.
 */
nlohmann::json ParseControlRef(std::string_view text);

/** @p text in ASCII lower case: names and words are matched without regard to case. */
std::string Lower(std::string_view text);

}  // namespace Cli
