// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
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

    /** True when @p key can be written as a key: not empty, no '=', '[', ']', line
     *  breaks or surrounding whitespace. */
    static bool IsValidKey(std::string_view key) noexcept;

  private:
    Group& GroupFor(std::string_view name);
    std::vector<Group> groups_;
    std::vector<std::string> duplicates_;
};

/** GLib's escaping of a string value: backslash, line breaks, tabs, a leading space. */
std::string EscapeValue(std::string_view value);
/** The reverse; an unknown escape or a trailing backslash is an error (throws
 *  std::invalid_argument). */
std::string UnescapeValue(std::string_view value);

}  // namespace State
