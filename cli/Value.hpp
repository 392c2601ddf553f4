// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace Cli {

/**
 * Turns a VALUE argument into the value part of a controls.set change (protocol §4):
 * {"value": ...}, {"db": ...} or {"toggle": true}. @p control is the control's full
 * form from controls.get (type, items, min/max), or nullptr when unknown.
 * One comma-separated item sets every channel; several give one per channel.
 * Text that does not fit the type is passed on as a string so that scarlettd's
 * value.invalid error (with the valid range or items) reaches the user.
 * Throws UsageError for an empty value or a mix of dB and raw values.
 */
nlohmann::json ParseValue(std::string_view text, const nlohmann::json* control);

}  // namespace Cli
