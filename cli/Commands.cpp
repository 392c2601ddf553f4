// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Commands.hpp"

#include <ostream>

#include "cli/Configure.hpp"
#include "cli/ControlRef.hpp"
#include "cli/Meters.hpp"
#include "cli/Names.hpp"
#include "cli/Output.hpp"
#include "cli/Presets.hpp"
#include "cli/Value.hpp"
#include "cli/Waybar.hpp"

namespace Cli {

namespace {

using nlohmann::json;

/** How often watch checks for Ctrl-C while no notification arrives. */
constexpr int WATCH_POLL_MS = 250;

std::string Dump(const json& value, int indent = -1) {
    return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string FormatGetResult(const json& result) {
    std::string text;
    if (const auto it = result.find("controls"); it != result.end() && it->is_array())
        for (const auto& control : *it) text += FormatControlDetails(control);
    return text;
}

void RunDevices(const Options& options, Client& client, std::ostream& out) {
    json result = CallChecked(client, "devices.list", json::object());
    /* -d ID: that device only, and an unknown one is the error any command gives. */
    if (options.device && result.contains("devices") && result["devices"].is_array()) {
        json only = json::array();
        for (const auto& d : result["devices"])
            if (d.is_object() && d.value("id", json()) == *options.device) only.push_back(d);
        if (only.empty())
            throw DaemonError(
                {{"code", -32001},
                 {"message", "no device '" + *options.device + "'"},
                 {"data", {{"code", "device.not_found"}, {"device", *options.device}}}});
        result["devices"] = std::move(only);
    }
    PrintResult(options, out, result, FormatDevices);
}

void RunControls(const Options& options, Client& client, std::ostream& out) {
    json params = DeviceParams(options);
    if (!options.args.empty()) params["match"] = options.args.front();
    PrintResult(options, out, CallChecked(client, "controls.list", params), FormatControls);
}

json GetControls(const Options& options, Client& client, const json& refs) {
    json params = DeviceParams(options);
    params["controls"] = refs;
    return CallChecked(client, "controls.get", params);
}

void RunGet(const Options& options, Client& client, std::ostream& out) {
    json refs = json::array();
    for (const auto& arg : options.args) refs.push_back(ParseControlRef(arg));
    PrintResult(options, out, GetControls(options, client, refs), FormatGetResult);
}

void RunSet(const Options& options, Client& client, std::ostream& out) {
    json refs = json::array();
    std::vector<std::string> values;
    for (size_t i = 0; i + 1 < options.args.size(); i += 2) {
        refs.push_back(ParseControlRef(options.args[i]));
        values.push_back(options.args[i + 1]);
    }
    /* Values are typed by the control's type ("off" is false for a switch but a label
     * for an enum), so read the controls first; this also reports an unknown control
     * before anything is parsed. */
    const json current = GetControls(options, client, refs);
    const json* controls = nullptr;
    if (const auto it = current.find("controls");
        it != current.end() && it->is_array() && it->size() == refs.size())
        controls = &*it;

    json changes = json::array();
    for (size_t i = 0; i < refs.size(); ++i) {
        json change = ParseValue(values[i], controls ? &(*controls)[i] : nullptr);
        change["control"] = refs[i];
        changes.push_back(std::move(change));
    }
    json params = DeviceParams(options);
    params["changes"] = std::move(changes);
    if (options.dry_run) params["dry_run"] = true;
    const json result = CallChecked(client, "controls.set", params);

    if (options.json) {
        out << Dump(result, 2) << "\n";
        return;
    }
    /* A dry run reads back the values that would be written. */
    const std::string prefix = options.dry_run ? "would set " : "";
    if (const auto it = result.find("controls"); it != result.end() && it->is_array())
        for (const auto& control : *it) out << prefix << FormatControlLine(control) << "\n";
    if (options.dry_run) out << "dry run: nothing was written\n";
}

void RunWatch(const Options& options, Client& client, std::ostream& out,
              const Environment& environment) {
    if (options.waybar) {
        RunWaybar(options, client, out, environment);
        return;
    }
    json params = {{"snapshot", false}};
    if (options.device) params["devices"] = json::array({*options.device});
    if (!options.args.empty()) params["controls"] = json::array({options.args.front()});
    CallChecked(client, "subscribe", params);

    while (!environment.IsStopRequested()) {
        const auto notification = client.NextNotification(WATCH_POLL_MS);
        if (!notification) continue;
        if (options.json) {
            out << Dump(*notification) << std::endl;
            continue;
        }
        for (const auto& line : FormatNotification(*notification)) out << line << "\n";
        /* Flush per notification: watch is often piped into another program. */
        out.flush();
    }
}

void RunInfo(const Options& options, Client& client, std::ostream& out) {
    PrintResult(options, out, CallChecked(client, "daemon.info", json::object()), FormatInfo);
}

/** Adds a hint to errors the user can fix with an option. */
std::string ErrorHint(const Options& options, const json& error) {
    /* Any shape is possible here; compare without converting. */
    const json& data = error.is_object() && error.contains("data") ? error["data"] : error;
    auto is = [&](const char* key, const char* text) {
        return data.is_object() && data.contains(key) && data[key] == text;
    };
    if (is("code", "params.invalid") && is("field", "device") && !options.device)
        return "\nscarlettctl: several devices are known; choose one with -d ID (see "
               "'scarlettctl devices')";
    if (is("code", "device.not_found"))
        return "\nscarlettctl: 'scarlettctl devices' lists the known devices";
    if (options.command == "name" && is("code", "control.not_found") && !options.args.empty())
        return "\nscarlettctl: '" + options.args.front() +
               "' is not a port with a name; 'scarlettctl name' lists them";
    if (options.command == "link" && is("code", "control.not_found"))
        return "\nscarlettctl: 'scarlettctl link' lists the stereo pairs";
    if ((options.command == "name" || options.command == "link") && is("field", "iface"))
        return "\nscarlettctl: this scarlettd predates protocol 1.1: it keeps no names or links";
    if (is("code", "preset.exists"))
        return "\nscarlettctl: 'scarlettctl preset save --overwrite NAME' replaces it";
    return "";
}

/** A status bar shows the control as offline rather than its last state. */
void PrintWaybarOffline(const Options& options, std::ostream& out) {
    if (options.waybar)
        out << Dump(FormatWaybar(nullptr, options.device.value_or(""), *options.waybar)) << "\n";
}

}  // namespace

json DeviceParams(const Options& options) {
    json params = json::object();
    if (options.device) params["device"] = *options.device;
    return params;
}

void PrintResult(const Options& options, std::ostream& out, const json& result,
                 const std::function<std::string(const json&)>& format) {
    if (options.json)
        out << Dump(result, 2) << "\n";
    else
        out << format(result);
}

DaemonError::DaemonError(json error)
    : std::runtime_error(FormatDaemonError(error)), error_(std::move(error)) {}

json CallChecked(Client& client, const std::string& method, const json& params) {
    json response = client.Call(method, params);
    if (response.contains("error")) throw DaemonError(response["error"]);
    if (!response.contains("result"))
        throw std::runtime_error("scarlettd sent a response without result or error");
    return std::move(response["result"]);
}

void RunCommand(const Options& options, Client& client, std::ostream& out,
                const Environment& environment) {
    const std::string& command = options.command;
    if (command == "devices")
        RunDevices(options, client, out);
    else if (command == "controls")
        RunControls(options, client, out);
    else if (command == "get")
        RunGet(options, client, out);
    else if (command == "set")
        RunSet(options, client, out);
    else if (command == "watch")
        RunWatch(options, client, out, environment);
    else if (command == "meters")
        RunMeters(options, client, out, environment);
    else if (command == "info")
        RunInfo(options, client, out);
    else if (command == "preset")
        RunPreset(options, client, out);
    else if (command == "configure")
        RunConfigure(options, client, out);
    else if (command == "name")
        RunName(options, client, out);
    else if (command == "link")
        RunLink(options, client, out);
    else
        throw UsageError("unknown command '" + command + "'");
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const StopPredicate& stop_requested) {
    return Run(args, out, err, Environment{stop_requested, nullptr, nullptr});
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& environment) {
    Options options;
    try {
        options = ParseArgs(args);
    } catch (const UsageError& e) {
        err << "scarlettctl: " << e.what() << "\nTry 'scarlettctl --help'.\n";
        return EXIT_USAGE;
    }

    if (options.command == "help") {
        out << GetCommandUsage(options.args.empty() ? "" : options.args.front());
        return EXIT_OK;
    }
    if (options.help) {
        out << GetCommandUsage(options.command);
        return EXIT_OK;
    }
    if (options.version) {
        out << GetVersionText() << "\n";
        return EXIT_OK;
    }

    try {
        /* A malformed CONTROL, NEWNAME or link state is a usage error, whether or not
         * scarlettd runs. */
        if (options.command == "get")
            for (const auto& arg : options.args) ParseControlRef(arg);
        if (options.command == "set")
            for (size_t i = 0; i < options.args.size(); i += 2) ParseControlRef(options.args[i]);
        if (options.waybar) ParseControlRef(*options.waybar);
        CheckNameArgs(options);
    } catch (const UsageError& e) {
        err << "scarlettctl: " << e.what() << "\nTry 'scarlettctl --help'.\n";
        return EXIT_USAGE;
    }

    bool connected = false;
    try {
        Client client = Client::Connect(ResolveSocketDir(options.socket_dir) + "/control.sock");
        connected = true;
        RunCommand(options, client, out, environment);
        out.flush();
        return EXIT_OK;
    } catch (const DaemonError& e) {
        if (options.json) out << Dump(json{{"error", e.GetError()}}) << "\n";
        out.flush();
        err << "scarlettctl: " << e.what() << ErrorHint(options, e.GetError()) << "\n";
        return EXIT_DAEMON_ERROR;
    } catch (const UsageError& e) {
        out.flush();
        err << "scarlettctl: " << e.what() << "\nTry 'scarlettctl --help'.\n";
        return EXIT_USAGE;
    } catch (const std::exception& e) {
        /* Once connected, watch --waybar has said "offline" itself. */
        if (!connected) PrintWaybarOffline(options, out);
        out.flush();
        err << "scarlettctl: " << e.what() << "\n";
        return EXIT_CONNECT;
    }
}

}  // namespace Cli
