// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/StateFile.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

namespace Sim {

namespace {

// ---- alsa-lib configuration syntax -------------------------------------------------

enum class TokenKind { End, Word, String, Punct };

struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;
    int line = 0;
};

/** Splits text into tokens the way alsa-lib's conf.c does for the subset alsactl uses. */
class Lexer {
  public:
    Lexer(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

    Token Next() {
        SkipBlanks();
        Token token;
        token.line = line_;
        if (pos_ >= text_.size()) return token;
        char c = text_[pos_];
        if (IsPunct(c)) {
            ++pos_;
            token.kind = TokenKind::Punct;
            token.text = std::string(1, c);
        } else if (c == '\'' || c == '"') {
            token.kind = TokenKind::String;
            token.text = ReadQuoted(c);
        } else {
            token.kind = TokenKind::Word;
            size_t start = pos_;
            while (pos_ < text_.size() && !IsWordEnd(text_[pos_])) ++pos_;
            token.text = std::string(text_.substr(start, pos_ - start));
        }
        return token;
    }

    [[noreturn]] void Fail(int line, const std::string& message) const {
        throw StateFileError(origin_ + ":" + std::to_string(line) + ": " + message);
    }

  private:
    static bool IsPunct(char c) {
        return c == '{' || c == '}' || c == '[' || c == ']' || c == '=' || c == ';' || c == ',';
    }
    static bool IsWordEnd(char c) {
        return std::isspace(static_cast<unsigned char>(c)) || IsPunct(c) || c == '\'' || c == '"' ||
               c == '#' || c == '\\';
    }

    void SkipBlanks() {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') {
                ++line_;
                ++pos_;
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                ++pos_;
            } else if (c == '#') {
                while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            } else {
                break;
            }
        }
    }

    std::string ReadQuoted(char quote) {
        int start_line = line_;
        ++pos_;
        std::string out;
        while (true) {
            if (pos_ >= text_.size()) Fail(start_line, "unterminated string");
            char c = text_[pos_++];
            if (c == quote) return out;
            if (c == '\n') ++line_;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) Fail(start_line, "unterminated string");
            c = text_[pos_++];
            switch (c) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'v':
                    out += '\v';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 'f':
                    out += '\f';
                    break;
                default:
                    if (c >= '0' && c <= '7') {
                        // Up to three octal digits, as alsactl writes bytes outside 32..126.
                        int value = c - '0';
                        for (int i = 0; i < 2 && pos_ < text_.size() && text_[pos_] >= '0' &&
                                        text_[pos_] <= '7';
                             ++i)
                            value = value * 8 + (text_[pos_++] - '0');
                        out += static_cast<char>(value);
                    } else {
                        out += c;
                    }
            }
        }
    }

    std::string_view text_;
    const std::string& origin_;
    size_t pos_ = 0;
    int line_ = 1;
};

struct Node {
    std::string key;
    bool compound = false;
    std::string value;  // leaf only
    int line = 0;
    std::vector<std::unique_ptr<Node>> children;

    const Node* Child(std::string_view name) const {
        for (const auto& child : children)
            if (child->key == name) return child.get();
        return nullptr;
    }
};

class Parser {
  public:
    Parser(std::string_view text, const std::string& origin) : lexer_(text, origin) {}

    std::unique_ptr<Node> ParseTop() {
        auto root = std::make_unique<Node>();
        root->compound = true;
        ParseCompound(*root, "");
        return root;
    }

    [[noreturn]] void Fail(int line, const std::string& message) const {
        lexer_.Fail(line, message);
    }

  private:
    // Keys repeat when a file uses dotted paths (value.0, value.1): merge into one node.
    Node& ChildFor(Node& parent, const std::string& key, int line) {
        for (auto it = parent.children.rbegin(); it != parent.children.rend(); ++it)
            if ((*it)->key == key) return **it;
        auto child = std::make_unique<Node>();
        child->key = key;
        child->line = line;
        parent.children.push_back(std::move(child));
        return *parent.children.back();
    }

    void ParseCompound(Node& node, std::string_view closing) {
        while (true) {
            Token token = lexer_.Next();
            if (token.kind == TokenKind::End) {
                if (!closing.empty()) Fail(token.line, "missing '" + std::string(closing) + "'");
                return;
            }
            if (token.kind == TokenKind::Punct) {
                if (token.text == closing) return;
                if (token.text == ";" || token.text == ",") continue;
                Fail(token.line, "unexpected '" + token.text + "'");
            }
            ParseDefinition(node, token);
        }
    }

    void ParseDefinition(Node& node, const Token& key_token) {
        std::vector<std::string> path;
        if (key_token.kind == TokenKind::Word) {
            std::string_view key = key_token.text;
            size_t start = 0;
            while (true) {
                size_t dot = key.find('.', start);
                path.emplace_back(key.substr(start, dot - start));
                if (dot == std::string_view::npos) break;
                start = dot + 1;
            }
        } else {
            path.push_back(key_token.text);
        }
        for (const auto& part : path)
            if (part.empty()) Fail(key_token.line, "empty key in '" + key_token.text + "'");
        Node* target = &node;
        for (size_t i = 0; i + 1 < path.size(); ++i) {
            target = &ChildFor(*target, path[i], key_token.line);
            target->compound = true;
        }
        Token token = lexer_.Next();
        if (token.kind == TokenKind::Punct && token.text == "=") token = lexer_.Next();
        ParseValue(ChildFor(*target, path.back(), key_token.line), token);
    }

    void ParseValue(Node& node, const Token& token) {
        if (token.kind == TokenKind::Word || token.kind == TokenKind::String) {
            node.compound = false;
            node.children.clear();
            node.value = token.text;
            return;
        }
        if (token.kind == TokenKind::Punct && token.text == "{") {
            node.compound = true;
            ParseCompound(node, "}");
            return;
        }
        if (token.kind == TokenKind::Punct && token.text == "[") {
            node.compound = true;
            ParseArray(node);
            return;
        }
        Fail(token.line, token.kind == TokenKind::End ? "missing value at end of file"
                                                      : "unexpected '" + token.text + "'");
    }

    void ParseArray(Node& node) {
        int next_index = 0;
        while (true) {
            Token token = lexer_.Next();
            if (token.kind == TokenKind::End) Fail(token.line, "missing ']'");
            if (token.kind == TokenKind::Punct && token.text == "]") return;
            if (token.kind == TokenKind::Punct && (token.text == ";" || token.text == ","))
                continue;
            ParseValue(ChildFor(node, std::to_string(next_index++), token.line), token);
        }
    }

    Lexer lexer_;
};

// ---- interpretation --------------------------------------------------------------

std::optional<long long> ParseInteger(std::string_view text) {
    bool negative = !text.empty() && text[0] == '-';
    std::string_view digits = negative ? text.substr(1) : text;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
    }
    unsigned long long magnitude = 0;
    auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
        return std::nullopt;
    if (negative) return -static_cast<long long>(magnitude);
    return static_cast<long long>(magnitude);
}

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

class Interpreter {
  public:
    explicit Interpreter(const Parser& parser) : parser_(parser) {}

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
        parser_.Fail(node.line, message);
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

    const Parser& parser_;
};

// ---- writing -----------------------------------------------------------------------

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
    if ((control.type == "INTEGER" || control.type == "INTEGER64") && ParseInteger(value))
        return value;
    return Quote(value, false);
}

std::string JoinWords(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
    return out;
}

}  // namespace

// ---- public API ----------------------------------------------------------------------

bool StateControl::HasAccess(std::string_view word) const {
    return std::find(access.begin(), access.end(), word) != access.end();
}

std::string StateControl::Describe() const {
    std::string out = iface + " '" + name + "'," + std::to_string(index);
    if (device) out += " device " + std::to_string(*device);
    if (subdevice) out += " subdevice " + std::to_string(*subdevice);
    return out;
}

const StateControl* StateBlock::Find(std::string_view iface, std::string_view name, unsigned index,
                                     std::optional<unsigned> device,
                                     std::optional<unsigned> subdevice) const {
    for (const auto& control : controls)
        if (control.iface == iface && control.name == name && control.index == index &&
            control.device.value_or(0) == device.value_or(0) &&
            control.subdevice.value_or(0) == subdevice.value_or(0))
            return &control;
    return nullptr;
}

std::vector<StateBlock> ParseState(std::string_view text, const std::string& origin) {
    Parser parser(text, origin);
    auto root = parser.ParseTop();
    Interpreter interpreter(parser);
    std::vector<StateBlock> blocks;
    for (const auto& top : root->children) {
        if (top->key != "state") continue;
        if (!top->compound) parser.Fail(top->line, "state must be a compound");
        for (const auto& block_node : top->children) {
            StateBlock block;
            block.id = block_node->key;
            if (!block_node->compound)
                parser.Fail(block_node->line, "state." + block.id + " must be a compound");
            if (const Node* controls = block_node->Child("control")) {
                if (!controls->compound) parser.Fail(controls->line, "control must be a compound");
                block.controls.reserve(controls->children.size());
                for (const auto& control : controls->children)
                    block.controls.push_back(interpreter.Control(*control));
            }
            blocks.push_back(std::move(block));
        }
    }
    return blocks;
}

std::vector<StateBlock> LoadStateFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StateFileError(path.string() + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw StateFileError(path.string() + ": read error");
    return ParseState(text.str(), path.string());
}

const StateBlock& SelectBlock(const std::vector<StateBlock>& blocks, std::string_view id) {
    if (id.empty()) {
        if (blocks.size() == 1) return blocks.front();
        std::string ids;
        for (const auto& block : blocks) ids += " " + block.id;
        throw StateFileError(blocks.empty() ? std::string("no state blocks")
                                            : "several state blocks, choose one of:" + ids);
    }
    for (const auto& block : blocks)
        if (block.id == id) return block;
    throw StateFileError("no block state." + std::string(id));
}

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

std::vector<std::string> CompareBlocks(const StateBlock& expected, const StateBlock& actual,
                                       const CompareOptions& options) {
    std::vector<std::string> diffs;
    using Key = std::tuple<std::string, std::string, unsigned, unsigned, unsigned>;
    auto key_of = [](const StateControl& control) {
        return Key{control.iface, control.name, control.index, control.device.value_or(0),
                   control.subdevice.value_or(0)};
    };
    std::map<Key, const StateControl*> actual_by_key;
    for (const auto& control : actual.controls) actual_by_key[key_of(control)] = &control;

    auto filtered_access = [&](const StateControl& control) {
        std::vector<std::string> words;
        for (const auto& word : control.access)
            if (std::find(options.ignore_access.begin(), options.ignore_access.end(), word) ==
                options.ignore_access.end())
                words.push_back(word);
        std::sort(words.begin(), words.end());
        return words;
    };
    auto join = [](const std::vector<std::string>& list) {
        std::string out = "[";
        for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i];
        return out + "]";
    };
    auto join_numbers = [&](const auto& list) {
        std::vector<std::string> text;
        for (auto number : list) text.push_back(std::to_string(number));
        return join(text);
    };
    auto range_text = [](const std::optional<StateRange>& range) {
        if (!range) return std::string("none");
        return std::to_string(range->min) + " - " + std::to_string(range->max) + " (step " +
               std::to_string(range->step) + ")";
    };
    auto optional_text = [](const std::optional<long long>& value) {
        return value ? std::to_string(*value) : std::string("none");
    };

    std::map<Key, bool> seen;
    for (const auto& want : expected.controls) {
        Key key = key_of(want);
        seen[key] = true;
        auto found = actual_by_key.find(key);
        std::string where = want.Describe() + ": ";
        if (found == actual_by_key.end()) {
            diffs.push_back(where + "missing");
            continue;
        }
        const StateControl& got = *found->second;
        if (want.type != got.type) diffs.push_back(where + "type " + want.type + " != " + got.type);
        if (want.count != got.count)
            diffs.push_back(where + "count " + std::to_string(want.count) +
                            " != " + std::to_string(got.count));
        if (filtered_access(want) != filtered_access(got))
            diffs.push_back(where + "access " + join(want.access) + " != " + join(got.access));
        if (want.range != got.range)
            diffs.push_back(where + "range " + range_text(want.range) +
                            " != " + range_text(got.range));
        if (want.items != got.items)
            diffs.push_back(where + "items " + join(want.items) + " != " + join(got.items));
        if (want.dbmin != got.dbmin || want.dbmax != got.dbmax)
            diffs.push_back(where + "dB range " + optional_text(want.dbmin) + ".." +
                            optional_text(want.dbmax) + " != " + optional_text(got.dbmin) + ".." +
                            optional_text(got.dbmax));
        bool compare_tlv = !options.ignore_tlv && !(options.ignore_missing_tlv && want.tlv.empty());
        if (compare_tlv && want.tlv != got.tlv)
            diffs.push_back(where + "tlv " + join_numbers(want.tlv) +
                            " != " + join_numbers(got.tlv));
        bool check_values = !options.ignore_values &&
                            !(options.ignore_read_only_values && !want.HasAccess("write"));
        if (check_values && want.values != got.values)
            diffs.push_back(where + "values " + join(want.values) + " != " + join(got.values));
        if (check_values && !options.ignore_dbvalues && want.dbvalues != got.dbvalues)
            diffs.push_back(where + "dB values " + join_numbers(want.dbvalues) +
                            " != " + join_numbers(got.dbvalues));
    }
    if (!options.allow_extra)
        for (const auto& control : actual.controls)
            if (!seen.count(key_of(control))) diffs.push_back(control.Describe() + ": unexpected");
    if (options.compare_order) {
        // The first control both blocks have whose position among the common ones differs.
        std::vector<const StateControl*> want_common, got_common;
        for (const auto& control : expected.controls)
            if (actual_by_key.count(key_of(control))) want_common.push_back(&control);
        for (const auto& control : actual.controls)
            if (seen.count(key_of(control))) got_common.push_back(&control);
        for (size_t i = 0; i < want_common.size() && i < got_common.size(); ++i) {
            if (key_of(*want_common[i]) == key_of(*got_common[i])) continue;
            diffs.push_back(want_common[i]->Describe() + ": order: numid " +
                            std::to_string(want_common[i]->numid) + " comes where the other has " +
                            got_common[i]->Describe());
            break;
        }
    }
    return diffs;
}

}  // namespace Sim
