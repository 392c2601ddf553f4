// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Waybar.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <ostream>
#include <vector>

#include "cli/ControlRef.hpp"
#include "cli/Output.hpp"

namespace Cli {

namespace {

using nlohmann::json;

constexpr int POLL_MS = 250;

/* waybar parses text and tooltip as Pango markup: "&" or "<" in a name would break it. */
std::string EscapeMarkup(std::string_view text) {
    std::string result;
    for (char c : text) {
        if (c == '&')
            result += "&amp;";
        else if (c == '<')
            result += "&lt;";
        else if (c == '>')
            result += "&gt;";
        else
            result += c;
    }
    return result;
}

/** A control name as a subscribe glob that matches only itself. */
std::string EscapeGlob(std::string_view name) {
    std::string result;
    for (char c : name) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') result += '\\';
        result += c;
    }
    return result;
}

/** The entries of a control's array field; a scalar counts as one channel. */
std::vector<json> Channels(const json& control, const char* key) {
    const auto it = control.find(key);
    if (it == control.end()) return {};
    if (it->is_array()) return {it->begin(), it->end()};
    return {*it};
}

/* Field readers that never throw: the daemon may add or change fields. */
std::string StringOf(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool IsTrue(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && *it == true;
}

double Number(const json& control, const char* key, double fallback) {
    const auto it = control.find(key);
    return it != control.end() && it->is_number() ? it->get<double>() : fallback;
}

/** One text for all channels when they agree, else each one, comma-separated. */
std::string JoinDistinct(const std::vector<std::string>& parts) {
    if (parts.empty()) return "";
    if (std::all_of(parts.begin(), parts.end(), [&](const auto& p) { return p == parts.front(); }))
        return parts.front();
    std::string text;
    for (size_t i = 0; i < parts.size(); ++i) text += (i ? "," : "") + parts[i];
    return text;
}

int Percent(double value, double min, double max) {
    if (!(max > min)) return 0;
    return static_cast<int>(std::clamp(std::lround((value - min) * 100.0 / (max - min)), 0L, 100L));
}

/** The device id a notification is about: params.device, a string or a Device. */
std::string NotifiedDevice(const json& params) {
    const auto it = params.find("device");
    if (it == params.end()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("id") && (*it)["id"].is_string())
        return (*it)["id"].get<std::string>();
    return "";
}

bool ListsNumid(const json& params, const json& numid) {
    const auto it = params.find("controls");
    if (it == params.end() || !it->is_array()) return false;
    return std::any_of(it->begin(), it->end(), [&](const json& control) {
        return control.is_object() && control.contains("numid") && control["numid"] == numid;
    });
}

}  // namespace

json FormatWaybar(const json* control, std::string_view device, std::string_view reference) {
    const std::string where = device.empty() ? "" : "\n" + std::string(device);
    if (!control || !control->is_object())
        return {{"text", "offline"},
                {"tooltip", EscapeMarkup("'" + std::string(reference) + "': offline" + where)},
                {"class", "offline"},
                {"alt", "offline"},
                {"percentage", 0}};

    const std::string type = StringOf(*control, "type");
    const std::vector<json> values = Channels(*control, "value");
    const json first = values.empty() ? json() : values.front();
    std::vector<std::string> texts;
    std::string css_class = "on";
    int percentage = 0;

    if (type == "boolean") {
        for (const auto& value : values) texts.push_back(value == true ? "on" : "off");
        const bool is_mute = Lower(StringOf(*control, "name")).find("mute") != std::string::npos;
        css_class = first == true ? (is_mute ? "muted" : "on") : "off";
        percentage = first == true ? 100 : 0;
    } else if (type == "integer" || type == "integer64") {
        const double min = Number(*control, "min", 0);
        const double max = Number(*control, "max", 0);
        const double raw = first.is_number() ? first.get<double>() : min;
        percentage = Percent(raw, min, max);
        const std::vector<json> dbs = Channels(*control, "db_value");
        const json& db_info = control->contains("db") ? (*control)["db"] : json();
        if (!dbs.empty()) {
            for (const auto& db : dbs) texts.push_back(FormatDb(db));
            texts = {JoinDistinct(texts) + " dB"};
        } else {
            for (const auto& value : values)
                texts.push_back(std::to_string(Percent(
                                    value.is_number() ? value.get<double>() : min, min, max)) +
                                "%");
        }
        const bool at_mute = (!dbs.empty() && !dbs.front().is_number()) ||
                             (db_info.is_object() && IsTrue(db_info, "mute") && raw <= min);
        css_class = at_mute ? "muted" : raw <= min ? "off" : "on";
    } else if (type == "enumerated") {
        const std::vector<json> items = Channels(*control, "items");
        for (const auto& value : values)
            texts.push_back(value.is_string() ? value.get<std::string>() : value.dump());
        const auto found = std::find(items.begin(), items.end(), first);
        if (found != items.end() && items.size() > 1)
            percentage = static_cast<int>((found - items.begin()) * 100 /
                                          static_cast<long>(items.size() - 1));
        css_class = first.is_string() && Lower(first.get<std::string>()) == "off" ? "off" : "on";
    } else {
        texts.push_back(FormatValue(*control));
    }

    return {{"text", EscapeMarkup(JoinDistinct(texts))},
            {"tooltip", EscapeMarkup(FormatControlLine(*control) + where)},
            {"class", css_class},
            {"alt", css_class},
            {"percentage", percentage}};
}

void RunWaybar(const Options& options, Client& client, std::ostream& out,
               const Environment& environment) {
    const std::string& reference = *options.waybar;
    const json ref = ParseControlRef(reference);
    std::string device = options.device.value_or("");
    std::optional<json> control;
    json fetched_seq;
    std::string last_line;

    auto emit = [&] {
        const std::string line = FormatWaybar(control ? &*control : nullptr, device, reference)
                                     .dump(-1, ' ', false, json::error_handler_t::replace);
        if (line == last_line) return;
        out << line << "\n" << std::flush;
        last_line = line;
    };
    /* Reads the control; an unplugged (or not yet plugged) device shows as offline. A
     * missing control is the user's mistake at start, but later it means the device
     * changed (e.g. new firmware), which is offline too. */
    auto fetch = [&](bool at_start) {
        json params = json::object();
        if (!device.empty()) params["device"] = device;
        params["controls"] = json::array({ref});
        json response = client.Call("controls.get", params);
        if (const auto error = response.find("error"); error != response.end()) {
            const json data = error->is_object() ? error->value("data", json::object()) : json();
            const std::string code =
                data.is_object() && data.contains("code") && data["code"].is_string()
                    ? data["code"].get<std::string>()
                    : "";
            if (code == "device.offline" || code == "device.not_found" ||
                (!at_start && code == "control.not_found")) {
                control.reset();
                return;
            }
            throw DaemonError(*error);
        }
        const auto result_it = response.find("result");
        if (result_it == response.end() || !result_it->is_object())
            throw std::runtime_error("scarlettd sent a response without result or error");
        const json& result = *result_it;
        if (const std::string id = StringOf(result, "device"); !id.empty()) device = id;
        fetched_seq = result.value("seq", json());
        const auto controls = result.find("controls");
        if (controls != result.end() && controls->is_array() && !controls->empty())
            control = controls->front();
        else
            control.reset();
    };

    /* However this ends but by Ctrl-C (no such control, the daemon gone), the bar
     * shows the control offline rather than its last state. */
    try {
        fetch(true);
        json subscribe = {{"snapshot", false}};
        if (!device.empty()) subscribe["devices"] = json::array({device});
        if (control && control->contains("name") && (*control)["name"].is_string())
            subscribe["controls"] =
                json::array({EscapeGlob((*control)["name"].get<std::string>())});
        CallChecked(client, "subscribe", subscribe);
        /* Read again: a change between the first read and the subscription is not lost. */
        fetch(true);
        emit();

        while (!environment.IsStopRequested()) {
            const auto notification = client.NextNotification(POLL_MS);
            if (!notification) continue;
            const std::string method = StringOf(*notification, "method");
            const json params = notification->value("params", json::object());
            if (!params.is_object()) continue;
            const std::string about = NotifiedDevice(params);
            const bool ours = !device.empty() && about == device;

            if (method == "controls.changed" && ours && control) {
                /* Queued before the last read: that read is newer. */
                if (params.contains("seq") && fetched_seq.is_number() &&
                    params["seq"].is_number() &&
                    params["seq"].get<double>() < fetched_seq.get<double>())
                    continue;
                for (const auto& changed : params.value("controls", json::array())) {
                    if (!changed.is_object() ||
                        changed.value("numid", json()) != (*control)["numid"])
                        continue;
                    if (IsTrue(changed, "info_changed")) {
                        control = changed;
                        continue;
                    }
                    for (const char* key : {"value", "db_value"})
                        if (changed.contains(key)) (*control)[key] = changed[key];
                }
            } else if (method == "device.removed" && ours) {
                control.reset();
            } else if ((method == "device.added" && (device.empty() || ours)) ||
                       (method == "controls.added" && ours && !control) ||
                       (method == "controls.removed" && ours && control &&
                        ListsNumid(params, (*control)["numid"]))) {
                fetch(false);
            }
            emit();
        }
    } catch (...) {
        control.reset();
        emit();
        throw;
    }
}

}  // namespace Cli
