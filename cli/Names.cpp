// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Names.hpp"

#include <cctype>
#include <ostream>
#include <string_view>
#include <vector>

#include "cli/Commands.hpp"
#include "cli/Output.hpp"

namespace Cli {

namespace {

using nlohmann::json;

constexpr std::string_view DEVICE_PORT = "device";
constexpr std::string_view DEVICE_NAME = "Name";
constexpr std::string_view NAME_SUFFIX = " Name";
constexpr std::string_view LINK_SUFFIX = " Link";

/** By name and iface: a device control of the same name is never meant. */
json DaemonRef(const std::string& name) {
    return {{"name", name}, {"iface", "daemon"}};
}

const json& ControlsOf(const json& result) {
    static const json none = json::array();
    if (!result.is_object()) return none;
    const auto it = result.find("controls");
    return it != result.end() && it->is_array() ? *it : none;
}

std::string NameOf(const json& control) {
    if (!control.is_object()) return "";
    const auto it = control.find("name");
    return it != control.end() && it->is_string() ? it->get<std::string>() : "";
}

/** "Analogue In 1" of "Analogue In 1 Name"; nullopt for a control of another suffix. */
std::optional<std::string> Stem(const std::string& name, std::string_view suffix) {
    if (name.size() <= suffix.size() || !name.ends_with(suffix)) return std::nullopt;
    return name.substr(0, name.size() - suffix.size());
}

/** One row per control ending in @p suffix: the stem and the value ("-" when empty). */
std::string FormatRows(const json& result, std::string_view suffix,
                       std::vector<std::string> header) {
    std::vector<std::vector<std::string>> rows;
    if (!header.empty()) rows.push_back(std::move(header));
    const size_t first = rows.size();
    for (const auto& control : ControlsOf(result)) {
        const std::string name = NameOf(control);
        const bool device = suffix == NAME_SUFFIX && name == DEVICE_NAME;
        const auto stem = device ? std::string(DEVICE_PORT) : Stem(name, suffix);
        if (!stem) continue;
        std::string value = FormatValue(control);
        if (value.empty()) value = "-";
        std::vector<std::string> row = {CleanText(*stem), std::move(value)};
        /* The device's own name first, whatever the daemon's order. */
        if (device)
            rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(first), std::move(row));
        else
            rows.push_back(std::move(row));
    }
    return rows.size() > first ? FormatTable(rows) : "";
}

json ListDaemonControls(const Options& options, Client& client, const char* match) {
    json params = DeviceParams(options);
    params["iface"] = "daemon";
    params["match"] = match;
    return CallChecked(client, "controls.list", params);
}

json SetOne(const Options& options, Client& client, json change) {
    json params = DeviceParams(options);
    params["changes"] = json::array();
    params["changes"].push_back(std::move(change));
    return CallChecked(client, "controls.set", params);
}

}  // namespace

std::string NameControlOf(const std::string& port) {
    return port == DEVICE_PORT ? std::string(DEVICE_NAME) : port + std::string(NAME_SUFFIX);
}

std::optional<bool> ParseLinkState(const std::string& text) {
    std::string word = text;
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "on" || word == "true" || word == "yes" || word == "1") return true;
    if (word == "off" || word == "false" || word == "no" || word == "0") return false;
    if (word == "toggle") return std::nullopt;
    throw UsageError("link: the state is on, off or toggle, not '" + text + "'");
}

void CheckNameArgs(const Options& options) {
    if (options.command != "name" && options.command != "link") return;
    if (!options.args.empty() && options.args[0].empty())
        throw UsageError(options.command + (options.command == "name" ? ": PORT" : ": PAIR") +
                         " is empty");
    if (options.args.size() < 2) return;
    if (options.command == "link") {
        ParseLinkState(options.args[1]);
    } else if (options.args[1].size() > MAX_NAME_BYTES) {
        throw UsageError("name: NEWNAME is " + std::to_string(options.args[1].size()) +
                         " bytes; a name is at most " + std::to_string(MAX_NAME_BYTES) +
                         " bytes of UTF-8");
    }
}

const json* FindLink(const json& controls, const std::string& argument) {
    if (!controls.is_array()) return nullptr;
    for (const auto& control : controls) {
        const auto pair = Stem(NameOf(control), LINK_SUFFIX);
        if (!pair) continue;
        if (*pair == argument) return &control;
        /* "<PORTS> <a>-<b>": the ports are "<PORTS> <a>" and "<PORTS> <b>". */
        const auto space = pair->rfind(' ');
        const auto dash = pair->find('-', space == std::string::npos ? 0 : space);
        if (space == std::string::npos || dash == std::string::npos) continue;
        const std::string ports = pair->substr(0, space + 1);
        if (argument == ports + pair->substr(space + 1, dash - space - 1) ||
            argument == ports + pair->substr(dash + 1))
            return &control;
    }
    return nullptr;
}

std::string FormatNames(const json& result, bool header) {
    const std::string rows =
        FormatRows(result, NAME_SUFFIX,
                   header ? std::vector<std::string>{"PORT", "NAME"} : std::vector<std::string>{});
    return rows.empty() && header ? "no names\n" : rows;
}

std::string FormatLinks(const json& result, bool header) {
    const std::string rows =
        FormatRows(result, LINK_SUFFIX,
                   header ? std::vector<std::string>{"PAIR", "LINK"} : std::vector<std::string>{});
    return rows.empty() && header ? "no stereo pairs\n" : rows;
}

void RunName(const Options& options, Client& client, std::ostream& out) {
    CheckNameArgs(options);
    const auto rows = [](const json& answer) { return FormatNames(answer, false); };
    if (options.args.empty()) {
        PrintResult(options, out, ListDaemonControls(options, client, "*Name"),
                    [](const json& list) { return FormatNames(list, true); });
        return;
    }
    const json ref = DaemonRef(NameControlOf(options.args[0]));
    if (options.args.size() == 1 && !options.clear) {
        json params = DeviceParams(options);
        params["controls"] = json::array({ref});
        PrintResult(options, out, CallChecked(client, "controls.get", params), rows);
        return;
    }
    /* A text value is an array of one string; "" is no name. */
    const std::string name = options.clear ? std::string() : options.args[1];
    PrintResult(options, out,
                SetOne(options, client, {{"control", ref}, {"value", json::array({name})}}), rows);
}

void RunLink(const Options& options, Client& client, std::ostream& out) {
    CheckNameArgs(options);
    const auto rows = [](const json& answer) { return FormatLinks(answer, false); };
    /* The list resolves a port to its pair, and is the answer for the listing and
     * for one pair's state. */
    json result = ListDaemonControls(options, client, "*Link");
    if (options.args.empty()) {
        PrintResult(options, out, result, [](const json& list) { return FormatLinks(list, true); });
        return;
    }
    const std::string& argument = options.args[0];
    const json* link = FindLink(ControlsOf(result), argument);
    if (!link) {
        const json& device =
            result.is_object() && result.contains("device") ? result["device"] : json();
        throw DaemonError(
            {{"code", -32003},
             {"message", "no stereo pair '" + argument + "'" +
                             (device.is_string() ? " on " + device.get<std::string>() : "")},
             {"data", {{"code", "control.not_found"}, {"control", argument}}}});
    }
    if (options.args.size() == 1) {
        result["controls"] = json::array({*link});
        PrintResult(options, out, result, rows);
        return;
    }
    json change = {{"control", DaemonRef(NameOf(*link))}};
    if (const auto state = ParseLinkState(options.args[1]))
        change["value"] = json::array({*state});
    else
        change["toggle"] = true;
    PrintResult(options, out, SetOne(options, client, std::move(change)), rows);
}

}  // namespace Cli
