// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

#include "event/Callback.hpp"
#include "event/InotifyWatch.hpp"

/**
 * Hotplug without polling: inotify on /dev/snd sees control nodes appear (devtmpfs,
 * with or without udevd) and their permissions change (udev's chmod, logind's ACLs:
 * IN_ATTRIB); while /dev/snd is missing, /dev is watched for it. A simulator
 * directory, when given, is watched for sockets appearing. Removal is not seen here:
 * a card's own fd reports it. Loop thread only.
 */
class Hotplug {
  public:
    /** @p changed runs once per batch of events that may mean a new or newly
     *  accessible card. @p dev_dir is /dev but in tests. */
    Hotplug(Event::EventLoop& loop, std::optional<std::string> simulator_dir,
            Event::Callback<void()> changed, std::string dev_dir = "/dev") noexcept;

    /** Starts watching; without inotify (a warning is logged) hotplug is off. */
    void Start() noexcept;

  private:
    void OnEvent(const Event::InotifyEvent& event) noexcept;
    void OnBatch() noexcept;
    /** Watches /dev/snd, or /dev until it appears. Never loops: a /dev/snd that
     *  exists but cannot be watched is reported once, and hotplug is off. */
    void WatchDevSnd() noexcept;

    std::string dev_dir_;
    std::string snd_dir_;
    std::optional<std::string> simulator_dir_;
    Event::Callback<void()> changed_;
    Event::InotifyWatch inotify_;
    int snd_wd_ = -1;
    int dev_wd_ = -1;
    int sim_wd_ = -1;
    /* Of the batch being read. */
    bool changed_in_batch_ = false;
    bool rewatch_ = false;
};
