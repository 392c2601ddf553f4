// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/core/StateCache.hpp"

#include "daemon/core/DaemonControls.hpp"

namespace Core {

const Alsa::Control* Device::Find(unsigned numid) const noexcept {
    auto it = controls.find(numid);
    return it == controls.end() ? nullptr : &it->second;
}

const Alsa::Control* Device::FindByName(const std::string& name) const noexcept {
    for (const auto& [numid, c] : controls)
        if (c.info.id.name == name) return &c;
    return nullptr;
}

DeviceSettings DeviceSettings::DefaultsFor(Alsa::Family family) {
    DeviceSettings settings;
    settings.restore = family == Alsa::Family::Gen1 ? "last" : "off";
    return settings;
}

const Device* StateCache::FindDevice(const std::string& id) const noexcept {
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second;
}

Device* StateCache::FindOnline(const std::string& id) noexcept {
    auto it = devices_.find(id);
    return it == devices_.end() || !it->second.online ? nullptr : &it->second;
}

void StateCache::Emit(Change::Kind kind, const Device& device, const Alsa::ControlId* control) {
    /* A finished restore is news, not state: what it wrote counted already. */
    if (kind != Change::Kind::Restored) ++seq_;
    observer_(Change{kind, device, control});
}

void StateCache::SetOnline(const Alsa::CardIdentity& identity,
                           std::vector<Alsa::Control> controls) {
    auto [it, added] = devices_.try_emplace(identity.id);
    Device& device = it->second;
    if (added) device.settings = DeviceSettings::DefaultsFor(identity.family);
    device.identity = identity;
    device.online = true;
    device.controls.clear();
    for (auto& c : controls)
        if (!IsDaemonControl(c.info)) device.controls.emplace(c.info.id.numid, std::move(c));
    if (attach_hook_) attach_hook_(identity.id);
    for (auto& c : DeriveDaemonControls(device.controls, device.daemon_values))
        device.controls.emplace(c.info.id.numid, std::move(c));
    Emit(Change::Kind::DeviceOnline, device, nullptr);
}

bool StateCache::SetSettings(const std::string& id, DeviceSettings settings) {
    auto it = devices_.find(id);
    if (it == devices_.end()) return false;
    it->second.settings = std::move(settings);
    return true;
}

bool StateCache::SetDaemonValues(const std::string& id, std::map<std::string, Alsa::Value> values) {
    auto it = devices_.find(id);
    if (it == devices_.end()) return false;
    it->second.daemon_values = std::move(values);
    return true;
}

void StateCache::SetRestored(const std::string& id, RestoreOutcome outcome) {
    auto it = devices_.find(id);
    if (it == devices_.end()) return;
    it->second.restored = std::move(outcome);
    Emit(Change::Kind::Restored, it->second, nullptr);
}

void StateCache::SetOffline(const std::string& id) {
    Device* device = FindOnline(id);
    if (!device) return;
    device->online = false;
    device->identity.card = -1;
    Emit(Change::Kind::DeviceOffline, *device, nullptr);
}

bool StateCache::ApplyValue(const std::string& id, unsigned numid, const Alsa::Value& value) {
    Device* device = FindOnline(id);
    if (!device) return false;
    auto it = device->controls.find(numid);
    if (it == device->controls.end() || it->second.value == value) return false;
    it->second.value = value;
    if (IsDaemonControl(it->second.info)) device->daemon_values[it->second.info.id.name] = value;
    Emit(Change::Kind::Value, *device, &it->second.info.id);
    return true;
}

bool StateCache::ApplyInfo(const std::string& id, const Alsa::ControlInfo& info,
                           const Alsa::Value& value) {
    Device* device = FindOnline(id);
    if (!device) return false;
    auto it = device->controls.find(info.id.numid);
    if (it == device->controls.end()) return AddControl(id, info, value);
    Alsa::Control& c = it->second;
    const bool info_changed = !(c.info == info);
    const bool value_changed = !(c.value == value);
    if (!info_changed && !value_changed) return false;
    c.info = info;
    c.value = value;
    Emit(info_changed ? Change::Kind::Info : Change::Kind::Value, *device, &c.info.id);
    return true;
}

bool StateCache::AddControl(const std::string& id, const Alsa::ControlInfo& info,
                            const Alsa::Value& value) {
    Device* device = FindOnline(id);
    if (!device) return false;
    auto [it, inserted] = device->controls.try_emplace(info.id.numid, Alsa::Control{info, value});
    if (!inserted) return ApplyInfo(id, info, value);
    Emit(Change::Kind::Added, *device, &it->second.info.id);
    return true;
}

bool StateCache::RemoveControl(const std::string& id, unsigned numid) {
    Device* device = FindOnline(id);
    if (!device) return false;
    auto it = device->controls.find(numid);
    if (it == device->controls.end()) return false;
    /* Observers see the id while it still exists; then it goes. */
    const Alsa::ControlId control_id = it->second.info.id;
    device->controls.erase(it);
    Emit(Change::Kind::Removed, *device, &control_id);
    return true;
}

void StateCache::RefreshVolatile(const std::string& id, unsigned numid, const Alsa::Value& value) {
    Device* device = FindOnline(id);
    if (!device) return;
    auto it = device->controls.find(numid);
    if (it != device->controls.end()) it->second.value = value;
}

}  // namespace Core
