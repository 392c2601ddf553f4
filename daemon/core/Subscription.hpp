// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/core/IdSet.hpp"
#include "daemon/core/StateCache.hpp"

namespace Core {

enum Topic : unsigned {
    TOPIC_VALUES = 1,
    TOPIC_INFO = 2,
    TOPIC_STRUCTURE = 4,
    TOPIC_DEVICES = 8,
    TOPIC_ALL = 15,
};

/** "values" → TOPIC_VALUES, ...; 0 for an unknown name. */
unsigned ParseTopic(std::string_view name) noexcept;

/** Shell-glob match (fnmatch without flags), as `match` and `controls` filters use. */
bool GlobMatch(const std::string& pattern, const std::string& name) noexcept;

/**
 * What one subscription has not been told yet, coalesced: per device the sets of
 * controls whose value or info changed, controls added or removed, and whether the
 * device went away or came back. The latest values are read from the cache when the
 * notification is encoded, so memory is O(controls) however many events arrive.
 */
struct PendingDevice {
    IdSet values;
    IdSet info;
    IdSet added;
    std::map<unsigned, Alsa::ControlId> removed;
    /* Online state last announced to this subscription; whether a device event came
     * since; and whether the state went away from the announced one and back (an
     * unplug and replug between two flushes is still reported as both). */
    bool announced_online = false;
    bool device_changed = false;
    bool cycled = false;
    /* A restore on attach finished (device.restored, after the values it wrote). */
    bool restored = false;

    bool HasControlChanges() const noexcept {
        return !values.empty() || !info.empty() || !added.empty() || !removed.empty();
    }
};

/** One `subscribe` of one connection: its filters and its pending changes. */
class Subscription {
  public:
    Subscription(uint64_t id, std::optional<std::set<std::string>> devices,
                 std::vector<std::string> control_globs, unsigned topics)
        : id_(id),
          devices_(std::move(devices)),
          globs_(std::move(control_globs)),
          topics_(topics) {}

    uint64_t GetId() const noexcept { return id_; }
    unsigned GetTopics() const noexcept { return topics_; }
    bool WantsDevice(const std::string& id) const noexcept;
    bool WantsControl(const std::string& name) const noexcept;

    /** Records @p change if the filters want it. */
    void Mark(const Change& change);
    /** Seeds the announced online state of every device the client saw in a snapshot. */
    void SetAnnounced(const std::string& device, bool online) {
        pending_[device].announced_online = online;
    }

    /** How far into the daemon's log of changes Mark() has been called. */
    uint64_t GetMarkedUpTo() const noexcept { return marked_up_to_; }
    void SetMarkedUpTo(uint64_t position) noexcept { marked_up_to_ = position; }

    bool HasPending() const noexcept { return has_pending_; }
    std::map<std::string, PendingDevice>& GetPending() noexcept { return pending_; }
    /** Called after the pending changes were encoded. */
    void ClearPending() noexcept;
    /** Frees the memory the pending sets keep for reuse, when nothing is pending. */
    void ReleaseMemory() noexcept;

  private:
    uint64_t id_;
    std::optional<std::set<std::string>> devices_;
    std::vector<std::string> globs_;
    unsigned topics_;
    bool has_pending_ = false;
    uint64_t marked_up_to_ = 0;
    std::map<std::string, PendingDevice> pending_;
};

}  // namespace Core
