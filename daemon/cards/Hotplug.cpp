// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/cards/Hotplug.hpp"

#include <sys/inotify.h>

#include <cerrno>
#include <cstring>

#include "alsa/Identity.hpp"
#include "daemon/Log.hpp"

Hotplug::Hotplug(Event::EventLoop& loop, std::optional<std::string> simulator_dir,
                 Event::Callback<void()> changed, std::string dev_dir) noexcept
    : dev_dir_(std::move(dev_dir)),
      snd_dir_(dev_dir_ + "/snd"),
      simulator_dir_(std::move(simulator_dir)),
      changed_(std::move(changed)),
      inotify_(
          loop, [this](const Event::InotifyEvent& event) noexcept { OnEvent(event); },
          [this]() noexcept { OnBatch(); }) {}

void Hotplug::Start() noexcept {
    if (!inotify_.Open()) {
        Log::Warning(std::string("inotify: ") + strerror(errno) + "; hotplug disabled");
        return;
    }
    WatchDevSnd();
    if (simulator_dir_) {
        /* A simulator creates its socket when "plugged in" and removes it on unplug. */
        sim_wd_ = inotify_.Add(simulator_dir_->c_str(), IN_CREATE | IN_MOVED_TO);
        if (sim_wd_ < 0) Log::Warning("inotify on " + *simulator_dir_ + ": " + strerror(errno));
    }
}

void Hotplug::WatchDevSnd() noexcept {
    constexpr uint32_t SND_EVENTS =
        IN_CREATE | IN_ATTRIB | IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR;
    snd_wd_ = inotify_.Add(snd_dir_.c_str(), SND_EVENTS);
    if (snd_wd_ < 0 && errno == ENOENT) {
        /* No sound card at all yet: devtmpfs creates /dev/snd with the first one. */
        if (dev_wd_ < 0) dev_wd_ = inotify_.Add(dev_dir_.c_str(), IN_CREATE | IN_ONLYDIR);
        if (dev_wd_ < 0) {
            Log::Warning("inotify on " + dev_dir_ + ": " + strerror(errno) +
                         "; cards plugged in later are not seen");
            return;
        }
        /* It may have appeared between the two calls: one more try, not a loop. */
        snd_wd_ = inotify_.Add(snd_dir_.c_str(), SND_EVENTS);
        if (snd_wd_ < 0 && errno == ENOENT) return;
    }
    if (snd_wd_ < 0) {
        /* Exists but cannot be watched (EACCES; ENOSPC: no inotify watches left). */
        Log::Warning("inotify on " + snd_dir_ + ": " + strerror(errno) +
                     "; cards plugged in later are not seen");
        return;
    }
    /* /dev itself is busy (ptys, ...): watch it only while /dev/snd is missing. */
    inotify_.Remove(dev_wd_);
    dev_wd_ = -1;
}

void Hotplug::OnEvent(const Event::InotifyEvent& event) noexcept {
    if (event.mask & IN_Q_OVERFLOW) {
        /* Events were lost: anything may have been plugged. */
        changed_in_batch_ = true;
        return;
    }
    if (event.wd == snd_wd_) {
        if (event.mask & (IN_DELETE_SELF | IN_IGNORED)) {
            snd_wd_ = -1;
            rewatch_ = true;
        } else if (Alsa::ParseControlNode(event.name)) {
            changed_in_batch_ = true;
        }
    } else if (event.wd == sim_wd_ && event.name.ends_with(".sock")) {
        changed_in_batch_ = true;
    } else if (event.wd == dev_wd_ && event.name == "snd") {
        rewatch_ = true;
        changed_in_batch_ = true;
    }
}

void Hotplug::OnBatch() noexcept {
    if (rewatch_ && snd_wd_ < 0) WatchDevSnd();
    if (rewatch_ && snd_wd_ >= 0) changed_in_batch_ = true;
    const bool changed = changed_in_batch_;
    rewatch_ = changed_in_batch_ = false;
    if (changed) changed_();
}
