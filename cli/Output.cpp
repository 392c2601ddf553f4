// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace Cli {

namespace {

using nlohmann::json;

/** Replaces C0 controls and DEL; everything else (U+FFFD too) stays as it is. */
std::string Clean(std::string_view text) {
    std::string result(text);
    for (char& c : result)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return result;
}

const json& Field(const json& object, const char* key) {
    static const json null_value;
    if (!object.is_object()) return null_value;
    const auto it = object.find(key);
    return it == object.end() ? null_value : *it;
}

/** Any JSON value as display text; @p missing for null or absent. */
std::string Text(const json& value, std::string_view missing = "-") {
    if (value.is_null()) return std::string(missing);
    if (value.is_string()) return Clean(value.get_ref<const std::string&>());
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    return Clean(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

/** "1 device", "2 devices": @p count with its noun, singular for exactly one. */

std::string FormatScalar(const json& value) {
    if (value.is_boolean()) return value.get<bool>() ? "on" : "off";
    return Text(value);
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string result;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) result += separator;
        result += parts[i];
    }
    return result;
}

bool HasAccess(const json& control, std::string_view flag) {
    const json& access = Field(control, "access");
    if (!access.is_array()) return false;
    for (const auto& entry : access)
        if (entry.is_string() && entry.get_ref<const std::string&>() == flag) return true;
    return false;
}

std::string Quote(const json& name) {
    return "'" + Text(name, "") + "'";
}

std::string DeviceSummary(const json& device) {
    std::vector<std::string> parts;
    const json& model = Field(device, "model");
    const json& name = Field(device, "name");
    if (model.is_string())
        parts.push_back(Text(model));
    else if (name.is_string())
        parts.push_back(Text(name));
    if (Field(device, "card").is_number()) parts.push_back("card " + Text(Field(device, "card")));
    return parts.empty() ? std::string() : " (" + Join(parts, ", ") + ")";
}

std::string DeviceId(const json& params) {
    const json& device = Field(params, "device");
    if (device.is_object()) return Text(Field(device, "id"));
    return Text(device);
}

}  // namespace

std::string CleanText(std::string_view text) {
    return Clean(text);
}

std::string Counted(const json& count, const std::string& noun) {
    return Text(count) + " " + noun + (count == 1 ? "" : "s");
}

size_t DisplayWidth(std::string_view utf8) noexcept {
    size_t width = 0;
    for (char c : utf8)
        if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++width;
    return width;
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
    std::string result;
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        result += line + "\n";
    }
    return result;
}

std::string FormatDb(const json& db) {
    if (!db.is_number()) return "-inf";
    const double value = db.get<double>();
    if (!std::isfinite(value)) return value < 0 ? "-inf" : "inf";
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.2f", value);
    std::string text = buffer;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    if (text == "-0") text = "0";
    return text;
}

std::string FormatValue(const json& control) {
    const json& value = Field(control, "value");
    std::vector<std::string> parts;
    if (value.is_array())
        for (const auto& entry : value) parts.push_back(FormatScalar(entry));
    else
        parts.push_back(FormatScalar(value));
    std::string text = Join(parts, ",");

    const json& db_value = Field(control, "db_value");
    if (db_value.is_array() && !db_value.empty()) {
        std::vector<std::string> dbs;
        for (const auto& entry : db_value) dbs.push_back(FormatDb(entry));
        text += " (" + Join(dbs, ",") + " dB)";
    }
    return text;
}

std::string FormatAccess(const json& control) {
    const json& writable = Field(control, "writable");
    const bool can_write =
        writable.is_boolean() ? writable.get<bool>() : HasAccess(control, "write");
    std::string text = HasAccess(control, "read") ? "r" : "-";
    text += can_write ? "w" : "-";
    if (!can_write && HasAccess(control, "write")) {
        if (HasAccess(control, "locked")) text += " locked";
        if (HasAccess(control, "inactive")) text += " inactive";
    } else if (!can_write && HasAccess(control, "inactive")) {
        text += " inactive";
    }
    if (HasAccess(control, "volatile")) text += " volatile";
    return text;
}

std::string FormatControlName(const json& control) {
    std::string text = Quote(Field(control, "name"));
    const json& index = Field(control, "index");
    if (index.is_number() && index.get<double>() != 0) text += "," + Text(index);
    return text;
}

std::string FormatDevices(const json& result) {
    const json& devices = Field(result, "devices");
    if (!devices.is_array() || devices.empty()) return "no devices\n";
    std::vector<std::vector<std::string>> rows = {{"ID", "ONLINE", "CARD", "MODEL", "CONTROLS"}};
    for (const auto& device : devices) {
        const json& model = Field(device, "model");
        const json& nickname = Field(device, "nickname");
        std::string shown = model.is_string() ? Text(model) : Text(Field(device, "name"));
        if (nickname.is_string()) shown += " \"" + Text(nickname) + "\"";
        rows.push_back({Text(Field(device, "id")), Text(Field(device, "online")),
                        Text(Field(device, "card")), shown, Text(Field(device, "controls"))});
    }
    return FormatTable(rows);
}

std::string FormatControls(const json& result) {
    const json& controls = Field(result, "controls");
    if (!controls.is_array() || controls.empty()) return "no controls\n";
    std::vector<std::vector<std::string>> rows = {
        {"NUMID", "NAME", "INDEX", "TYPE", "ACCESS", "VALUE"}};
    for (const auto& control : controls)
        rows.push_back({Text(Field(control, "numid")), Text(Field(control, "name")),
                        Text(Field(control, "index")), Text(Field(control, "type")),
                        FormatAccess(control), FormatValue(control)});
    return FormatTable(rows);
}

std::string FormatControlDetails(const json& control) {
    std::ostringstream out;
    out << FormatControlName(control) << " (numid " << Text(Field(control, "numid"));
    if (Field(control, "iface").is_string()) out << ", " << Text(Field(control, "iface"));
    out << ")\n";

    out << "  type:   " << Text(Field(control, "type"));
    const json& count = Field(control, "count");
    if (count.is_number()) out << ", " << Counted(count, "channel");
    out << "\n";

    std::vector<std::string> flags;
    if (const json& access = Field(control, "access"); access.is_array())
        for (const auto& flag : access) flags.push_back(Text(flag));
    out << "  access: " << FormatAccess(control);
    if (!flags.empty()) out << " (" << Join(flags, ",") << ")";
    out << "\n";
    /* Why it cannot be written now (protocol: not_writable), when the daemon says. */
    if (const json& why = Field(control, "not_writable"); why.is_object())
        out << "  why:    " << Text(Field(why, "message"), Text(Field(why, "reason"), "?")) << "\n";

    if (Field(control, "min").is_number() || Field(control, "max").is_number()) {
        out << "  range:  " << Text(Field(control, "min"), "?") << ".."
            << Text(Field(control, "max"), "?");
        if (Field(control, "step").is_number()) out << ", step " << Text(Field(control, "step"));
        out << "\n";
    }
    if (const json& db = Field(control, "db"); db.is_object()) {
        out << "  dB:     " << FormatDb(Field(db, "min")) << ".." << FormatDb(Field(db, "max"));
        if (Field(db, "mute") == true) out << " (lowest is mute)";
        out << "\n";
    }
    if (const json& items = Field(control, "items"); items.is_array()) {
        std::vector<std::string> labels;
        for (size_t i = 0; i < items.size(); ++i)
            labels.push_back(std::to_string(i) + " " + Quote(items[i]));
        out << "  items:  " << Join(labels, ", ") << "\n";
    }
    out << "  value:  " << FormatValue(control) << "\n";
    return out.str();
}

std::string FormatControlLine(const json& control) {
    return FormatControlName(control) + " = " + FormatValue(control);
}

std::string FormatInfo(const json& result) {
    std::ostringstream out;
    out << Text(Field(result, "name"), "scarlettd") << " " << Text(Field(result, "version"));
    const json& protocol = Field(result, "protocol");
    if (protocol.is_object())
        out << ", protocol " << Text(Field(protocol, "major"), "?") << "."
            << Text(Field(protocol, "minor"), "0");
    out << "\n";
    out << "pid " << Text(Field(result, "pid"));
    if (const json& uptime = Field(result, "uptime_ms"); uptime.is_number())
        out << ", up " << static_cast<long long>(uptime.get<double>() / 1000) << " s";
    out << ", " << Counted(Field(result, "devices"), "device") << ", "
        << Counted(Field(result, "clients"), "client") << "\n";
    if (const json& capabilities = Field(result, "capabilities");
        capabilities.is_array() && !capabilities.empty()) {
        std::vector<std::string> names;
        for (const auto& name : capabilities) names.push_back(Text(name));
        out << "capabilities: " << Join(names, ", ") << "\n";
    }
    return out.str();
}

std::vector<std::string> FormatNotification(const json& notification) {
    const std::string method = Text(Field(notification, "method"), "");
    const json& params = Field(notification, "params");
    std::vector<std::string> lines;

    if (method == "controls.changed" || method == "controls.added" ||
        method == "controls.removed") {
        const std::string device = DeviceId(params);
        const json& controls = Field(params, "controls");
        if (!controls.is_array()) return lines;
        for (const auto& control : controls) {
            if (method == "controls.changed") {
                std::string line = device + ": " + FormatControlLine(control);
                if (Field(control, "info_changed") == true)
                    line += " [info changed: " + FormatAccess(control) + "]";
                lines.push_back(std::move(line));
            } else {
                lines.push_back(
                    device + ": control " + (method == "controls.added" ? "added: " : "removed: ") +
                    FormatControlName(control) + " (numid " + Text(Field(control, "numid")) + ")");
            }
        }
        return lines;
    }
    if (method == "device.added" || method == "device.removed") {
        const json& device = Field(params, "device");
        lines.push_back("device " + std::string(method == "device.added" ? "added" : "removed") +
                        ": " + DeviceId(params) + DeviceSummary(device));
        return lines;
    }
    if (method == "device.restored") {
        std::string restore = Text(Field(params, "restore"));
        if (Field(params, "preset").is_string())
            restore += " '" + Text(Field(params, "preset")) + "'";
        const json& skipped = Field(params, "skipped");
        lines.push_back("device restored: " + DeviceId(params) + " (" + restore + ", " +
                        Counted(Field(params, "applied"), "control") + " written" +
                        (skipped.is_array() && !skipped.empty()
                             ? ", " + std::to_string(skipped.size()) + " skipped"
                             : std::string()) +
                        ")");
        if (skipped.is_array())
            for (const auto& s : skipped)
                lines.push_back("  skipped '" + Text(Field(s, "name")) +
                                "': " + Text(Field(s, "reason")));
        return lines;
    }
    if (method == "meters") {
        std::vector<std::string> levels;
        if (const json& values = Field(params, "levels"); values.is_array())
            for (const auto& level : values) levels.push_back(FormatDb(level));
        lines.push_back(DeviceId(params) + ": meters " + Join(levels, " "));
        return lines;
    }
    lines.push_back(Text(method, "?") + " " +
                    Clean(params.dump(-1, ' ', false, json::error_handler_t::replace)));
    return lines;
}

std::string FormatDaemonError(const json& error) {
    const json& data = Field(error, "data");
    const json& data_code = Field(data, "code");
    std::string text =
        data_code.is_string() ? Text(data_code) : "error " + Text(Field(error, "code"), "?");
    const std::string message = Text(Field(error, "message"), "");
    if (!message.empty()) text += ": " + message;

    auto add = [&](const std::string& detail, const std::string& prefix,
                   const std::string& suffix) {
        if (!detail.empty() && message.find(detail) == std::string::npos)
            text += prefix + detail + suffix;
    };
    /* The daemon's message may already name the control or the range; say it once. */
    if (const json& control = Field(data, "control");
        control.is_string() && message.find(Text(control)) == std::string::npos)
        text += " for " + Quote(control);
    std::vector<std::string> ranges;
    if (Field(data, "min").is_number() && Field(data, "max").is_number())
        ranges.push_back(Text(Field(data, "min")) + ".." + Text(Field(data, "max")));
    if (const json& db = Field(data, "db"); Field(db, "min").is_number())
        ranges.push_back(FormatDb(Field(db, "min")) + ".." + FormatDb(Field(db, "max")) + " dB");
    const bool range_said = std::any_of(ranges.begin(), ranges.end(), [&](const auto& range) {
        return message.find(range) != std::string::npos;
    });
    if (!ranges.empty() && !range_said) text += " (" + Join(ranges, "; ") + ")";
    if (const json& items = Field(data, "items"); items.is_array()) {
        std::vector<std::string> labels;
        bool all_strings = true;
        for (const auto& item : items) all_strings = all_strings && item.is_string();
        for (size_t i = 0; i < items.size(); ++i)
            labels.push_back(all_strings ? std::to_string(i) + " " + Quote(items[i])
                                         : FormatScalar(items[i]));
        text += (all_strings ? "; valid items: " : "; valid values: ") + Join(labels, ", ");
    }
    if (Field(data, "field").is_string()) add(Text(Field(data, "field")), " (field: ", ")");
    if (Field(data, "reason").is_string()) add(Text(Field(data, "reason")), " (", ")");
    if (Field(data, "message").is_string()) add(Text(Field(data, "message")), ": ", "");
    if (Field(data, "limit").is_number()) add(Text(Field(data, "limit")), " (limit ", ")");
    if (const json& applied = Field(data, "applied"); applied.is_array() && !applied.empty()) {
        std::vector<std::string> names;
        for (const auto& change : applied) {
            const json& control = Field(change, "control");
            names.push_back(control.is_string() ? Quote(control) : Text(control));
        }
        text += "; already written: " + Join(names, ", ");
    }
    return text;
}

}  // namespace Cli
