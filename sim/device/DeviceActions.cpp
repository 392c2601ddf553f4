// SPDX-License-Identifier: GPL-3.0-or-later
/* Hardware actions: what the front panel, the inputs and the clock do to the controls. */

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/device/Device.hpp"
#include "sim/device/DeviceInternal.hpp"

namespace Sim {

using DeviceDetail::Lower;

namespace {

std::optional<double> ParseDouble(std::string_view text) {
    double value = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

/* "1-4", "1, 3, 5-8": how the help names a set of inputs. */
std::string Ranges(const std::vector<unsigned>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        out += std::to_string(numbers[i]);
        if (j > i) out += "-" + std::to_string(numbers[j]);
        i = j + 1;
    }
    return out;
}

std::string HelpLine(std::string_view usage, std::string_view what) {
    std::string line(usage);
    line.resize(std::max<std::size_t>(line.size() + 2, 34), ' ');
    return line + std::string(what);
}

/* A per-input button: its word in "press WORD INPUT", its name in messages, its slot. */
struct InputButton {
    const char* word;
    const char* what;
};
constexpr InputButton INPUT_BUTTONS[] = {
    {"phantom", "48V (phantom power)"},
    {"air", "Air"},
    {"inst", "Inst (line/instrument)"},
    {"pad", "Pad"},
    {"safe", "Safe"},
    {"mute", "input mute"},
};

}  // namespace

void Device::Act(std::span<const std::string> words, SimClock::time_point now,
                 std::vector<DeviceEvent>& events) {
    Sink sink(events);
    auto list = [this] {
        std::string text;
        for (const auto& line : ActionHelp()) text += "\n  " + line;
        return text;
    };
    if (words.empty()) throw ActionError("no action given; this model supports:" + list());
    const std::string verb = Lower(words[0]);
    if (verb == "knob") {
        if (!master_) {
            throw ActionError(
                "this model has no monitor knob the driver can see"
                " (no 'Master HW Playback Volume')");
        }
        ActKnob(master_, words, sink);
    } else if (verb == "headphones" || verb == "headphone") {
        if (!headphone_) throw ActionError("this model has no headphone knob the driver can see");
        ActKnob(headphone_, words, sink);
    } else if (verb == "press") {
        ActPress(words, sink);
    } else if (verb == "signal") {
        ActSignal(words);
    } else if (verb == "autogain") {
        ActAutogain(words, now, sink);
    } else if (verb == "gain") {
        ActGain(words, sink);
    } else if (verb == "sync") {
        ActSync(words, sink);
    } else if (verb == "power") {
        if (!power_status_) throw ActionError("this model reports no power status");
        ActEnum(power_status_, "power", words, sink);
    } else if (verb == "bluetooth") {
        if (!bluetooth_) throw ActionError("this model has no bluetooth volume");
        ActKnob(bluetooth_, words, sink);
    } else {
        throw ActionError("unknown action '" + std::string(words[0]) +
                          "'; this model supports:" + list());
    }
}

/* A knob turned to PERCENT of its travel (bluetooth: the volume itself). */
void Device::ActKnob(std::optional<std::size_t> target, std::span<const std::string> words,
                     Sink& sink) {
    const StateControl& c = block_.controls[*target];
    const bool raw = Is(bluetooth_, *target);
    const auto amount = words.size() == 2 ? ParseDouble(words[1]) : std::nullopt;
    const long long lo = c.range ? c.range->min : 0;
    const long long hi = c.range ? c.range->max : 0;
    long long value = 0;
    if (raw) {
        if (!amount || *amount < static_cast<double>(lo) || *amount > static_cast<double>(hi)) {
            throw ActionError(std::string(words[0]) + " takes a volume " + std::to_string(lo) +
                              "-" + std::to_string(hi));
        }
        value = std::llround(*amount);
    } else {
        if (!amount || *amount < 0 || *amount > 100) {
            throw ActionError(std::string(words[0]) + " takes a position in percent, 0-100");
        }
        value = lo + std::llround(*amount / 100.0 * static_cast<double>(hi - lo));
    }
    bool changed = Set(*target, value, sink);
    if (Is(master_, *target) && !fcp_) {
        for (const auto& [number, line] : lines_) {
            if (line.volume && IsHw(line)) changed = Set(*line.volume, value, sink) || changed;
        }
        if (!changed) return;
        // The driver's "monitor volume" notification refreshes the master and every HW line.
        sink.Add(*master_, EVENT_VALUE);
        sink.Add(headphone_, EVENT_VALUE);
        for (const auto& [number, line] : lines_) {
            if (line.volume && IsHw(line)) sink.Add(*line.volume, EVENT_VALUE);
        }
    } else if (Is(headphone_, *target) && changed) {
        sink.Add(master_, EVENT_VALUE);
    }
}

Device::Input& Device::InputFor(unsigned input, std::string_view what) {
    const auto it = inputs_.find(input);
    if (it == inputs_.end()) {
        throw ActionError("this model has no " + std::string(what) + " on input " +
                          std::to_string(input));
    }
    return it->second;
}

unsigned Device::ParseInput(std::span<const std::string> words, std::size_t at) const {
    const auto number = at < words.size() ? ParseDouble(words[at]) : std::nullopt;
    if (!number || *number < 1 || *number > 999 || *number != std::floor(*number)) {
        throw ActionError("'" + std::string(words[0]) + "' needs an input number, e.g. '" +
                          std::string(words[0]) +
                          (words.size() > 1 && at > 1 ? " " + words[1] : "") + " 1'");
    }
    return static_cast<unsigned>(*number);
}

/* Device-side changes of input controls arrive as one notification per group. */
void Device::InputGroupEvents(std::string_view kind, Sink& sink) {
    if (fcp_ || gen1_) return;
    for (const auto& [number, in] : inputs_) {
        if (!gen4_style_) {
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

void Device::ActPress(std::span<const std::string> words, Sink& sink) {
    if (words.size() < 2) throw ActionError("press what? e.g. 'press dim'");
    const std::string button = Lower(words[1]);
    auto toggle_or_cycle = [&](std::size_t index) {
        const StateControl& c = block_.controls[index];
        const long long n = c.type == "ENUMERATED" ? static_cast<long long>(c.items.size()) : 2;
        Set(index, (Value(index) + 1) % std::max<long long>(n, 1), sink);
    };
    auto refuse_if_gated = [&](std::size_t index) {
        if (AutogainRunning() && std::find(gated_.begin(), gated_.end(), index) != gated_.end()) {
            throw ActionError("the input controls are locked while autogain runs");
        }
    };

    if (button == "dim" || (button == "mute" && words.size() == 2)) {
        const auto slot = button == "dim" ? dim_ : mute_;
        if (!slot) throw ActionError("this model has no " + button + " button");
        toggle_or_cycle(*slot);
        if (!fcp_) {
            if (button == "mute") AfterMuteChange(sink);
            // The dim/mute notification refreshes both buttons and the HW lines' mutes.
            sink.Add(dim_, EVENT_VALUE);
            sink.Add(mute_, EVENT_VALUE);
            for (const auto& [number, line] : lines_) {
                if (line.mute && IsHw(line)) sink.Add(*line.mute, EVENT_VALUE);
            }
        }
        return;
    }
    if (button == "talkback") {
        if (!talkback_) throw ActionError("this model has no talkback button");
        if (fcp_) {
            if (talkback_enable_ && Value(*talkback_enable_) == 0) {
                throw ActionError(
                    "talkback is disabled ('Talkback Enable Playback Switch' is off)");
            }
            toggle_or_cycle(*talkback_);
            return;
        }
        if (Value(*talkback_) == 0) {
            throw ActionError("talkback is disabled ('Talkback Playback Enum' is Disabled)");
        }
        Set(*talkback_, Value(*talkback_) == 1 ? 2 : 1, sink);
        MonitorOtherRefresh(sink);
        return;
    }
    if (button == "speaker" || button == "alt") {
        if (!speaker_) throw ActionError("this model has no speaker switching (Alt) button");
        if (fcp_) {
            toggle_or_cycle(*speaker_);
            return;
        }
        const long long old_value = Value(*speaker_);
        if (old_value == 0) {
            throw ActionError(
                "speaker switching is off ('Speaker Switching Playback Enum' is Off)");
        }
        Set(*speaker_, old_value == 1 ? 2 : 1, sink);
        AfterSpeakerChange(old_value, sink);
        return;
    }
    if (button == "select") {
        if (!input_select_) throw ActionError("this model has no input Select button");
        refuse_if_gated(*input_select_);
        toggle_or_cycle(*input_select_);
        if (!fcp_) {
            sink.Add(*input_select_, EVENT_VALUE | EVENT_INFO);
            for (const auto& [number, in] : inputs_) sink.Add(in.link, EVENT_VALUE);
        }
        return;
    }
    if (button == "direct" || button == "monitor") {
        if (!direct_monitor_) throw ActionError("this model has no Direct Monitor button");
        toggle_or_cycle(*direct_monitor_);
        if (gen4_style_) {
            // Gen 4 Solo/2i2: the device rewrites the mixer for the new direct-monitor mode.
            for (const auto& [key, gain] : mix_gains_) sink.Add(gain, EVENT_VALUE);
        }
        return;
    }
    if (button == "auto") {
        throw ActionError("use 'autogain INPUT' for the Auto button");
    }

    for (const auto& b : INPUT_BUTTONS) {
        if (button != b.word && !(button == "48v" && std::string_view(b.word) == "phantom"))
            continue;
        auto slot_of = [&](Input& in) -> std::optional<std::size_t>& {
            const std::string_view w = b.word;
            if (w == "phantom") return in.phantom;
            if (w == "air") return in.air;
            if (w == "inst") return in.level;
            if (w == "pad") return in.pad;
            if (w == "safe") return in.safe;
            return in.mute;
        };
        if (std::none_of(inputs_.begin(), inputs_.end(),
                         [&](auto& in) { return slot_of(in.second).has_value(); })) {
            throw ActionError(std::string("this model has no ") + b.what + " button");
        }
        const unsigned input = ParseInput(words, 2);
        auto& slot = slot_of(InputFor(input, b.what));
        if (!slot) {
            throw ActionError(std::string("this model has no ") + b.what + " button for input " +
                              std::to_string(input));
        }
        refuse_if_gated(*slot);
        toggle_or_cycle(*slot);
        InputGroupEvents(b.word, sink);
        return;
    }

    std::string valid;
    for (const auto& line : ActionHelp()) {
        if (line.rfind("press ", 0) == 0) valid += "\n  " + line;
    }
    throw ActionError("this model has no '" + std::string(words[1]) + "' button" +
                      (valid.empty() ? std::string(" (it has no buttons the driver sees)")
                                     : "; its buttons:" + valid));
}

void Device::ActSignal(std::span<const std::string> words) {
    std::size_t at = 1;
    std::string kind = "analogue";
    if (words.size() > 1 && !ParseDouble(words[1])) {
        const std::string k = Lower(words[1]);
        if (k == "analogue" || k == "analog" || k == "input") {
            kind = "analogue";
        } else if (k == "spdif" || k == "s/pdif") {
            kind = "spdif";
        } else if (k == "adat") {
            kind = "adat";
        } else if (k == "pcm" || k == "usb") {
            kind = "pcm";
        } else {
            throw ActionError("signal: unknown source '" + words[1] +
                              "' (use an input number, or analogue|spdif|adat|pcm N)");
        }
        at = 2;
    }
    const unsigned number = ParseInput(words, at);
    const Source source{kind, number};
    const bool known = std::find(sources_.begin(), sources_.end(), source) != sources_.end() ||
                       (kind == "analogue" && inputs_.contains(number));
    if (!known) {
        throw ActionError("this model has no " + kind + " input " + std::to_string(number));
    }
    if (words.size() != at + 2) throw ActionError("signal: give a level in dBFS or 'off'");
    const std::string level = Lower(words[at + 1]);
    if (level == "off" || level == "-inf") {
        signals_.erase(source);
        return;
    }
    const auto db = ParseDouble(level);
    if (!db || *db > 0 || *db < -200) {
        throw ActionError("signal: the level is in dBFS, -200 to 0, or 'off'");
    }
    // Stored before the preamp, so that a gain change (autogain) moves the meter.
    signals_[source] = *db - (kind == "analogue" ? InputGainDb(number) : 0.0);
}

void Device::ActAutogain(std::span<const std::string> words, SimClock::time_point now, Sink& sink) {
    if (std::none_of(inputs_.begin(), inputs_.end(),
                     [](const auto& in) { return in.second.autogain.has_value(); })) {
        throw ActionError("this model has no autogain");
    }
    const unsigned input = ParseInput(words, 1);
    const Input& in = InputFor(input, "autogain");
    if (!in.autogain) throw ActionError("input " + std::to_string(input) + " has no autogain");
    const auto running = std::find_if(autogain_.begin(), autogain_.end(),
                                      [&](const Autogain& a) { return a.input == input; });
    if (words.size() == 3 && (Lower(words[2]) == "cancel" || Lower(words[2]) == "stop")) {
        if (running == autogain_.end()) {
            throw ActionError("autogain is not running on input " + std::to_string(input));
        }
        FinishAutogain(static_cast<std::size_t>(running - autogain_.begin()), true, sink);
        return;
    }
    if (words.size() != 2) throw ActionError("usage: autogain INPUT [cancel]");
    if (running != autogain_.end()) {
        throw ActionError("autogain is already running on input " + std::to_string(input));
    }
    StartAutogain(input, now + AUTOGAIN_TIME, sink);
}

void Device::ActGain(std::span<const std::string> words, Sink& sink) {
    if (std::none_of(inputs_.begin(), inputs_.end(),
                     [](const auto& in) { return in.second.gain.has_value(); })) {
        throw ActionError("this model has no gain knob the driver can see");
    }
    const unsigned input = ParseInput(words, 1);
    const Input& in = InputFor(input, "gain knob");
    if (!in.gain) throw ActionError("input " + std::to_string(input) + " has no gain control");
    if (AutogainRunning()) throw ActionError("the input controls are locked while autogain runs");
    const auto db = words.size() == 3 ? ParseDouble(words[2]) : std::nullopt;
    const auto value = db ? ValueForDecibels(*in.gain, *db) : std::nullopt;
    if (!value) throw ActionError("usage: gain INPUT DB (the preamp gain in dB)");
    if (Set(*in.gain, *value, sink)) InputGroupEvents("gain", sink);
}

void Device::ActSync(std::span<const std::string> words, Sink& sink) {
    if (!sync_) throw ActionError("this model has no sync status");
    const std::string state = words.size() == 2 ? Lower(words[1]) : "";
    std::optional<long long> item;
    if (state == "locked") item = ItemIndex(*sync_, "Locked");
    if (state == "unlocked") {
        item = ItemIndex(*sync_, "Unlocked");
        if (!item) item = ItemIndex(*sync_, "No Lock");
    }
    if (!item) throw ActionError("usage: sync locked|unlocked");
    // The 1st Gen's sync status is volatile: clients poll it, no event.
    const bool is_volatile = block_.controls[*sync_].HasAccess("volatile");
    std::vector<DeviceEvent> none;
    Sink quiet(none);
    Set(*sync_, *item, is_volatile ? quiet : sink);
}

void Device::ActEnum(std::optional<std::size_t> index, std::string_view what,
                     std::span<const std::string> words, Sink& sink) {
    const auto& items = block_.controls[*index].items;
    const auto item = words.size() == 2 ? ItemIndex(*index, words[1]) : std::nullopt;
    if (!item) {
        std::string names;
        for (const auto& i : items) names += (names.empty() ? "" : "|") + Lower(i);
        throw ActionError("usage: " + std::string(what) + " " + names);
    }
    Set(*index, *item, sink);
}

std::vector<std::string> Device::ActionHelp() const {
    std::vector<std::string> help;
    if (master_) {
        help.push_back(HelpLine(
            "knob PERCENT", fcp_ ? "turn the monitor knob (Master Playback Volume)"
                                 : "turn the monitor knob (master and HW-controlled line outs)"));
    }
    if (headphone_) help.push_back(HelpLine("headphones PERCENT", "turn the headphone knob"));
    if (dim_) help.push_back(HelpLine("press dim", "toggle the Dim button"));
    if (mute_) help.push_back(HelpLine("press mute", "toggle the monitor Mute button"));
    if (talkback_) help.push_back(HelpLine("press talkback", "toggle talkback (when enabled)"));
    if (speaker_)
        help.push_back(HelpLine("press speaker", "switch Main/Alt speakers (when enabled)"));
    if (input_select_) help.push_back(HelpLine("press select", "select the next input"));
    if (direct_monitor_)
        help.push_back(HelpLine("press direct", "step the Direct Monitor setting"));
    for (const auto& b : INPUT_BUTTONS) {
        std::vector<unsigned> with;
        for (const auto& [number, in] : inputs_) {
            const std::string_view w = b.word;
            const auto& slot = w == "phantom" ? in.phantom
                               : w == "air"   ? in.air
                               : w == "inst"  ? in.level
                               : w == "pad"   ? in.pad
                               : w == "safe"  ? in.safe
                                              : in.mute;
            if (slot) with.push_back(number);
        }
        if (!with.empty()) {
            help.push_back(HelpLine(std::string("press ") + b.word + " INPUT",
                                    std::string("toggle ") + b.what + " on input " + Ranges(with)));
        }
    }
    std::vector<unsigned> analogue;
    for (const auto& s : sources_) {
        if (s.first == "analogue") analogue.push_back(s.second);
    }
    for (const auto& [number, in] : inputs_) {
        if (std::find(analogue.begin(), analogue.end(), number) == analogue.end()) {
            analogue.push_back(number);
        }
    }
    std::sort(analogue.begin(), analogue.end());
    if (!analogue.empty()) {
        help.push_back(HelpLine("signal INPUT DBFS|off",
                                "feed analogue input " + Ranges(analogue) + " (meters, autogain)"));
    }
    std::string digital;
    for (const char* kind : {"spdif", "adat", "pcm"}) {
        if (std::any_of(sources_.begin(), sources_.end(),
                        [&](const Source& s) { return s.first == kind; })) {
            digital += (digital.empty() ? "" : "|") + std::string(kind);
        }
    }
    if (!digital.empty()) {
        help.push_back(
            HelpLine("signal " + digital + " N DBFS|off", "feed a digital or USB playback source"));
    }
    std::vector<unsigned> with_autogain, with_gain;
    for (const auto& [number, in] : inputs_) {
        if (in.autogain) with_autogain.push_back(number);
        if (in.gain) with_gain.push_back(number);
    }
    if (!with_autogain.empty()) {
        help.push_back(HelpLine("autogain INPUT [cancel]",
                                "run (or cancel) autogain on input " + Ranges(with_autogain)));
    }
    if (!with_gain.empty()) {
        help.push_back(
            HelpLine("gain INPUT DB", "turn the gain knob of input " + Ranges(with_gain)));
    }
    if (sync_) help.push_back(HelpLine("sync locked|unlocked", "change the clock sync status"));
    if (power_status_)
        help.push_back(HelpLine("power external|bus|fail", "change the power status"));
    if (bluetooth_)
        help.push_back(HelpLine("bluetooth VOLUME", "the phone changes the bluetooth volume"));
    return help;
}

}  // namespace Sim
