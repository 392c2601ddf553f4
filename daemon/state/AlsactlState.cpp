// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/state/AlsactlState.hpp"

#include <charconv>

#include "daemon/state/KeyFile.hpp"
#include "sim/StateFile.hpp"

namespace State {

namespace {

/** StateFileError's what() is "origin:line: message"; the line, for preset.invalid. */
size_t LineOf(const std::string& what) {
    const size_t first = what.find(':');
    if (first == std::string::npos) return 0;
    size_t line = 0;
    const char* begin = what.data() + first + 1;
    std::from_chars(begin, what.data() + what.size(), line);
    return line;
}

}  // namespace

ImportedState ImportAlsactlState(std::string_view text) {
    std::vector<Sim::StateBlock> blocks;
    try {
        blocks = Sim::ParseState(text, "state");
    } catch (const Sim::StateFileError& e) {
        /* The message names the syntax at fault, never the file's content. */
        const std::string what = e.what();
        const size_t second = what.find(": ");
        throw KeyFileError(LineOf(what), second == std::string::npos
                                             ? "not an alsactl state file"
                                             : "alsactl state: " + what.substr(second + 2));
    }
    if (blocks.empty()) throw KeyFileError(1, "no state.<card> block: not an alsactl state file");
    ImportedState imported;
    imported.preset.model = blocks.front().id;
    for (const auto& control : blocks.front().controls) {
        if (!control.HasAccess("write")) continue;
        if (control.type != "BOOLEAN" && control.type != "INTEGER" &&
            control.type != "ENUMERATED") {
            imported.skipped.emplace_back(
                control.name, "a " + control.type + " value in a .state file is not loaded");
            continue;
        }
        if (control.index != 0) {
            imported.skipped.emplace_back(control.name + " index " + std::to_string(control.index),
                                          "presets name controls by name alone (index 0)");
            continue;
        }
        std::string value;
        for (const auto& v : control.values) {
            if (!value.empty()) value += ',';
            value += v;
        }
        imported.preset.controls.push_back({control.name, std::move(value), 0});
    }
    return imported;
}

}  // namespace State
