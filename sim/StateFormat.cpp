// SPDX-License-Identifier: GPL-3.0-or-later
/* Writing state blocks in alsactl's layout and quoting. */

#include <cctype>
#include <cstdio>

#include "sim/StateFile.hpp"
#include "sim/StateSyntax.hpp"

namespace Sim {

namespace {

/** alsa-lib's string_print(): bare when safe, else '...' with C-like escapes. */
std::string Quote(std::string_view text, bool is_id) {
    if (text.empty()) return "''";
    bool quote = !is_id && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
    for (unsigned char c : text) {
        if (c <= 31 || c >= 127 ||
            std::string_view(" =;,.{}[]'\"*#").find(static_cast<char>(c)) != std::string_view::npos)
            quote = true;
    }
    if (!quote) return std::string(text);
    std::string out = "'";
    for (unsigned char c : text) {
        switch (c) {
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\v':
                out += "\\v";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\'':
                out += "\\'";
                break;
            default:
                if (c >= 32 && c <= 126) {
                    out += static_cast<char>(c);
                } else {
                    char buffer[5];
                    std::snprintf(buffer, sizeof buffer, "\\%03o", c);
                    out += buffer;
                }
        }
    }
    return out + "'";
}

/** Integers are written bare by alsactl (they are config integers, not strings). */
std::string ValueText(const StateControl& control, const std::string& value) {
    if ((control.type == "INTEGER" || control.type == "INTEGER64") &&
        StateSyntax::ParseInteger(value))
        return value;
    return Quote(value, false);
}

std::string JoinWords(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
    return out;
}

}  // namespace

std::string FormatState(const std::vector<StateBlock>& blocks) {
    std::string out;
    for (const auto& block : blocks) {
        out += "state." + Quote(block.id, true) + " {\n";
        for (const auto& control : block.controls) {
            out += "\tcontrol." + std::to_string(control.numid) + " {\n";
            out += "\t\tiface " + control.iface + "\n";
            out += "\t\tname " + Quote(control.name, false) + "\n";
            if (control.index != 0) out += "\t\tindex " + std::to_string(control.index) + "\n";
            if (control.device) out += "\t\tdevice " + std::to_string(*control.device) + "\n";
            if (control.subdevice)
                out += "\t\tsubdevice " + std::to_string(*control.subdevice) + "\n";
            if (control.values.size() == 1 && control.count <= 1) {
                out += "\t\tvalue " + ValueText(control, control.values[0]) + "\n";
            } else if (control.type == "BYTES" || control.type == "IEC958") {
                if (!control.values.empty())
                    out += "\t\tvalue " + Quote(control.values[0], false) + "\n";
            } else {
                for (size_t i = 0; i < control.values.size(); ++i)
                    out += "\t\tvalue." + std::to_string(i) + " " +
                           ValueText(control, control.values[i]) + "\n";
            }
            out += "\t\tcomment {\n";
            out += "\t\t\taccess " + Quote(JoinWords(control.access), false) + "\n";
            out += "\t\t\ttype " + control.type + "\n";
            out += "\t\t\tcount " + std::to_string(control.count) + "\n";
            if (control.range) {
                std::string range =
                    std::to_string(control.range->min) + " - " + std::to_string(control.range->max);
                if (control.range->step != 0)
                    range += " (step " + std::to_string(control.range->step) + ")";
                out += "\t\t\trange " + Quote(range, false) + "\n";
            }
            for (size_t i = 0; i < control.items.size(); ++i)
                out +=
                    "\t\t\titem." + std::to_string(i) + " " + Quote(control.items[i], false) + "\n";
            if (!control.tlv.empty()) {
                std::string hex;
                for (auto word : control.tlv) {
                    char buffer[9];
                    std::snprintf(buffer, sizeof buffer, "%08x", word);
                    hex += buffer;
                }
                out += "\t\t\ttlv " + Quote(hex, false) + "\n";
            }
            if (control.dbmin) out += "\t\t\tdbmin " + std::to_string(*control.dbmin) + "\n";
            if (control.dbmax) out += "\t\t\tdbmax " + std::to_string(*control.dbmax) + "\n";
            for (size_t i = 0; i < control.dbvalues.size(); ++i)
                out += "\t\t\tdbvalue." + std::to_string(i) + " " +
                       std::to_string(control.dbvalues[i]) + "\n";
            out += "\t\t}\n\t}\n";
        }
        out += "}\n";
    }
    return out;
}

}  // namespace Sim
