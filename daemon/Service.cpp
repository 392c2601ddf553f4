// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What the service manager and the administrator see: the watchdog, STATUS=, and
 * the warning that alsa-utils will overwrite a device's own settings on plug.
 */
#include <string>

#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "systemd/Notify.hpp"

std::string Instance::StatusText(size_t devices_online, size_t clients) {
    return std::to_string(devices_online) + (devices_online == 1 ? " device" : " devices") +
           " online, " + std::to_string(clients) + (clients == 1 ? " client" : " clients");
}

size_t Instance::OnlineDevices() const noexcept {
    size_t n = 0;
    for (const auto& [id, device] : cache_.GetDevices()) n += device.online ? 1 : 0;
    return n;
}

void Instance::StartWatchdog() {
    const auto interval = Systemd::WatchdogInterval();
    if (!interval) return;
    /* Trade-off: a ping every WatchdogSec/2 is the only wakeup of an idle daemon,
     * and only when the unit asks for it; a hung loop is then restarted. */
    watchdog_period_ = *interval / 2;
    Systemd::Notify("WATCHDOG=1");
    watchdog_.Schedule(watchdog_period_);
}

void Instance::SendStatus() noexcept {
    try {
        std::string text = StatusText(OnlineDevices(), server_.GetClientCount());
        if (text == last_status_) return;
        last_status_ = std::move(text);
        Systemd::Notify(("STATUS=" + last_status_).c_str());
    } catch (const std::exception&) {
    }
}

void Instance::CheckAlsaRestore(const Alsa::CardIdentity& identity) noexcept {
    if (identity.card < 0) return;  // a plugin ctl has no stored state of its own
    try {
        auto conflict = Alsa::FindRestoreConflict(options_.root, identity.card_id);
        if (!conflict) {
            restore_conflicts_.erase(identity.id);
            return;
        }
        /* Once per device and daemon: it is a standing configuration issue. */
        const bool first = restore_conflicts_.emplace(identity.id, *conflict).second;
        if (first)
            Log::Warning(identity.id + ": alsa-utils restores " + conflict->state + " (card id " +
                             identity.card_id +
                             ") on every plug, overwriting the "
                             "settings stored in the device; see daemon.info warnings for the fix",
                         {.device = identity.id});
    } catch (const std::exception& e) {
        Log::Debug(std::string("alsa-restore check: ") + e.what(), {.device = identity.id});
    }
}

Instance::Json Instance::Warnings() const {
    Json list = Json::array();
    for (const auto& [device, conflict] : restore_conflicts_) {
        const Core::Device* d = cache_.FindDevice(device);
        const std::string card_id = d ? d->identity.card_id : std::string();
        list.push_back({{"code", "alsa_restore"},
                        {"device", device},
                        {"message", "alsa-utils (" + conflict.rule +
                                        ") runs 'alsactl restore' when this "
                                        "device is plugged in and " +
                                        conflict.state +
                                        " holds settings for its "
                                        "card id '" +
                                        card_id +
                                        "': they overwrite the settings the device keeps "
                                        "itself"},
                        {"fix",
                         "mask the per-plug restore with 'sudo ln -s /dev/null "
                         "/etc/udev/rules.d/90-alsa-restore.rules', or delete the state." +
                             card_id + " block from " + conflict.state +
                             "; then 'sudo udevadm control --reload'"}});
    }
    return list;
}
