// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hotplug without polling: inotify on /dev/snd sees control nodes appear (devtmpfs,
 * with or without udevd) and their permissions change (udev's chmod, logind's ACLs:
 * IN_ATTRIB). Removal is seen by the card's own fd (EPOLLERR / -ENODEV).
 */
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "alsa/Discovery.hpp"
#include "alsa/Identity.hpp"
#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"

namespace {
constexpr const char* DEV_DIR = "/dev";
constexpr const char* SND_DIR = "/dev/snd";
constexpr auto FIRST_RETRY = std::chrono::milliseconds(100);
constexpr auto LAST_RETRY = std::chrono::milliseconds(1600);
}  // namespace

void Instance::StartHotplug() {
    inotify_.Reset(inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify_) {
        Log::Warning(std::string("inotify: ") + strerror(errno) + "; hotplug disabled");
        return;
    }
    if (!inotify_watch_.Open(inotify_.Get(), EPOLLIN)) {
        Log::Warning(std::string("inotify: ") + strerror(errno) + "; hotplug disabled");
        inotify_.Reset();
        return;
    }
    WatchDevSnd();
    if (options_.simulator_dir) {
        /* A simulator creates its socket when "plugged in" and removes it on unplug. */
        sim_wd_ = inotify_add_watch(inotify_.Get(), options_.simulator_dir->c_str(),
                                    IN_CREATE | IN_MOVED_TO);
        if (sim_wd_ < 0)
            Log::Warning("inotify on " + *options_.simulator_dir + ": " + strerror(errno));
    }
}

void Instance::WatchDevSnd() noexcept {
    snd_wd_ = inotify_add_watch(inotify_.Get(), SND_DIR,
                                IN_CREATE | IN_ATTRIB | IN_MOVED_TO | IN_DELETE_SELF);
    if (snd_wd_ >= 0) {
        /* /dev itself is busy (ptys, ...): watch it only while /dev/snd is missing. */
        if (dev_wd_ >= 0) inotify_rm_watch(inotify_.Get(), dev_wd_);
        dev_wd_ = -1;
        return;
    }
    /* No sound card at all yet: devtmpfs creates /dev/snd with the first one. */
    if (dev_wd_ < 0) dev_wd_ = inotify_add_watch(inotify_.Get(), DEV_DIR, IN_CREATE | IN_ONLYDIR);
    /* It may have appeared between the two calls. */
    if (dev_wd_ >= 0 && access(SND_DIR, F_OK) == 0) WatchDevSnd();
}

void Instance::OnInotify() noexcept {
    alignas(inotify_event) char buffer[4096];
    bool rescan = false;
    bool rewatch = false;
    ssize_t n;
    while ((n = read(inotify_.Get(), buffer, sizeof(buffer))) > 0) {
        for (char* p = buffer; p < buffer + n;) {
            auto* ev = reinterpret_cast<inotify_event*>(p);
            p += sizeof(inotify_event) + ev->len;
            const std::string_view name = ev->len ? ev->name : "";
            if (ev->wd == snd_wd_) {
                if (ev->mask & (IN_DELETE_SELF | IN_IGNORED)) {
                    snd_wd_ = -1;
                    rewatch = true;
                } else if (Alsa::ParseControlNode(name)) {
                    rescan = true;
                }
            } else if (ev->wd == sim_wd_ && name.ends_with(".sock")) {
                rescan = true;
            } else if (ev->wd == dev_wd_ && name == "snd") {
                rewatch = true;
                rescan = true;
            }
        }
    }
    if (rewatch && snd_wd_ < 0) WatchDevSnd();
    if (rewatch && snd_wd_ >= 0) rescan = true;
    if (rescan) {
        retry_delay_ = std::chrono::milliseconds(0);
        rescan_.Schedule();
    }
}

void Instance::Rescan() noexcept {
    std::vector<Alsa::CardIdentity> found;
    /* A card still registering, or whose node udev has not opened to us yet, is
     * retried by timer; the loop never sleeps. */
    bool retry = false;
    try {
        found = options_.discover
                    ? options_.discover()
                    : Alsa::DiscoverCards(Alsa::DiscoveryOptions{.extra_ctls = options_.cards,
                                                                 .all_cards = options_.all_cards},
                                          &retry);
    } catch (const std::exception& e) {
        Log::Warning(std::string("card discovery: ") + e.what());
        return;
    }
    for (const auto& sim : options_.simulated)
        if (access(sim.socket_path.c_str(), F_OK) == 0) found.push_back(sim.identity);
    std::set<int> open_indexes;
    for (const auto& [id, card] : cards_) open_indexes.insert(card->GetIdentity().card);

    for (auto& identity : found) {
        if (cards_.contains(identity.id)) continue;
        if (identity.card >= 0 && open_indexes.contains(identity.card)) continue;
        auto card = std::make_unique<OpenCard>(*this, identity);
        try {
            card->Open();
        } catch (const Alsa::Error& e) {
            /* udev applies GROUP/MODE/ACLs after devtmpfs created the node. */
            if (e.GetErrno() == EACCES || e.GetErrno() == EPERM || e.GetErrno() == ENOENT) {
                retry = true;
                /* Said once per card: a user outside group audio must learn why. */
                if (reported_inaccessible_.insert(identity.id).second)
                    Log::Notice(identity.ctl + " (" + identity.name + "): cannot open it yet (" +
                                    e.what() + "); waiting for its permissions to change",
                                {.device = identity.id});
            } else {
                Log::Warning(identity.ctl + ": cannot open: " + e.what(), {.device = identity.id});
            }
            continue;
        } catch (const std::exception& e) {
            Log::Warning(identity.ctl + ": cannot open: " + e.what(), {.device = identity.id});
            continue;
        }
        const std::string id = identity.id;
        auto controls = card->GetCard().GetControls();
        Log::Notice(id + ": online as " + identity.ctl + " (" + identity.name + ", " +
                        std::to_string(controls.size()) + " controls)",
                    {.device = id});
        cache_.SetOnline(identity, std::move(controls));
        reported_inaccessible_.erase(id);
        cards_.emplace(id, std::move(card));
        UpdateMeterPoll(id); /* meter subscribers of a replugged device */
        CheckAlsaRestore(identity);
        ScheduleStatus();
    }

    if (retry) {
        retry_delay_ = retry_delay_.count() == 0 ? FIRST_RETRY : retry_delay_ * 2;
        if (retry_delay_ <= LAST_RETRY) retry_.Schedule(retry_delay_);
    } else {
        retry_delay_ = std::chrono::milliseconds(0);
        retry_.Cancel();
    }
}
