// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/Client.hpp"
#include "cli/Options.hpp"

namespace Cli {

/*
 * scarlettctl name and link: the daemon controls of protocol 1.1 §3 (iface "daemon"),
 * named as alsa-scarlett-gui names them: "Name" (the device), "<PORT> Name" and
 * "<PAIR> Name" (text), "<PAIR> Link" (boolean), a PAIR being "<PORTS> <a>-<b>".
 */

/** A name is a text value of at most this many bytes (protocol 1.1 §3). */
constexpr size_t MAX_NAME_BYTES = 128;

/** name [PORT [NEWNAME]], name --clear PORT. Throws DaemonError, UsageError. */
void RunName(const Options& options, Client& client, std::ostream& out);

/** link [PAIR [on|off|toggle]]. Throws DaemonError, UsageError. */
void RunLink(const Options& options, Client& client, std::ostream& out);

/** The mistakes found without scarlettd: an empty PORT or PAIR, a NEWNAME over
 *  MAX_NAME_BYTES, a link state other than on/off/toggle. Throws UsageError. */
void CheckNameArgs(const Options& options);

/** A link state: true (on, true, yes, 1), false (off, false, no, 0), nullopt for
 *  toggle; case-insensitive. Throws UsageError. */
std::optional<bool> ParseLinkState(const std::string& text);

/** The Name control of @p port: "Name" for "device", else "<PORT> Name". */
std::string NameControlOf(const std::string& port);

/**
 * The Link control among @p controls (a controls.list result's) of @p argument: a
 * PAIR ("Analogue Out 1-2") or either of its ports ("Analogue Out 1", "Analogue Out
 * 2"). nullptr when none.
 */
const nlohmann::json* FindLink(const nlohmann::json& controls, const std::string& argument);

/** Name and Link controls (of a controls.list/get/set result) as PORT/PAIR and value
 *  rows; @p header: with the PORT NAME or PAIR LINK line, for the listings. */
std::string FormatNames(const nlohmann::json& result, bool header);
std::string FormatLinks(const nlohmann::json& result, bool header);

}  // namespace Cli
