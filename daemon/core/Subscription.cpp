// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/core/Subscription.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace Core {

unsigned ParseTopic(std::string_view name) noexcept {
    if (name == "values") return TOPIC_VALUES;
    if (name == "info") return TOPIC_INFO;
    if (name == "structure") return TOPIC_STRUCTURE;
    if (name == "devices") return TOPIC_DEVICES;
    return 0;
}

bool GlobMatch(const std::string& pattern, const std::string& name) noexcept {
    return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

bool Subscription::WantsDevice(const std::string& id) const noexcept {
    return !devices_ || devices_->contains(id);
}

bool Subscription::WantsControl(const std::string& name) const noexcept {
    return globs_.empty() || std::any_of(globs_.begin(), globs_.end(),
                                         [&](const std::string& g) { return GlobMatch(g, name); });
}

void Subscription::Mark(const Change& change) {
    const std::string& device_id = change.device.identity.id;
    if (!WantsDevice(device_id)) return;

    if (change.kind == Change::Kind::Restored) {
        if (!(topics_ & TOPIC_DEVICES)) return;
        pending_[device_id].restored = true;
        has_pending_ = true;
        return;
    }
    if (change.kind == Change::Kind::DeviceOnline || change.kind == Change::Kind::DeviceOffline) {
        if (!(topics_ & TOPIC_DEVICES)) return;
        PendingDevice& p = pending_[device_id];
        /* Whatever was pending for the controls is superseded: the client refetches
         * a device that went away or came back. */
        p.values.clear();
        p.info.clear();
        p.added.clear();
        p.removed.clear();
        const bool online = change.kind == Change::Kind::DeviceOnline;
        /* A restore of the device's previous attach is not news any more. */
        p.restored = false;
        /* Back to what the client knows, after a change it was not told of yet:
         * it must still learn that the device went away and came back. */
        if (online == p.announced_online && p.device_changed) p.cycled = true;
        p.device_changed = true;
        has_pending_ = true;
        return;
    }

    const Alsa::ControlId& control = *change.control;
    if (!WantsControl(control.name)) return;
    PendingDevice& p = pending_[device_id];
    switch (change.kind) {
        case Change::Kind::Value:
            if (!(topics_ & TOPIC_VALUES)) return;
            p.values.insert(control.numid);
            break;
        case Change::Kind::Info:
            if (topics_ & TOPIC_INFO)
                p.info.insert(control.numid);
            else if (topics_ & TOPIC_VALUES)
                p.values.insert(control.numid); /* still tell the value */
            else
                return;
            break;
        case Change::Kind::Added:
            if (!(topics_ & TOPIC_STRUCTURE)) return;
            p.added.insert(control.numid);
            break;
        case Change::Kind::Removed:
            if (!(topics_ & TOPIC_STRUCTURE)) {
                p.values.erase(control.numid);
                p.info.erase(control.numid);
                return;
            }
            p.values.erase(control.numid);
            p.info.erase(control.numid);
            /* Added and removed before the client heard of it: nothing to tell. */
            if (p.added.erase(control.numid) == 0) p.removed.emplace(control.numid, control);
            break;
        default:
            return;
    }
    has_pending_ = true;
}

void Subscription::ReleaseMemory() noexcept {
    if (has_pending_) return;
    for (auto& [id, p] : pending_) {
        p.values = IdSet();
        p.info = IdSet();
        p.added = IdSet();
    }
}

void Subscription::ClearPending() noexcept {
    for (auto& [id, p] : pending_) {
        p.values.clear();
        p.info.clear();
        p.added.clear();
        p.removed.clear();
        p.device_changed = false;
        p.cycled = false;
        p.restored = false;
    }
    has_pending_ = false;
}

}  // namespace Core
