// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace State {

/** A key file that cannot be parsed: the 1-based line and why (preset.invalid). Never
 *  quotes the line itself: the file may not be a preset at all. */
class KeyFileError : public std::runtime_error {
  public:
    KeyFileError(size_t line, std::string reason);
    size_t GetLine() const noexcept { return line_; }
    const std::string& GetReason() const noexcept { return reason_; }

  private:
    size_t line_;
    std::string reason_;
};

/**
 * The "desktop entry" key-file format GLib's GKeyFile reads and writes, which
 * alsa-scarlett-gui's presets use: `[group]` lines, `key=value` lines, `#` comments
 * and blank lines. Whitespace around `=` is not part of the key or the value; values
 * are stored unescaped (GLib's `\s \n \t \r \\`). Groups and entries keep file order.
 */
class KeyFile {
  public:
    struct Entry {
        std::string key;
        std::string value;
        /** Where it was read (0: set in memory). */
        size_t line = 0;
    };
    struct Group {
        std::string name;
        std::vector<Entry> entries;
    };

    /** Throws KeyFileError. A key repeated in a group keeps its last value (as GLib
     *  does) and is listed by GetDuplicates(). */
    static KeyFile Parse(std::string_view text);

    const Group* FindGroup(std::string_view name) const noexcept;
    std::optional<std::string> Get(std::string_view group, std::string_view key) const;
    /** Adds or replaces; a new group goes last. @p key must be a valid key. */
    void Set(std::string_view group, std::string_view key, std::string_view value);
    const std::vector<Group>& GetGroups() const noexcept { return groups_; }
    /** "group/key" of every key that appeared more than once, in file order. */
    const std::vector<std::string>& GetDuplicates() const noexcept { return duplicates_; }

    /** The file's text: groups separated by a blank line, values escaped; @p header
     *  lines first, each prefixed with "# ". */
    std::string Serialize(const std::vector<std::string>& header = {}) const;
    /** Appends one `key=value` line as Serialize() writes it (the value escaped). */
    static void AppendEntry(std::string& out, std::string_view key, std::string_view value);

    /** True when @p key can be written as a key: not empty, no '=', '[', ']', line
     *  breaks or surrounding whitespace. */
    static bool IsValidKey(std::string_view key) noexcept;

  private:
    struct KeyHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    using KeyIndex = std::unordered_map<std::string, size_t, KeyHash, std::equal_to<>>;

    /** Group @p name's position, if it has one. */
    std::optional<size_t> GroupIndex(std::string_view name) const noexcept;
    /** Group @p name's position; a new group goes last. */
    size_t GroupAt(std::string_view name);
    /** Group @p g's entry for @p key, or null. */
    const Entry* FindEntry(size_t g, std::string_view key) const;
    Entry* FindEntry(size_t g, std::string_view key) {
        return const_cast<Entry*>(std::as_const(*this).FindEntry(g, key));
    }
    void AddEntry(size_t g, Entry entry);

    std::vector<Group> groups_;
    /* Each group's keys -> their entries' positions, in step with groups_ (entries are
     * never removed): a large device's preset has over a thousand keys in one group,
     * and a scan per key made writing its last state quadratic. */
    std::vector<KeyIndex> index_;
    std::vector<std::string> duplicates_;
};

/** GLib's escaping of a string value: backslash, line breaks, tabs, a leading space. */
std::string EscapeValue(std::string_view value);
/** The reverse; an unknown escape or a trailing backslash is an error (throws
 *  std::invalid_argument). */
std::string UnescapeValue(std::string_view value);

}  // namespace State
