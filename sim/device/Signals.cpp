// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Signals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/device/ActionWords.hpp"
#include "sim/device/Decibels.hpp"

namespace Sim::DeviceDetail {

namespace {

double PowerSum(double a, double b) {
    if (std::isinf(a) && a < 0) return b;
    if (std::isinf(b) && b < 0) return a;
    return 10.0 * std::log10(std::pow(10.0, a / 10.0) + std::pow(10.0, b / 10.0));
}

}  // namespace

bool Signals::Act(std::string_view verb, std::span<const std::string> words) {
    if (verb != "signal") return false;
    Feed(words);
    return true;
}

void Signals::Feed(std::span<const std::string> words) {
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
    const bool known = std::find(layout_.sources.begin(), layout_.sources.end(), source) !=
                           layout_.sources.end() ||
                       (kind == "analogue" && layout_.inputs.contains(number));
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

/* What the preamp adds to input @p input: its gain control, minus the pad. */
double Signals::InputGainDb(unsigned input) const {
    const auto it = layout_.inputs.find(input);
    if (it == layout_.inputs.end()) return 0.0;
    double db = 0.0;
    if (it->second.gain)
        db += Decibels(controls_.Control(*it->second.gain), controls_.Value(*it->second.gain))
                  .value_or(0.0);
    if (it->second.pad && controls_.Value(*it->second.pad) != 0) db -= 10.0;
    return db;
}

double Signals::SourceLevel(const Source& source, int depth) const {
    if (depth > 4) return SILENCE;
    const auto& [kind, number] = source;
    if (kind == "mix") {
        double level = SILENCE;
        for (const auto& [key, gain] : layout_.mix_gains) {
            if (key.first != number) continue;
            const auto route = layout_.route_by_dest.find(Source{"mixer", key.second});
            if (route == layout_.route_by_dest.end()) continue;
            const double in = RouteLevel(route->second, depth + 1);
            const auto db = Decibels(controls_.Control(gain), controls_.Value(gain));
            if (std::isinf(in) || !db || std::isinf(*db)) continue;
            level = PowerSum(level, in + *db);
        }
        // The talkback microphone goes into the mixes that have talkback enabled.
        const auto mix = layout_.talkback_mix.find(number);
        if (layout_.talkback && layout_.talkback_input && mix != layout_.talkback_mix.end() &&
            controls_.Value(mix->second) != 0 && controls_.Value(*layout_.talkback) == 2) {
            level =
                PowerSum(level, SourceLevel(Source{"analogue", layout_.talkback_input}, depth + 1));
        }
        return std::min(level, 0.0);
    }
    if (kind == "dsp") {
        const auto route = layout_.route_by_dest.find(Source{"dsp", number});
        return route == layout_.route_by_dest.end() ? SILENCE
                                                    : RouteLevel(route->second, depth + 1);
    }
    const auto signal = signals_.find(source);
    if (signal == signals_.end()) return SILENCE;
    if (kind != "analogue") return std::min(signal->second, 0.0);
    const auto in = layout_.inputs.find(number);
    if (in != layout_.inputs.end() && in->second.mute && controls_.Value(*in->second.mute) != 0)
        return SILENCE;
    return std::min(signal->second + InputGainDb(number), 0.0);
}

double Signals::RouteLevel(std::size_t route, int depth) const {
    const auto items = layout_.route_items.find(route);
    if (items == layout_.route_items.end()) return SILENCE;
    const long long item = controls_.Value(route);
    if (item < 0 || item >= static_cast<long long>(items->second.size())) return SILENCE;
    const Source& source = items->second[static_cast<std::size_t>(item)];
    if (source.first == "off") return SILENCE;
    return SourceLevel(source, depth);
}

std::vector<float> Signals::MeterLevels() const {
    if (!layout_.meter) return {};
    const std::size_t count = controls_.State(*layout_.meter).values.size();
    std::vector<float> levels(count, -std::numeric_limits<float>::infinity());
    if (layout_.routes.size() == count) {
        // scarlett2: one channel per mux destination, in the routing controls' order.
        for (std::size_t i = 0; i < count; ++i)
            levels[i] = static_cast<float>(RouteLevel(layout_.routes[i], 0));
        return levels;
    }
    // fcp-server sets its own meter map; approximated as the sources, then the destinations.
    for (std::size_t i = 0; i < count; ++i) {
        if (i < layout_.sources.size()) {
            levels[i] = static_cast<float>(SourceLevel(layout_.sources[i], 0));
        } else if (i - layout_.sources.size() < layout_.routes.size()) {
            levels[i] =
                static_cast<float>(RouteLevel(layout_.routes[i - layout_.sources.size()], 0));
        }
    }
    return levels;
}

void Signals::AfterWrite(std::size_t index, EventSink& sink) const {
    if (Is(layout_.pcm_input_switch, index)) {
        // Gen 4 Solo: the device re-routes and the driver refreshes every mux enum.
        for (std::size_t r : layout_.routes) sink.Add(r, EVENT_VALUE);
    }
}

std::optional<double> Signals::Fed(unsigned input) const {
    const auto signal = signals_.find(Source{"analogue", input});
    if (signal == signals_.end()) return std::nullopt;
    return signal->second;
}

void Signals::Help(std::vector<std::string>& help) const {
    std::vector<unsigned> analogue;
    for (const auto& s : layout_.sources) {
        if (s.first == "analogue") analogue.push_back(s.second);
    }
    for (const auto& [number, in] : layout_.inputs) {
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
        if (std::any_of(layout_.sources.begin(), layout_.sources.end(),
                        [&](const Source& s) { return s.first == kind; })) {
            digital += (digital.empty() ? "" : "|") + std::string(kind);
        }
    }
    if (!digital.empty()) {
        help.push_back(
            HelpLine("signal " + digital + " N DBFS|off", "feed a digital or USB playback source"));
    }
}

}  // namespace Sim::DeviceDetail
