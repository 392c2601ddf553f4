// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/state/KeyFile.hpp"

#include <algorithm>

namespace State {

namespace {

bool IsSpace(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view Trim(std::string_view s) noexcept {
    while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

KeyFileError::KeyFileError(size_t line, std::string reason)
    : std::runtime_error("line " + std::to_string(line) + ": " + reason),
      line_(line),
      reason_(std::move(reason)) {}

std::string EscapeValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            /* Leading whitespace would be taken for the space around '='. */
            case ' ':
                out += i == 0 ? "\\s" : " ";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string UnescapeValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\') {
            out += value[i];
            continue;
        }
        if (++i == value.size()) throw std::invalid_argument("a value ends with a backslash");
        switch (value[i]) {
            case 's':
                out += ' ';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            /* GLib keeps "\;" for string lists; as a plain string it is ";\;". */
            case ';':
                out += "\\;";
                break;
            default:
                throw std::invalid_argument("a value has an unknown escape");
        }
    }
    return out;
}

bool KeyFile::IsValidKey(std::string_view key) noexcept {
    if (key.empty() || IsSpace(key.front()) || IsSpace(key.back())) return false;
    return std::none_of(key.begin(), key.end(), [](char c) {
        return c == '=' || c == '[' || c == ']' || c == '\n' || c == '\r' || c == '\0';
    });
}

KeyFile KeyFile::Parse(std::string_view text) {
    KeyFile file;
    std::optional<size_t> group;
    size_t number = 0;
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find('\0') != std::string_view::npos)
            throw KeyFileError(number, "a NUL byte: not a text file");
        const std::string_view trimmed = Trim(line);
        if (trimmed.empty() || trimmed.front() == '#') continue;
        if (trimmed.front() == '[') {
            if (trimmed.back() != ']' || trimmed.size() < 3)
                throw KeyFileError(number, "a group line without its closing ']'");
            const std::string_view name = trimmed.substr(1, trimmed.size() - 2);
            if (name.find_first_of("[]") != std::string_view::npos)
                throw KeyFileError(number, "a group name with '[' or ']'");
            /* A group seen again continues (GLib merges them). */
            group = file.GroupAt(name);
            continue;
        }
        const size_t equals = line.find('=');
        if (equals == std::string_view::npos)
            throw KeyFileError(number, "neither a key=value pair, a group nor a comment");
        if (!group) throw KeyFileError(number, "a key before the first group");
        const std::string_view key = Trim(line.substr(0, equals));
        if (!IsValidKey(key)) throw KeyFileError(number, "an invalid key");
        std::string value;
        try {
            /* Leading whitespace belongs to the '=' (GLib); trailing stays. */
            std::string_view raw = line.substr(equals + 1);
            while (!raw.empty() && IsSpace(raw.front())) raw.remove_prefix(1);
            value = UnescapeValue(raw);
        } catch (const std::invalid_argument& e) {
            throw KeyFileError(number, e.what());
        }
        if (Entry* seen = file.FindEntry(*group, key)) {
            file.duplicates_.push_back(file.groups_[*group].name + "/" + std::string(key));
            seen->value = std::move(value);
            seen->line = number;
        } else {
            file.AddEntry(*group, {std::string(key), std::move(value), number});
        }
    }
    return file;
}

std::optional<size_t> KeyFile::GroupIndex(std::string_view name) const noexcept {
    for (size_t i = 0; i < groups_.size(); ++i)
        if (groups_[i].name == name) return i;
    return std::nullopt;
}

size_t KeyFile::GroupAt(std::string_view name) {
    if (const auto i = GroupIndex(name)) return *i;
    groups_.push_back({std::string(name), {}});
    index_.emplace_back();
    return groups_.size() - 1;
}

const KeyFile::Entry* KeyFile::FindEntry(size_t g, std::string_view key) const {
    const auto it = index_[g].find(key);
    return it == index_[g].end() ? nullptr : &groups_[g].entries[it->second];
}

void KeyFile::AddEntry(size_t g, Entry entry) {
    index_[g].emplace(entry.key, groups_[g].entries.size());
    groups_[g].entries.push_back(std::move(entry));
}

const KeyFile::Group* KeyFile::FindGroup(std::string_view name) const noexcept {
    const auto g = GroupIndex(name);
    return g ? &groups_[*g] : nullptr;
}

std::optional<std::string> KeyFile::Get(std::string_view group, std::string_view key) const {
    const auto g = GroupIndex(group);
    const Entry* e = g ? FindEntry(*g, key) : nullptr;
    return e ? std::optional(e->value) : std::nullopt;
}

void KeyFile::Set(std::string_view group, std::string_view key, std::string_view value) {
    if (!IsValidKey(key)) throw std::invalid_argument("invalid key-file key");
    const size_t g = GroupAt(group);
    if (Entry* e = FindEntry(g, key))
        e->value = std::string(value);
    else
        AddEntry(g, {std::string(key), std::string(value), 0});
}

std::string KeyFile::Serialize(const std::vector<std::string>& header) const {
    std::string out;
    for (const auto& line : header) out += "# " + line + "\n";
    for (size_t i = 0; i < groups_.size(); ++i) {
        if (i > 0 || !header.empty()) out += '\n';
        out += "[" + groups_[i].name + "]\n";
        for (const auto& e : groups_[i].entries) AppendEntry(out, e.key, e.value);
    }
    return out;
}

void KeyFile::AppendEntry(std::string& out, std::string_view key, std::string_view value) {
    out += key;
    out += '=';
    out += EscapeValue(value);
    out += '\n';
}

}  // namespace State
