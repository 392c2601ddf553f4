// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace Cli {

/**
 * Turns a VALUE argument into the value part of a controls.set change (protocol §4):
 * {"value": ...}, {"db": ...}, {"step": ...}, {"db_step": ...} or {"toggle": true}.
 * @p control is the control's full form from controls.get (type, items, min/max,
 * step), or nullptr when unknown.
 * Numbers (integer controls): "160", "-6dB" (a level in dB), "50%" (of the raw range:
 * min + (max-min)*p/100, rounded), "min", "max"; relative: "+3" or "3+" (raw steps),
 * "3-", "+1dB"/"1dB+", "1dB-", "+5%"/"5%-" (a share of the range, in steps).
 * A leading '-' is always part of an absolute number.
 * One comma-separated item sets every channel; several give one per channel.
 * Text that does not fit the type is passed on as a string so that scarlettd's
 * value.invalid error (with the valid range or items) reaches the user.
 * Throws UsageError for an empty value, a bad dB, percentage or step, a percentage
 * outside 0..100 or on a control without a range, or channels of different kinds.
 */
nlohmann::json ParseValue(std::string_view text, const nlohmann::json* control);

}  // namespace Cli
