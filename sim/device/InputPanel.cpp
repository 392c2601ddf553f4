// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/InputPanel.hpp"

#include <algorithm>

#include "sim/device/ActionWords.hpp"
#include "sim/device/Autogain.hpp"

namespace Sim::DeviceDetail {

namespace {

/* A per-input button: its word in "press WORD INPUT", its name in messages, its slot. */
struct InputButton {
    const char* word;
    const char* what;
    std::optional<std::size_t> Input::*slot;
};
constexpr InputButton INPUT_BUTTONS[] = {
    {"phantom", "48V (phantom power)", &Input::phantom},
    {"air", "Air", &Input::air},
    {"inst", "Inst (line/instrument)", &Input::level},
    {"pad", "Pad", &Input::pad},
    {"safe", "Safe", &Input::safe},
    {"mute", "input mute", &Input::mute},
};

}  // namespace

bool InputPanel::Press(std::string_view button, std::span<const std::string> words,
                       EventSink& sink) {
    if (button == "select") {
        const auto select = layout_.input_select;
        if (!select) throw ActionError("this model has no input Select button");
        autogain_.RefuseIfLocked(*select);
        controls_.Step(*select, sink);
        if (!layout_.fcp) {
            sink.Add(*select, EVENT_VALUE | EVENT_INFO);
            for (const auto& [number, in] : layout_.inputs) sink.Add(in.link, EVENT_VALUE);
        }
        return true;
    }
    if (button == "direct" || button == "monitor") {
        if (!layout_.direct_monitor) throw ActionError("this model has no Direct Monitor button");
        controls_.Step(*layout_.direct_monitor, sink);
        if (layout_.gen4_style) {
            // Gen 4 Solo/2i2: the device rewrites the mixer for the new direct-monitor mode.
            for (const auto& [key, gain] : layout_.mix_gains) sink.Add(gain, EVENT_VALUE);
        }
        return true;
    }
    if (button == "auto") {
        throw ActionError("use 'autogain INPUT' for the Auto button");
    }

    for (const auto& b : INPUT_BUTTONS) {
        if (button != b.word && !(button == "48v" && std::string_view(b.word) == "phantom"))
            continue;
        if (std::none_of(layout_.inputs.begin(), layout_.inputs.end(),
                         [&](const auto& in) { return (in.second.*b.slot).has_value(); })) {
            throw ActionError(std::string("this model has no ") + b.what + " button");
        }
        const unsigned input = ParseInput(words, 2);
        const auto& slot = InputFor(layout_, input, b.what).*b.slot;
        if (!slot) {
            throw ActionError(std::string("this model has no ") + b.what + " button for input " +
                              std::to_string(input));
        }
        autogain_.RefuseIfLocked(*slot);
        controls_.Step(*slot, sink);
        GroupEvents(layout_, b.word, sink);
        return true;
    }
    return false;
}

/* Device-side changes of input controls arrive as one notification per group. */
void InputPanel::GroupEvents(const Layout& layout, std::string_view kind, EventSink& sink) {
    if (layout.fcp || layout.gen1) return;
    for (const auto& [number, in] : layout.inputs) {
        if (!layout.gen4_style) {
            // Gen 2/3, Clarett: the "input other" notification covers all of these.
            for (auto slot : {in.level, in.pad, in.air, in.phantom}) sink.Add(slot, EVENT_VALUE);
            continue;
        }
        if (kind == "phantom") {
            sink.Add(in.phantom, EVENT_VALUE);
            sink.Add(in.autogain, EVENT_INFO);
        } else if (kind == "air") {
            sink.Add(in.air, EVENT_VALUE);
        } else if (kind == "inst") {
            sink.Add(in.level, EVENT_VALUE);
        } else if (kind == "safe") {
            sink.Add(in.safe, EVENT_VALUE);
        } else if (kind == "mute") {
            sink.Add(in.mute, EVENT_VALUE);
        } else if (kind == "gain") {
            sink.Add(in.gain, EVENT_VALUE);
        }
    }
}

void InputPanel::Help(std::vector<std::string>& help) const {
    if (layout_.input_select) help.push_back(HelpLine("press select", "select the next input"));
    if (layout_.direct_monitor) {
        help.push_back(HelpLine("press direct", "step the Direct Monitor setting"));
    }
    for (const auto& b : INPUT_BUTTONS) {
        std::vector<unsigned> with;
        for (const auto& [number, in] : layout_.inputs) {
            if (in.*b.slot) with.push_back(number);
        }
        if (!with.empty()) {
            help.push_back(HelpLine(std::string("press ") + b.word + " INPUT",
                                    std::string("toggle ") + b.what + " on input " + Ranges(with)));
        }
    }
}

}  // namespace Sim::DeviceDetail
