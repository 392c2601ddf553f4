// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alsa/Types.hpp"

namespace Core {

/** What the daemon keeps for a device across restarts (protocol 1.1 §2). */
struct DeviceSettings {
    std::optional<std::string> nickname;
    std::string restore = "off";  // "off", "last" or "preset"
    std::optional<std::string> preset;
    struct Guard {
        std::string match;       // a shell glob on control names
        std::string value_json;  // the value, as a protocol value in JSON text
        bool operator==(const Guard&) const = default;
    };
    std::vector<Guard> set;
    bool operator==(const DeviceSettings&) const = default;

    /** A device never configured: `last` for the 1st Gen, which cannot store its own
     *  settings; `off` for the rest, which remember by themselves. */
    static DeviceSettings DefaultsFor(Alsa::Family family);
};

/** What the last restore on attach did (the device.restored notification). */
struct RestoreOutcome {
    std::string restore;
    std::optional<std::string> preset;
    size_t applied = 0;
    std::vector<std::pair<std::string, std::string>> skipped;  // name, reason
};

/** One known device: online or not, with its last known controls. */
struct Device {
    Alsa::CardIdentity identity;
    bool online = false;
    /* by numid: the card's, then the daemon's own (DaemonControls.hpp) */
    std::map<unsigned, Alsa::Control> controls;
    /* The values of the daemon controls that were ever set, by name: they outlive
     * the controls (a replug rebuilds those) and are what is kept on disk. */
    std::map<std::string, Alsa::Value> daemon_values;
    DeviceSettings settings;
    std::optional<RestoreOutcome> restored;

    const Alsa::Control* Find(unsigned numid) const noexcept;
    /** The first control of that name, in numid order (names are not unique). */
    const Alsa::Control* FindByName(const std::string& name) const noexcept;
};

/** What changed in the cache; observers turn it into dirty marks. */
struct Change {
    enum class Kind { Value, Info, Added, Removed, DeviceOnline, DeviceOffline, Restored };
    Kind kind;
    const Device& device;
    /* The control concerned (Value, Info, Added, Removed); null for device changes. */
    const Alsa::ControlId* control = nullptr;
};

/**
 * The daemon's view of every device and control, and the daemon-wide @c seq of
 * protocol-v1 §3. Every mutator compares with what it holds and reports nothing when
 * nothing changed (echo suppression: the kernel echoes our own writes, and an event
 * may carry a value we already re-read). Devices are never forgotten: an unplugged
 * device stays, offline, under its id. Loop thread only.
 */
class StateCache {
  public:
    using Observer = std::function<void(const Change&)>;

    explicit StateCache(Observer observer) : observer_(std::move(observer)) {}

    uint64_t GetSeq() const noexcept { return seq_; }
    const std::map<std::string, Device>& GetDevices() const noexcept { return devices_; }
    const Device* FindDevice(const std::string& id) const noexcept;

    /** Runs in SetOnline() before anyone is told, with the device's identity in
     *  place: the state keeper loads what it keeps of the device (settings, daemon
     *  control values) there. */
    using AttachHook = std::function<void(const std::string& id)>;
    void SetAttachHook(AttachHook hook) { attach_hook_ = std::move(hook); }

    /** A card was opened: (re)places the device's controls, adds the daemon's own
     *  (DaemonControls.hpp) and marks it online. */
    void SetOnline(const Alsa::CardIdentity& identity, std::vector<Alsa::Control> controls);
    void SetOffline(const std::string& id);

    /** @return true if the value differed (and observers were told). A daemon
     *  control's value is kept in daemon_values too. */
    bool ApplyValue(const std::string& id, unsigned numid, const Alsa::Value& value);
    /** @return true if info or value differed. */
    bool ApplyInfo(const std::string& id, const Alsa::ControlInfo& info, const Alsa::Value& value);
    bool AddControl(const std::string& id, const Alsa::ControlInfo& info, const Alsa::Value& value);
    bool RemoveControl(const std::string& id, unsigned numid);

    /** Replaces @p id's settings (no change is reported: they are not state of the
     *  device). False for an unknown device. */
    bool SetSettings(const std::string& id, DeviceSettings settings);
    /** Replaces the values the daemon controls will take when @p id comes online (no
     *  change is reported: for loading them). */
    bool SetDaemonValues(const std::string& id, std::map<std::string, Alsa::Value> values);
    /** Records what the restore on attach did and reports it (Kind::Restored). */
    void SetRestored(const std::string& id, RestoreOutcome outcome);

    /** Updates a volatile control's value without a change (meters are polled, not events). */
    void RefreshVolatile(const std::string& id, unsigned numid, const Alsa::Value& value);

  private:
    Device* FindOnline(const std::string& id) noexcept;
    void Emit(Change::Kind kind, const Device& device, const Alsa::ControlId* control);

    Observer observer_;
    AttachHook attach_hook_;
    uint64_t seq_ = 0;
    std::map<std::string, Device> devices_;
};

}  // namespace Core
