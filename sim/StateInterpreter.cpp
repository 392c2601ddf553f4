// SPDX-License-Identifier: GPL-3.0-or-later
/* The meaning of a state file's tree: state blocks, controls, normalised values. */

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <sstream>

#include "sim/StateFile.hpp"
#include "sim/StateSyntax.hpp"

namespace Sim {

namespace {

using StateSyntax::Node;
using StateSyntax::ParseInteger;

std::optional<std::string> NormaliseBool(std::string_view text) {
    if (text == "true" || text == "on" || text == "yes" || text == "1") return "true";
    if (text == "false" || text == "off" || text == "no" || text == "0") return "false";
    return std::nullopt;
}

bool IsHex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string Lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

/** Gives the nodes of a state file their meaning: controls, their values and comments. */
class Interpreter {
  public:
    explicit Interpreter(const std::string& origin) : origin_(origin) {}

    StateControl Control(const Node& node) {
        StateControl control;
        auto numid = ParseInteger(node.key);
        if (!numid || *numid < 0) Fail(node, "control key '" + node.key + "' is not a number");
        control.numid = static_cast<unsigned>(*numid);
        if (!node.compound) Fail(node, "control." + node.key + " is not a compound");

        control.iface = Leaf(node, "iface", true);
        control.name = Leaf(node, "name", true);
        if (node.Child("index")) control.index = Unsigned(node, "index");
        if (node.Child("device")) control.device = Unsigned(node, "device");
        if (node.Child("subdevice")) control.subdevice = Unsigned(node, "subdevice");

        if (const Node* comment = node.Child("comment")) Comment(*comment, control);

        std::vector<std::string> raw;
        if (const Node* value = node.Child("value")) raw = Values(*value);
        if (control.count == 0 && control.type != "BYTES" && control.type != "IEC958")
            control.count = static_cast<unsigned>(raw.size());
        control.values = NormaliseValues(node, control, raw);
        return control;
    }

  private:
    [[noreturn]] void Fail(const Node& node, const std::string& message) const {
        StateSyntax::Fail(origin_, node.line, message);
    }

    std::string Leaf(const Node& parent, std::string_view key, bool required) const {
        const Node* child = parent.Child(key);
        if (!child) {
            if (required) Fail(parent, std::string(key) + " missing in " + parent.key);
            return {};
        }
        if (child->compound) Fail(*child, std::string(key) + " must be a single value");
        return child->value;
    }

    long long Integer(const Node& parent, std::string_view key) const {
        std::string text = Leaf(parent, key, true);
        auto number = ParseInteger(text);
        if (!number)
            Fail(*parent.Child(key), std::string(key) + " '" + text + "' is not an integer");
        return *number;
    }

    unsigned Unsigned(const Node& parent, std::string_view key) const {
        long long number = Integer(parent, key);
        if (number < 0 || number > 0xffffffffLL)
            Fail(*parent.Child(key), std::string(key) + " out of range");
        return static_cast<unsigned>(number);
    }

    /** A leaf, or a compound/array of leaves keyed 0..n-1 (any order in the file). */
    std::vector<std::string> Values(const Node& node) const {
        if (!node.compound) return {node.value};
        std::map<long long, std::string> by_index;
        for (const auto& child : node.children) {
            auto index = ParseInteger(child->key);
            if (!index || *index < 0 || child->compound)
                Fail(*child, node.key + "." + child->key + " is not an indexed value");
            by_index[*index] = child->value;
        }
        std::vector<std::string> out;
        for (auto& [index, text] : by_index) {
            if (index != static_cast<long long>(out.size()))
                Fail(node, node.key + " has a gap at index " + std::to_string(out.size()));
            out.push_back(text);
        }
        return out;
    }

    void Comment(const Node& comment, StateControl& control) const {
        if (!comment.compound) return;
        std::istringstream access(Leaf(comment, "access", false));
        for (std::string word; access >> word;) control.access.push_back(word);
        control.type = Leaf(comment, "type", false);
        if (comment.Child("count")) control.count = Unsigned(comment, "count");
        if (comment.Child("range")) {
            std::string text = Leaf(comment, "range", true);
            StateRange range;
            int matched = std::sscanf(text.c_str(), "%lld - %lld (step %lld)", &range.min,
                                      &range.max, &range.step);
            if (matched < 2) Fail(*comment.Child("range"), "bad range '" + text + "'");
            control.range = range;
        }
        if (const Node* items = comment.Child("item")) control.items = Values(*items);
        if (comment.Child("dbmin")) control.dbmin = Integer(comment, "dbmin");
        if (comment.Child("dbmax")) control.dbmax = Integer(comment, "dbmax");
        if (const Node* dbvalues = comment.Child("dbvalue")) {
            for (const auto& text : Values(*dbvalues)) {
                auto number = ParseInteger(text);
                if (!number) Fail(*dbvalues, "dbvalue '" + text + "' is not an integer");
                control.dbvalues.push_back(*number);
            }
        }
        if (comment.Child("tlv")) {
            std::string hex = Leaf(comment, "tlv", true);
            if (hex.size() % 8 != 0 || !IsHex(hex))
                Fail(*comment.Child("tlv"), "tlv is not a string of 32-bit hex words");
            for (size_t i = 0; i < hex.size(); i += 8)
                control.tlv.push_back(
                    static_cast<std::uint32_t>(std::stoul(hex.substr(i, 8), nullptr, 16)));
        }
    }

    std::vector<std::string> NormaliseValues(const Node& node, const StateControl& control,
                                             const std::vector<std::string>& raw) const {
        std::vector<std::string> out;
        const std::string& type = control.type;
        if (type == "BYTES" || type == "IEC958") {
            // alsactl writes one hex string; with a known count its length settles it.
            if (raw.size() == 1 && IsHex(raw[0]) && raw[0].size() % 2 == 0 &&
                (control.count == 0 ? raw[0].size() > 2 : raw[0].size() == 2 * control.count))
                return {Lower(raw[0])};
            // One number per byte, the other form alsactl restore accepts.
            std::string hex;
            for (const auto& text : raw) {
                auto byte = ParseInteger(text);
                if (!byte || *byte < 0 || *byte > 255) Fail(node, "bad byte value '" + text + "'");
                char buffer[3];
                std::snprintf(buffer, sizeof buffer, "%02llx", *byte);
                hex += buffer;
            }
            return raw.empty() ? std::vector<std::string>{} : std::vector<std::string>{hex};
        }
        for (const auto& text : raw) {
            if (type == "BOOLEAN") {
                auto value = NormaliseBool(text);
                if (!value) Fail(node, "bad boolean '" + text + "' in " + control.Describe());
                out.push_back(*value);
            } else if (type == "INTEGER" || type == "INTEGER64") {
                auto value = ParseInteger(text);
                if (!value) Fail(node, "bad integer '" + text + "' in " + control.Describe());
                out.push_back(std::to_string(*value));
            } else if (type == "ENUMERATED") {
                auto found = std::find(control.items.begin(), control.items.end(), text);
                auto index = ParseInteger(text);
                if (found == control.items.end() && index && *index >= 0 &&
                    *index < static_cast<long long>(control.items.size()))
                    out.push_back(control.items[static_cast<size_t>(*index)]);
                else
                    out.push_back(text);
            } else {
                out.push_back(text);
            }
        }
        return out;
    }

    const std::string& origin_;
};

}  // namespace

std::vector<StateBlock> ParseState(std::string_view text, const std::string& origin) {
    auto root = StateSyntax::Parse(text, origin);
    Interpreter interpreter(origin);
    std::vector<StateBlock> blocks;
    for (const auto& top : root->children) {
        if (top->key != "state") continue;
        if (!top->compound) StateSyntax::Fail(origin, top->line, "state must be a compound");
        for (const auto& block_node : top->children) {
            StateBlock block;
            block.id = block_node->key;
            if (!block_node->compound)
                StateSyntax::Fail(origin, block_node->line,
                                  "state." + block.id + " must be a compound");
            if (const Node* controls = block_node->Child("control")) {
                if (!controls->compound)
                    StateSyntax::Fail(origin, controls->line, "control must be a compound");
                block.controls.reserve(controls->children.size());
                for (const auto& control : controls->children)
                    block.controls.push_back(interpreter.Control(*control));
            }
            blocks.push_back(std::move(block));
        }
    }
    return blocks;
}

}  // namespace Sim
