// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Status.hpp"

#include <cmath>

#include "sim/device/ActionWords.hpp"

namespace Sim::DeviceDetail {

bool Status::Act(std::string_view verb, std::span<const std::string> words, EventSink& sink) {
    if (verb == "sync") {
        Sync(words, sink);
    } else if (verb == "power") {
        Power(words, sink);
    } else if (verb == "bluetooth") {
        Bluetooth(words, sink);
    } else {
        return false;
    }
    return true;
}

void Status::Sync(std::span<const std::string> words, EventSink& sink) {
    const auto sync = layout_.sync;
    if (!sync) throw ActionError("this model has no sync status");
    const std::string state = words.size() == 2 ? Lower(words[1]) : "";
    std::optional<long long> item;
    if (state == "locked") item = controls_.ItemIndex(*sync, "Locked");
    if (state == "unlocked") {
        item = controls_.ItemIndex(*sync, "Unlocked");
        if (!item) item = controls_.ItemIndex(*sync, "No Lock");
    }
    if (!item) throw ActionError("usage: sync locked|unlocked");
    // The 1st Gen's sync status is volatile: clients poll it, no event.
    const bool is_volatile = controls_.Control(*sync).HasAccess("volatile");
    controls_.Set(*sync, *item, sink, is_volatile ? EVENT_NONE : EVENT_VALUE);
}

void Status::Power(std::span<const std::string> words, EventSink& sink) {
    const auto power = layout_.power_status;
    if (!power) throw ActionError("this model reports no power status");
    const auto item = words.size() == 2 ? controls_.ItemIndex(*power, words[1]) : std::nullopt;
    if (!item) {
        std::string names;
        for (const auto& i : controls_.Control(*power).items) {
            names += (names.empty() ? "" : "|") + Lower(i);
        }
        throw ActionError("usage: power " + names);
    }
    controls_.Set(*power, *item, sink);
}

/* The phone sets the volume itself, in the control's own units. */
void Status::Bluetooth(std::span<const std::string> words, EventSink& sink) {
    const auto bluetooth = layout_.bluetooth;
    if (!bluetooth) throw ActionError("this model has no bluetooth volume");
    const StateControl& c = controls_.Control(*bluetooth);
    const auto amount = words.size() == 2 ? ParseDouble(words[1]) : std::nullopt;
    const long long lo = c.range ? c.range->min : 0;
    const long long hi = c.range ? c.range->max : 0;
    if (!amount || *amount < static_cast<double>(lo) || *amount > static_cast<double>(hi)) {
        throw ActionError(std::string(words[0]) + " takes a volume " + std::to_string(lo) + "-" +
                          std::to_string(hi));
    }
    controls_.Set(*bluetooth, std::llround(*amount), sink);
}

void Status::Help(std::vector<std::string>& help) const {
    if (layout_.sync)
        help.push_back(HelpLine("sync locked|unlocked", "change the clock sync status"));
    if (layout_.power_status) {
        help.push_back(HelpLine("power external|bus|fail", "change the power status"));
    }
    if (layout_.bluetooth) {
        help.push_back(HelpLine("bluetooth VOLUME", "the phone changes the bluetooth volume"));
    }
}

}  // namespace Sim::DeviceDetail
