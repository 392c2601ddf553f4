// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Value.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/Options.hpp"

namespace Cli {

namespace {

using nlohmann::json;

std::string Lower(std::string_view text) {
    std::string result(text);
    for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return result;
}

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
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
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

    const auto parts = SplitChannels(text);
    size_t db_parts = 0;
    for (const auto part : parts) db_parts += HasDbSuffix(part) ? 1 : 0;
    if (db_parts != 0) {
        if (db_parts != parts.size())
            throw UsageError("value '" + std::string(text) + "' mixes dB and raw values");
        std::vector<json> values;
        for (const auto part : parts) {
            const auto db = ParseDb(part);
            if (!db) throw UsageError("value '" + std::string(part) + "' is not a dB number");
            values.push_back(*db);
        }
        return {{"db", Collapse(std::move(values))}};
    }

    std::vector<json> values;
    for (const auto part : parts)
        values.push_back(type == "integer" || type == "integer64" ? ParseIntegerItem(part, info)
                                                                  : ParseGeneric(part));
    return {{"value", Collapse(std::move(values))}};
}

}  // namespace Cli
