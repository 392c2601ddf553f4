// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/ControlRef.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "cli/Options.hpp"

namespace Cli {

namespace {

std::optional<long long> ParseUnsigned(std::string_view text) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool IsAmixerStyle(std::string_view text) {
    const std::string lower = Lower(text.substr(0, 6));
    return lower.starts_with("numid=") || lower.starts_with("name=") ||
           lower.starts_with("index=") || lower.starts_with("iface=");
}

/** Splits "a=1,name='x,y'" on commas outside quotes and removes the quotes. */
std::vector<std::string> SplitQuoted(std::string_view text) {
    std::vector<std::string> parts(1);
    char quote = 0;
    for (char c : text) {
        if (quote) {
            if (c == quote)
                quote = 0;
            else
                parts.back() += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == ',') {
            parts.emplace_back();
        } else {
            parts.back() += c;
        }
    }
    if (quote) throw UsageError("unterminated quote in control '" + std::string(text) + "'");
    return parts;
}

nlohmann::json ParseAmixerStyle(std::string_view text) {
    nlohmann::json ref = nlohmann::json::object();
    for (const auto& part : SplitQuoted(text)) {
        const auto eq = part.find('=');
        if (eq == std::string::npos)
            throw UsageError("control '" + std::string(text) + "': expected key=value, got '" +
                             part + "'");
        const std::string key = Lower(part.substr(0, eq));
        const std::string value = part.substr(eq + 1);
        if (key == "numid" || key == "index") {
            const auto number = ParseUnsigned(value);
            if (!number)
                throw UsageError("control '" + std::string(text) + "': " + key +
                                 " must be a number");
            ref[key] = *number;
        } else if (key == "name") {
            ref["name"] = value;
        } else if (key == "iface") {
            /* amixer prints MIXER; the protocol wants lowercase. */
            ref["iface"] = Lower(value);
        } else {
            throw UsageError("control '" + std::string(text) + "': unknown key '" + key + "'");
        }
    }
    if (ref.contains("numid")) {
        if (ref.size() != 1)
            throw UsageError("control '" + std::string(text) +
                             "': numid cannot be combined with other keys");
        return ref;
    }
    if (!ref.contains("name") || ref["name"].get<std::string>().empty())
        throw UsageError("control '" + std::string(text) + "': needs numid= or name=");
    return ref;
}

}  // namespace

std::string Lower(std::string_view text) {
    std::string result(text);
    for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return result;
}

nlohmann::json ParseControlRef(std::string_view text) {
    if (text.empty()) throw UsageError("empty control name");
    if (const auto numid = ParseUnsigned(text)) return *numid;
    if (IsAmixerStyle(text)) return ParseAmixerStyle(text);

    /* "Name,INDEX": the index is what follows the last comma, when it is a number. */
    if (const auto comma = text.rfind(','); comma != std::string_view::npos) {
        if (const auto index = ParseUnsigned(text.substr(comma + 1))) {
            const auto name = text.substr(0, comma);
            if (name.empty()) throw UsageError("control '" + std::string(text) + "' has no name");
            return {{"name", std::string(name)}, {"index", *index}};
        }
    }
    return std::string(text);
}

}  // namespace Cli
