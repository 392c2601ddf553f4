// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Monitor.hpp"

#include <cmath>

#include "sim/device/ActionWords.hpp"

namespace Sim::DeviceDetail {

void Monitor::ApplyAccess() {
    for (const auto& [number, line] : layout_.lines) {
        if (!line.hw_switch) continue;
        const bool hw = IsHw(line);
        if (line.volume) controls_.SetWritable(*line.volume, !hw);
        if (line.mute) controls_.SetWritable(*line.mute, !hw);
    }
    if (layout_.speaker && !layout_.fcp) {
        const bool enabled = controls_.Value(*layout_.speaker) != 0;
        for (const auto& [number, line] : layout_.lines) {
            if (number <= 4 && line.hw_switch) controls_.SetWritable(*line.hw_switch, !enabled);
        }
    }
}

bool Monitor::IsHw(const Line& line) const {
    if (!line.hw_switch) return false;
    return controls_.ItemIndex(*line.hw_switch, "HW") == controls_.Value(*line.hw_switch);
}

void Monitor::AfterWrite(std::size_t index, long long old_value, EventSink& sink) {
    for (const auto& [number, line] : layout_.lines) {
        if (Is(line.hw_switch, index)) SetHwMode(line, IsHw(line), sink);
    }
    if (Is(layout_.mute, index)) AfterMuteChange(sink);
    if (Is(layout_.speaker, index)) AfterSpeakerChange(old_value, sink);
}

bool Monitor::Act(std::string_view verb, std::span<const std::string> words, EventSink& sink) {
    if (verb == "knob") {
        if (!layout_.master) {
            throw ActionError(
                "this model has no monitor knob the driver can see"
                " (no 'Master HW Playback Volume')");
        }
        Knob(*layout_.master, words, sink);
        return true;
    }
    if (verb == "headphones" || verb == "headphone") {
        if (!layout_.headphone) {
            throw ActionError("this model has no headphone knob the driver can see");
        }
        Knob(*layout_.headphone, words, sink);
        return true;
    }
    return false;
}

/* A knob turned to PERCENT of its travel. */
void Monitor::Knob(std::size_t target, std::span<const std::string> words, EventSink& sink) {
    const StateControl& c = controls_.Control(target);
    const auto amount = words.size() == 2 ? ParseDouble(words[1]) : std::nullopt;
    const long long lo = c.range ? c.range->min : 0;
    const long long hi = c.range ? c.range->max : 0;
    if (!amount || *amount < 0 || *amount > 100) {
        throw ActionError(std::string(words[0]) + " takes a position in percent, 0-100");
    }
    const long long value = lo + std::llround(*amount / 100.0 * static_cast<double>(hi - lo));
    bool changed = controls_.Set(target, value, sink);
    if (Is(layout_.master, target) && !layout_.fcp) {
        for (const auto& [number, line] : layout_.lines) {
            if (line.volume && IsHw(line)) {
                changed = controls_.Set(*line.volume, value, sink) || changed;
            }
        }
        if (!changed) return;
        // The driver's "monitor volume" notification refreshes the master and every HW line.
        sink.Add(*layout_.master, EVENT_VALUE);
        sink.Add(layout_.headphone, EVENT_VALUE);
        for (const auto& [number, line] : layout_.lines) {
            if (line.volume && IsHw(line)) sink.Add(*line.volume, EVENT_VALUE);
        }
    } else if (Is(layout_.headphone, target) && changed) {
        sink.Add(layout_.master, EVENT_VALUE);
    }
}

bool Monitor::Press(std::string_view button, std::span<const std::string> words, EventSink& sink) {
    if (button == "dim" || (button == "mute" && words.size() == 2)) {
        const auto slot = button == "dim" ? layout_.dim : layout_.mute;
        if (!slot) throw ActionError("this model has no " + std::string(button) + " button");
        controls_.Step(*slot, sink);
        if (!layout_.fcp) {
            if (button == "mute") AfterMuteChange(sink);
            // The dim/mute notification refreshes both buttons and the HW lines' mutes.
            sink.Add(layout_.dim, EVENT_VALUE);
            sink.Add(layout_.mute, EVENT_VALUE);
            HwLineMuteEvents(sink);
        }
        return true;
    }
    if (button == "talkback") {
        const auto talkback = layout_.talkback;
        if (!talkback) throw ActionError("this model has no talkback button");
        if (layout_.fcp) {
            if (layout_.talkback_enable && controls_.Value(*layout_.talkback_enable) == 0) {
                throw ActionError(
                    "talkback is disabled ('Talkback Enable Playback Switch' is off)");
            }
            controls_.Step(*talkback, sink);
            return true;
        }
        if (controls_.Value(*talkback) == 0) {
            throw ActionError("talkback is disabled ('Talkback Playback Enum' is Disabled)");
        }
        controls_.Set(*talkback, controls_.Value(*talkback) == 1 ? 2 : 1, sink);
        MonitorOtherRefresh(sink);
        return true;
    }
    if (button == "speaker" || button == "alt") {
        const auto speaker = layout_.speaker;
        if (!speaker) throw ActionError("this model has no speaker switching (Alt) button");
        if (layout_.fcp) {
            controls_.Step(*speaker, sink);
            return true;
        }
        const long long old_value = controls_.Value(*speaker);
        if (old_value == 0) {
            throw ActionError(
                "speaker switching is off ('Speaker Switching Playback Enum' is Off)");
        }
        controls_.Set(*speaker, old_value == 1 ? 2 : 1, sink);
        AfterSpeakerChange(old_value, sink);
        return true;
    }
    return false;
}

/* Both directions copy the master volume and the Mute button into the line first. */
void Monitor::SetHwMode(const Line& line, bool hw, EventSink& sink) {
    if (line.volume) {
        if (layout_.master) controls_.Fill(*line.volume, controls_.Value(*layout_.master));
        controls_.SetWritable(*line.volume, !hw);
        sink.Add(*line.volume, EVENT_VALUE | EVENT_INFO);
    }
    if (line.mute) {
        if (layout_.mute) controls_.Fill(*line.mute, controls_.Value(*layout_.mute));
        controls_.SetWritable(*line.mute, !hw);
        sink.Add(*line.mute, EVENT_VALUE | EVENT_INFO);
    }
}

void Monitor::AfterMuteChange(EventSink& sink) {
    if (!layout_.mute) return;
    for (const auto& [number, line] : layout_.lines) {
        if (line.mute && IsHw(line)) {
            controls_.Set(*line.mute, controls_.Value(*layout_.mute), sink);
            sink.Add(*line.mute, EVENT_VALUE);
        }
    }
}

void Monitor::AfterSpeakerChange(long long old_value, EventSink& sink) {
    if (layout_.fcp || !layout_.speaker) return;
    const bool was_enabled = old_value != 0;
    const bool enabled = controls_.Value(*layout_.speaker) != 0;
    if (was_enabled != enabled) {
        for (const auto& [number, line] : layout_.lines) {
            if (number > 4 || !line.hw_switch) continue;
            if (enabled && !IsHw(line)) {
                if (const auto hw = controls_.ItemIndex(*line.hw_switch, "HW")) {
                    controls_.Set(*line.hw_switch, *hw, sink);
                    SetHwMode(line, true, sink);
                }
            }
            controls_.SetWritable(*line.hw_switch, !enabled);
            sink.Add(*line.hw_switch, EVENT_INFO);
        }
    }
    MonitorOtherRefresh(sink);
}

/* What follows the device's "monitor other" notification after a speaker/talkback change. */
void Monitor::MonitorOtherRefresh(EventSink& sink) {
    sink.Add(layout_.speaker, EVENT_VALUE);
    sink.Add(layout_.talkback, EVENT_VALUE);
    sink.Add(layout_.dim, EVENT_VALUE);
    sink.Add(layout_.mute, EVENT_VALUE);
    HwLineMuteEvents(sink);
    for (std::size_t r : layout_.routes) sink.Add(r, EVENT_VALUE);
}

void Monitor::HwLineMuteEvents(EventSink& sink) const {
    for (const auto& [number, line] : layout_.lines) {
        if (line.mute && IsHw(line)) sink.Add(*line.mute, EVENT_VALUE);
    }
}

void Monitor::Help(std::vector<std::string>& help) const {
    if (layout_.master) {
        help.push_back(HelpLine(
            "knob PERCENT", layout_.fcp
                                ? "turn the monitor knob (Master Playback Volume)"
                                : "turn the monitor knob (master and HW-controlled line outs)"));
    }
    if (layout_.headphone)
        help.push_back(HelpLine("headphones PERCENT", "turn the headphone knob"));
    if (layout_.dim) help.push_back(HelpLine("press dim", "toggle the Dim button"));
    if (layout_.mute) help.push_back(HelpLine("press mute", "toggle the monitor Mute button"));
    if (layout_.talkback) {
        help.push_back(HelpLine("press talkback", "toggle talkback (when enabled)"));
    }
    if (layout_.speaker) {
        help.push_back(HelpLine("press speaker", "switch Main/Alt speakers (when enabled)"));
    }
}

}  // namespace Sim::DeviceDetail
