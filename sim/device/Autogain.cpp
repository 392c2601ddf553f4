// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Autogain.hpp"

#include <algorithm>

#include "sim/device/ActionWords.hpp"
#include "sim/device/Decibels.hpp"
#include "sim/device/InputPanel.hpp"
#include "sim/device/Signals.hpp"

namespace Sim::DeviceDetail {

namespace {

constexpr const char* LOCKED = "the input controls are locked while autogain runs";

bool Contains(const std::vector<std::size_t>& list, std::size_t index) {
    return std::find(list.begin(), list.end(), index) != list.end();
}

}  // namespace

Autogain::Autogain(Controls& controls, const Layout& layout, const Signals& signals)
    : controls_(controls), layout_(layout), signals_(signals) {
    if (!layout_.HasAutogain()) return;
    auto add = [this](std::optional<std::size_t> index) {
        if (index && !Contains(locked_, *index)) locked_.push_back(*index);
    };
    add(layout_.input_select);
    for (const auto& [number, in] : layout_.inputs) {
        add(in.link);
        add(in.gain);
        add(in.safe);
        add(in.level);
        add(in.air);
        add(in.mute);
        add(in.phantom);
        add(in.dsp);
    }
    for (std::size_t t : layout_.autogain_targets) add(t);
}

void Autogain::ApplyAccess() {
    for (const auto& [number, in] : layout_.inputs) {
        if (in.autogain && controls_.Value(*in.autogain) != 0 &&
            std::none_of(runs_.begin(), runs_.end(),
                         [n = number](const Run& run) { return run.input == n; })) {
            runs_.push_back({number, std::nullopt});
        }
    }
    if (Running()) {
        for (std::size_t g : locked_) controls_.SetWritable(g, false);
    }
}

bool Autogain::Locks(std::size_t index) const {
    return Running() && Contains(locked_, index);
}

bool Autogain::RefusesWrite(std::size_t index) const {
    return Running() && Contains(layout_.input_dsp, index);
}

void Autogain::RefuseIfLocked(std::size_t index) const {
    if (Locks(index)) throw ActionError(LOCKED);
}

void Autogain::AfterPhantomWrite(std::size_t index, EventSink& sink) {
    if (!layout_.gen4_style ||
        std::none_of(layout_.inputs.begin(), layout_.inputs.end(),
                     [&](const auto& in) { return Is(in.second.phantom, index); })) {
        return;
    }
    for (const auto& [number, in] : layout_.inputs) sink.Add(in.autogain, EVENT_INFO);
}

void Autogain::AfterSwitchWrite(std::size_t index, EventSink& sink) {
    for (const auto& [number, in] : layout_.inputs) {
        if (!Is(in.autogain, index)) continue;
        if (controls_.Value(index) != 0) {
            Start(number, std::nullopt, sink);
            continue;
        }
        for (std::size_t k = 0; k < runs_.size(); ++k) {
            if (runs_[k].input == number) {
                Finish(k, true, sink);
                break;
            }
        }
    }
}

bool Autogain::Act(std::string_view verb, std::span<const std::string> words,
                   SimClock::time_point now, EventSink& sink) {
    if (verb == "autogain") {
        ActAutogain(words, now, sink);
        return true;
    }
    if (verb == "gain") {
        ActGain(words, sink);
        return true;
    }
    return false;
}

void Autogain::ActAutogain(std::span<const std::string> words, SimClock::time_point now,
                           EventSink& sink) {
    if (!layout_.HasAutogain()) throw ActionError("this model has no autogain");
    const unsigned input = ParseInput(words, 1);
    const Input& in = InputFor(layout_, input, "autogain");
    if (!in.autogain) throw ActionError("input " + std::to_string(input) + " has no autogain");
    const auto running = std::find_if(runs_.begin(), runs_.end(),
                                      [&](const Run& run) { return run.input == input; });
    if (words.size() == 3 && (Lower(words[2]) == "cancel" || Lower(words[2]) == "stop")) {
        if (running == runs_.end()) {
            throw ActionError("autogain is not running on input " + std::to_string(input));
        }
        Finish(static_cast<std::size_t>(running - runs_.begin()), true, sink);
        return;
    }
    if (words.size() != 2) throw ActionError("usage: autogain INPUT [cancel]");
    if (running != runs_.end()) {
        throw ActionError("autogain is already running on input " + std::to_string(input));
    }
    Start(input, now + AUTOGAIN_TIME, sink);
}

void Autogain::ActGain(std::span<const std::string> words, EventSink& sink) {
    if (std::none_of(layout_.inputs.begin(), layout_.inputs.end(),
                     [](const auto& in) { return in.second.gain.has_value(); })) {
        throw ActionError("this model has no gain knob the driver can see");
    }
    const unsigned input = ParseInput(words, 1);
    const Input& in = InputFor(layout_, input, "gain knob");
    if (!in.gain) throw ActionError("input " + std::to_string(input) + " has no gain control");
    if (Running()) throw ActionError(LOCKED);
    const auto db = words.size() == 3 ? ParseDouble(words[2]) : std::nullopt;
    const auto value = db ? ValueForDecibels(controls_.Control(*in.gain), *db) : std::nullopt;
    if (!value) throw ActionError("usage: gain INPUT DB (the preamp gain in dB)");
    if (controls_.Set(*in.gain, *value, sink)) InputPanel::GroupEvents(layout_, "gain", sink);
}

void Autogain::Help(std::vector<std::string>& help) const {
    std::vector<unsigned> with_autogain, with_gain;
    for (const auto& [number, in] : layout_.inputs) {
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
}

std::optional<SimClock::time_point> Autogain::NextDeadline() const {
    std::optional<SimClock::time_point> next;
    for (const auto& run : runs_) {
        const auto due = run.deadline.value_or(SimClock::time_point::min());
        if (!next || due < *next) next = due;
    }
    return next;
}

void Autogain::Advance(SimClock::time_point now, EventSink& sink) {
    for (auto& run : runs_) {
        if (!run.deadline) run.deadline = now + AUTOGAIN_TIME;
    }
    for (std::size_t k = 0; k < runs_.size();) {
        if (*runs_[k].deadline <= now) {
            Finish(k, false, sink);
        } else {
            ++k;
        }
    }
}

void Autogain::Start(unsigned input, std::optional<SimClock::time_point> deadline,
                     EventSink& sink) {
    const Input& in = layout_.inputs.at(input);
    if (!in.autogain) return;
    for (const auto& run : runs_) {
        if (run.input == input) return;
    }
    controls_.Set(*in.autogain, 1, sink);
    if (in.status) {
        if (const auto item = controls_.ItemIndex(*in.status, "Running")) {
            controls_.Set(*in.status, *item, sink);
        }
    }
    runs_.push_back({input, deadline});
    Notify(sink);
}

void Autogain::Finish(std::size_t run, bool cancelled, EventSink& sink) {
    const unsigned input = runs_.at(run).input;
    runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(run));
    const Input& in = layout_.inputs.at(input);

    std::string_view status = "Cancelled";
    if (!cancelled) status = in.gain ? SettleGain(input, *in.gain, sink) : "Success";
    if (in.status) {
        // The drivers' lists name the outcomes differently (Gen 4, Vocaster, fcp-server).
        std::vector<std::string_view> labels{status};
        if (status == "too quiet") labels = {"FailMaxGainLimit", "WarnMaxCap", "MaxGainLimit"};
        if (status == "too loud") labels = {"WarnMinGainLimit", "WarnMinCap", "MinGainLimit"};
        labels.push_back("Success");
        for (auto label : labels) {
            if (const auto item = controls_.ItemIndex(*in.status, label)) {
                controls_.Set(*in.status, *item, sink);
                break;
            }
        }
    }
    if (in.autogain) controls_.Set(*in.autogain, 0, sink);
    Notify(sink);
}

/* Sets the gain that brings the input's signal to the target: "Success", or why not. */
std::string_view Autogain::SettleGain(unsigned input, std::size_t gain, EventSink& sink) {
    const StateControl& gc = controls_.Control(gain);
    const long long lo = gc.range ? gc.range->min : 0;
    const long long hi = gc.range ? gc.range->max : controls_.Value(gain);
    const auto target_index = layout_.mean_target ? layout_.mean_target : layout_.hot_target;
    double target = -18.0;
    if (target_index) {
        const long long value = controls_.Value(*target_index);
        target =
            Decibels(controls_.Control(*target_index), value).value_or(static_cast<double>(value));
    }
    std::string_view status = "Success";
    long long setting = hi;
    if (const auto pre = signals_.Fed(input); !pre) {
        status = "too quiet";
    } else {
        const double wanted = target - *pre;
        const double lo_db = Decibels(gc, lo).value_or(static_cast<double>(lo));
        const double hi_db = Decibels(gc, hi).value_or(static_cast<double>(hi));
        if (wanted > hi_db + 0.5) {
            status = "too quiet";
        } else if (wanted < lo_db - 0.5) {
            status = "too loud";
            setting = lo;
        } else {
            setting = ValueForDecibels(gc, wanted).value_or(hi);
        }
    }
    controls_.Set(gain, setting, sink);
    return status;
}

/*
 * The driver's autogain notification refreshes every input's switch and status, and
 * scarlett2 clears WRITE on the locked controls while any input runs autogain.
 */
void Autogain::Notify(EventSink& sink) {
    for (const auto& [number, other] : layout_.inputs) {
        sink.Add(other.autogain, EVENT_VALUE);
        sink.Add(other.status, EVENT_VALUE);
    }
    const bool lock = Running();
    for (std::size_t g : locked_) {
        controls_.SetWritable(g, !lock && controls_.Control(g).HasAccess("write"));
        sink.Add(g, EVENT_INFO);
    }
}

}  // namespace Sim::DeviceDetail
