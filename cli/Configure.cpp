// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Configure.hpp"

#include <cctype>
#include <charconv>
#include <ostream>

#include "cli/Commands.hpp"
#include "cli/ControlRef.hpp"

namespace Cli {

namespace {

using nlohmann::json;

std::string ValueText(const json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "on" : "off";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

json GuardValue(const std::string& text) {
    const std::string word = Lower(text);
    if (word == "on" || word == "true" || word == "yes") return true;
    if (word == "off" || word == "false" || word == "no") return false;
    long long n = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (error == std::errc() && end == text.data() + text.size()) return n;
    return text;
}

std::string FormatSettings(const json& device) {
    if (!device.is_object()) return "";
    const std::string id = device.value("id", std::string("?"));
    const json& nickname = device.contains("nickname") ? device["nickname"] : json();
    const json settings = device.value("settings", json::object());
    const json on_attach = settings.value("on_attach", json::object());
    std::string text = id + "\n";
    text += "  nickname:  " + (nickname.is_string() ? nickname.get<std::string>() : "-") + "\n";
    std::string restore = on_attach.value("restore", std::string("?"));
    if (restore == "preset" && on_attach.contains("preset") && on_attach["preset"].is_string())
        restore += " '" + on_attach["preset"].get<std::string>() + "'";
    text += "  on attach: restore " + restore + "\n";
    const json set = on_attach.value("set", json::array());
    if (!set.is_array() || set.empty()) {
        text += "  guards:    none\n";
    } else {
        for (size_t i = 0; i < set.size(); ++i)
            text += std::string(i == 0 ? "  guards:    " : "             ") +
                    set[i].value("match", std::string("?")) + " = " +
                    ValueText(set[i].value("value", json())) + "\n";
    }
    return text;
}

void RunConfigure(const Options& options, Client& client, std::ostream& out) {
    json params = DeviceParams(options);
    if (options.nickname)
        params["nickname"] = *options.nickname ? json(**options.nickname) : json();
    json on_attach = json::object();
    if (options.on_attach) on_attach["restore"] = *options.on_attach;
    if (options.on_attach_preset) on_attach["preset"] = *options.on_attach_preset;
    if (!options.guards.empty() || options.no_guards) {
        json set = json::array();
        for (const auto& guard : options.guards) {
            const auto eq = guard.rfind('=');
            set.push_back(
                {{"match", guard.substr(0, eq)}, {"value", GuardValue(guard.substr(eq + 1))}});
        }
        on_attach["set"] = std::move(set);
    }
    if (!on_attach.empty()) params["on_attach"] = std::move(on_attach);

    json device;
    if (params.size() > (options.device ? 1u : 0u)) {
        device = CallChecked(client, "devices.configure", params)["device"];
    } else {
        /* Nothing to change: show the device (the only one, or -d). */
        const json devices = CallChecked(client, "devices.list", json::object())["devices"];
        for (const auto& d : devices)
            if (!options.device || d.value("id", json()) == *options.device) {
                if (!device.is_null() && !options.device)
                    throw DaemonError(
                        {{"code", -32602},
                         {"message", "device is required when several are known"},
                         {"data", {{"code", "params.invalid"}, {"field", "device"}}}});
                device = d;
            }
        if (device.is_null())
            throw DaemonError({{"code", -32001},
                               {"message", options.device ? "no device '" + *options.device + "'"
                                                          : std::string("no device is known")},
                               {"data", {{"code", "device.not_found"}}}});
    }
    PrintResult(options, out, device, FormatSettings);
}

}  // namespace Cli
