// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Human-readable text for daemon results, notifications and errors. Pure functions:
 * they never throw on missing or oddly typed fields, since the daemon may add fields
 * and older daemons may lack some. Strings are printed as they are (U+FFFD included);
 * only C0 control characters are replaced, so a name cannot drive the terminal.
 */

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace Cli {

/** Columns a UTF-8 string takes on a terminal (one per code point). */
size_t DisplayWidth(std::string_view utf8) noexcept;

/** @p text with C0 control characters and DEL replaced by '?': safe on a terminal. */
std::string CleanText(std::string_view text);

/** "1 device", "3 devices": @p count and @p noun, plural unless the count is 1. */
std::string Counted(const nlohmann::json& count, const std::string& noun);

/** Aligns @p rows (the first one is the header) in columns, one line each. */
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

/** A dB number: "-6", "-80", "0.5"; null (mute) is "-inf". */
std::string FormatDb(const nlohmann::json& db);

/** A control's value as the user would type it: "160,150", "on", "Analogue 1". */
std::string FormatValue(const nlohmann::json& control);

/** "rw", "r-", plus why it is not writable and "volatile": "r- locked". */
std::string FormatAccess(const nlohmann::json& control);

/** "'Mic Capture Volume'" or "'Mic Capture Volume',1" (index shown when not 0). */
std::string FormatControlName(const nlohmann::json& control);

/** The devices.list result as a table. */
std::string FormatDevices(const nlohmann::json& result);

/** The controls.list result as a table. */
std::string FormatControls(const nlohmann::json& result);

/** One control (full form) in detail, several lines, for get. */
std::string FormatControlDetails(const nlohmann::json& control);

/** "'Name' = value", for the controls a set read back. */
std::string FormatControlLine(const nlohmann::json& control);

/** The daemon.info result. */
std::string FormatInfo(const nlohmann::json& result);

/** One line per change in a notification (watch). */
std::vector<std::string> FormatNotification(const nlohmann::json& notification);

/**
 * A JSON-RPC error object as one line: "<data.code>: <message>" plus what data adds
 * (valid range or items, field, reason, errno text, limit, changes already applied).
 */
std::string FormatDaemonError(const nlohmann::json& error);

}  // namespace Cli
