// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Value.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/ControlRef.hpp"
#include "cli/Options.hpp"

namespace Cli {

namespace {

using nlohmann::json;

std::string_view Trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> SplitChannels(std::string_view text) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto comma = text.find(',');
        parts.push_back(Trim(text.substr(0, comma)));
        if (comma == std::string_view::npos) return parts;
        text.remove_prefix(comma + 1);
    }
}

std::optional<int64_t> ParseInteger(std::string_view text) {
    if (text.starts_with('+')) text.remove_prefix(1);
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<double> ParseNumber(std::string_view text) {
    if (text.starts_with('+')) text.remove_prefix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    /* from_chars takes "inf" and "nan", which JSON cannot carry. */
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value))
        return std::nullopt;
    return value;
}

/** "-6dB" -> -6.0; nullopt without a dB suffix or with a bad number. */
std::optional<double> ParseDb(std::string_view text) {
    if (text.size() < 3 || Lower(text.substr(text.size() - 2)) != "db") return std::nullopt;
    return ParseNumber(Trim(text.substr(0, text.size() - 2)));
}

bool HasDbSuffix(std::string_view text) {
    return text.size() >= 2 && Lower(text.substr(text.size() - 2)) == "db";
}

std::optional<bool> ParseBool(std::string_view text) {
    const std::string word = Lower(text);
    if (word == "on" || word == "true" || word == "yes" || word == "1") return true;
    if (word == "off" || word == "false" || word == "no" || word == "0") return false;
    return std::nullopt;
}

json ParseIntegerItem(std::string_view part, const json& control) {
    if (const auto number = ParseInteger(part)) return *number;
    const std::string word = Lower(part);
    if (word == "min" && control.contains("min")) return control["min"];
    if (word == "max" && control.contains("max")) return control["max"];
    return std::string(part);
}

json ParseEnumItem(std::string_view part, const json& control) {
    const json* items =
        control.contains("items") && control["items"].is_array() ? &control["items"] : nullptr;
    if (items) {
        for (const auto& item : *items)
            if (item.is_string() && item.get<std::string>() == part) return item;
        /* Case-insensitive match, but only when it is unambiguous. */
        const json* found = nullptr;
        for (const auto& item : *items) {
            if (!item.is_string() || Lower(item.get<std::string>()) != Lower(part)) continue;
            if (found) return std::string(part);
            found = &item;
        }
        if (found) return *found;
    }
    if (const auto index = ParseInteger(part); index && *index >= 0) return *index;
    return std::string(part);
}

json ParseGeneric(std::string_view part) {
    if (const auto flag = ParseBool(part); flag && part != "0" && part != "1") return *flag;
    if (const auto integer = ParseInteger(part)) return *integer;
    if (const auto number = ParseNumber(part)) return *number;
    return std::string(part);
}

json Collapse(std::vector<json> values) {
    if (values.size() == 1) return std::move(values.front());
    return json(std::move(values));
}

/** What one channel's text asks for: the controls.set change kind and its amount. */
struct Item {
    std::string kind;  // "value", "db", "step" or "db_step"
    json amount;
};

/** "50%" -> 50; nullopt without a % suffix. Throws UsageError for a bad number. */
std::optional<double> ParsePercent(std::string_view text) {
    if (!text.ends_with('%')) return std::nullopt;
    const auto number = ParseNumber(Trim(text.substr(0, text.size() - 1)));
    if (!number) throw UsageError("value '" + std::string(text) + "' is not a percentage");
    return *number;
}

/** min and max of @p control. Throws UsageError naming @p text when they are unknown. */
std::pair<double, double> GetRange(const json& control, std::string_view text) {
    if (!control.contains("min") || !control["min"].is_number() || !control.contains("max") ||
        !control["max"].is_number())
        throw UsageError("value '" + std::string(text) +
                         "' needs a range, and this control has none");
    return {control["min"].get<double>(), control["max"].get<double>()};
}

/**
 * A relative change: a leading '+' ("+3", "+1dB", "+5%") or, as in amixer, a sign
 * after the number ("3-", "1dB+", "5%-"). A leading '-' is never relative: "-6dB" is
 * a level, and dB levels are mostly negative.
 */
std::optional<Item> ParseRelative(std::string_view part, const json& control) {
    double sign = 1;
    std::string_view body;
    if (part.size() >= 2 && part.front() == '+') {
        body = part.substr(1);
    } else if (part.size() >= 2 && (part.back() == '+' || part.back() == '-')) {
        sign = part.back() == '-' ? -1 : 1;
        body = Trim(part.substr(0, part.size() - 1));
    } else {
        return std::nullopt;
    }
    if (body.starts_with('+') || body.starts_with('-'))
        throw UsageError("value '" + std::string(part) +
                         "': write a relative change as +N or N-, not both signs");
    if (HasDbSuffix(body)) {
        const auto db = ParseDb(body);
        if (!db) throw UsageError("value '" + std::string(part) + "' is not a dB step");
        return Item{"db_step", sign * *db};
    }
    if (const auto percent = ParsePercent(body)) {
        /* As for a level: more than the whole range is a mistake, not a clamp. */
        if (*percent < 0 || *percent > 100)
            throw UsageError("value '" + std::string(part) +
                             "' is not a step between 0% and 100% of the range");
        const auto [min, max] = GetRange(control, part);
        const double unit = control.contains("step") && control["step"].is_number() &&
                                    control["step"].get<double>() > 0
                                ? control["step"].get<double>()
                                : 1.0;
        auto steps = static_cast<int64_t>(std::llround((max - min) * *percent / 100.0 / unit));
        /* A small percentage of a short range still moves. */
        if (steps == 0 && *percent != 0) steps = 1;
        return Item{"step", static_cast<int64_t>(sign) * steps};
    }
    const auto steps = ParseInteger(body);
    if (!steps)
        throw UsageError("value '" + std::string(part) + "' is not a whole number of steps");
    return Item{"step", static_cast<int64_t>(sign) * *steps};
}

Item ParseNumericItem(std::string_view part, const json& control, bool is_integer) {
    /* Silence, for a volume whose dB scale has a mute position at its bottom. */
    const std::string word = Lower(Trim(part));
    if (word == "mute" || word == "-inf" || word == "-infdb") {
        const json& db = control.contains("db") ? control["db"] : json();
        if (!db.is_object() || !db.contains("mute") || db["mute"] != true)
            throw UsageError("value '" + std::string(part) +
                             "': this control has no mute position (its lowest value is 'min')");
        return {"value", static_cast<int64_t>(std::llround(GetRange(control, part).first))};
    }
    if (auto relative = ParseRelative(part, control)) return std::move(*relative);
    if (HasDbSuffix(part)) {
        const auto db = ParseDb(part);
        if (!db) throw UsageError("value '" + std::string(part) + "' is not a dB number");
        return {"db", *db};
    }
    if (const auto percent = ParsePercent(part)) {
        if (*percent < 0 || *percent > 100)
            throw UsageError("value '" + std::string(part) + "' is not between 0% and 100%");
        const auto [min, max] = GetRange(control, part);
        return {"value", static_cast<int64_t>(std::llround(min + (max - min) * *percent / 100.0))};
    }
    return {"value", is_integer ? ParseIntegerItem(part, control) : ParseGeneric(part)};
}

}  // namespace

json ParseValue(std::string_view text, const json* control) {
    if (Trim(text).empty()) throw UsageError("empty value");
    const std::string type = control && control->contains("type") && (*control)["type"].is_string()
                                 ? (*control)["type"].get<std::string>()
                                 : "";
    const json no_info = json::object();
    const json& info = control ? *control : no_info;

    if (type == "bytes" || type == "iec958") return {{"value", std::string(Trim(text))}};

    if (type == "enumerated") {
        /* A label that itself contains a comma wins over splitting. */
        if (info.contains("items"))
            for (const auto& item : info["items"])
                if (item.is_string() && item.get<std::string>() == Trim(text))
                    return {{"value", item}};
        std::vector<json> values;
        for (const auto part : SplitChannels(text)) values.push_back(ParseEnumItem(part, info));
        return {{"value", Collapse(std::move(values))}};
    }

    if ((type == "boolean" || type.empty()) && Lower(Trim(text)) == "toggle")
        return {{"toggle", true}};
    if (type == "boolean") {
        std::vector<json> values;
        for (const auto part : SplitChannels(text)) {
            const auto flag = ParseBool(part);
            values.push_back(flag ? json(*flag) : json(std::string(part)));
        }
        return {{"value", Collapse(std::move(values))}};
    }

    const bool is_integer = type == "integer" || type == "integer64";
    std::vector<Item> items;
    for (const auto part : SplitChannels(text))
        items.push_back(ParseNumericItem(part, info, is_integer));
    std::vector<json> amounts;
    for (const auto& item : items) {
        if (item.kind != items.front().kind) {
            const bool db_mix = item.kind.starts_with("db") != items.front().kind.starts_with("db");
            throw UsageError("value '" + std::string(text) + "' mixes " +
                             (db_mix ? "dB and raw values" : "relative and absolute values"));
        }
        amounts.push_back(item.amount);
    }
    return {{items.front().kind, Collapse(std::move(amounts))}};
}

}  // namespace Cli
