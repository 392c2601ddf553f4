// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Presets.hpp"

#include <filesystem>
#include <ostream>

#include "cli/Commands.hpp"
#include "cli/Output.hpp"

namespace Cli {

namespace {

using nlohmann::json;

std::string Str(const json& object, const char* key) {
    if (!object.is_object() || !object.contains(key)) return "-";
    const json& v = object[key];
    return v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump();
}

/** A preset by name, or a file by its absolute path (the daemon reads it). */
void Source(json& params, const std::string& argument) {
    if (IsPresetFile(argument))
        params["file"] = std::filesystem::absolute(argument).lexically_normal().string();
    else
        params["name"] = argument;
}

}  // namespace

bool IsPresetFile(const std::string& argument) {
    return argument.find('/') != std::string::npos || argument.ends_with(".conf") ||
           argument.ends_with(".state");
}

std::string FormatPresetList(const json& result) {
    const json& list =
        result.is_object() && result.contains("presets") ? result["presets"] : json();
    if (!list.is_array() || list.empty()) return "No presets.\n";
    std::vector<std::vector<std::string>> rows = {
        {"NAME", "SERIAL", "MODEL", "CONTROLS", "MODIFIED"}};
    for (const auto& p : list)
        rows.push_back({Str(p, "name"), Str(p, "serial"), Str(p, "model"), Str(p, "controls"),
                        Str(p, "modified")});
    return FormatTable(rows);
}

std::string FormatPresetLoad(const json& result) {
    if (!result.is_object()) return "";
    const bool dry = result.value("dry_run", false);
    std::string text = dry ? "Would change " : "Changed ";
    text += Counted(result.value("applied", json(0)), "control") + ", " + Str(result, "unchanged") +
            " unchanged";
    const json& skipped = result.contains("skipped") ? result["skipped"] : json::array();
    if (skipped.is_array() && !skipped.empty())
        text += ", " + Str(json{{"n", skipped.size()}}, "n") + " skipped";
    text += ".\n";
    if (skipped.is_array())
        for (const auto& s : skipped)
            text += "  skipped '" + Str(s, "name") + "': " + Str(s, "reason") + "\n";
    if (result.contains("warnings") && result["warnings"].is_array())
        for (const auto& w : result["warnings"])
            text += "warning: " + (w.is_string() ? w.get<std::string>() : w.dump()) + "\n";
    return text;
}

std::string FormatPresetDiff(const json& result) {
    const json& list =
        result.is_object() && result.contains("differences") ? result["differences"] : json();
    if (!list.is_array() || list.empty()) return "No differences: the device matches the preset.\n";
    std::vector<std::vector<std::string>> rows = {{"CONTROL", "NOW", "PRESET"}};
    for (const auto& d : list)
        rows.push_back({Str(d, "name"), Str(d, "current"), Str(d, "preset")});
    return FormatTable(rows) + Counted(list.size(), "difference") + ".\n";
}

void RunPreset(const Options& options, Client& client, std::ostream& out) {
    const std::string& action = options.args.at(0);
    const size_t extra = options.args.size() - 1;
    json params = DeviceParams(options);
    auto need = [&](size_t min, size_t max, const char* usage) {
        if (extra < min || extra > max) throw UsageError(std::string("preset ") + usage);
    };
    if (options.overwrite && action != "save")
        throw UsageError("--overwrite goes with preset save");
    if (options.dry_run && action != "load") throw UsageError("--dry-run goes with preset load");
    if (action == "list") {
        need(0, 0, "list takes no argument");
        PrintResult(options, out, CallChecked(client, "presets.list", params), FormatPresetList);
    } else if (action == "save") {
        need(1, SIZE_MAX, "save NAME [PATTERN...]");
        params["name"] = options.args[1];
        if (extra > 1)
            params["match"] =
                json(std::vector<std::string>(options.args.begin() + 2, options.args.end()));
        if (options.overwrite) params["overwrite"] = true;
        PrintResult(options, out, CallChecked(client, "presets.save", params), [](const json& r) {
            const json& p = r.contains("preset") ? r["preset"] : json::object();
            return "Saved preset '" + Str(p, "name") +
                   "': " + Counted(p.value("controls", json(0)), "control") + ".\n";
        });
    } else if (action == "load") {
        need(1, 1, "load NAME|FILE");
        Source(params, options.args[1]);
        if (options.dry_run) params["dry_run"] = true;
        PrintResult(options, out, CallChecked(client, "presets.load", params), FormatPresetLoad);
    } else if (action == "diff") {
        need(1, 1, "diff NAME|FILE");
        Source(params, options.args[1]);
        PrintResult(options, out, CallChecked(client, "presets.diff", params), FormatPresetDiff);
    } else if (action == "rm") {
        need(1, 1, "rm NAME");
        params["name"] = options.args[1];
        PrintResult(options, out, CallChecked(client, "presets.delete", params),
                    [&](const json&) { return "Removed preset '" + options.args[1] + "'.\n"; });
    } else {
        throw UsageError("preset: unknown action '" + action + "' (list, save, load, diff, rm)");
    }
}

}  // namespace Cli
