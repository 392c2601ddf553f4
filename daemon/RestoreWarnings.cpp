// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/RestoreWarnings.hpp"

#include "daemon/Log.hpp"

void RestoreWarnings::Check(const Alsa::CardIdentity& identity) noexcept {
    if (identity.card < 0) return;  // a plugin ctl has no stored state of its own
    try {
        auto conflict = Alsa::FindRestoreConflict(root_, identity.card_id);
        if (!conflict) {
            conflicts_.erase(identity.id);
            return;
        }
        /* Once per device and daemon: it is a standing configuration issue. */
        const bool first = conflicts_.emplace(identity.id, *conflict).second;
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

nlohmann::json RestoreWarnings::ToJson(const Core::StateCache& cache) const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [device, conflict] : conflicts_) {
        const Core::Device* d = cache.FindDevice(device);
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
