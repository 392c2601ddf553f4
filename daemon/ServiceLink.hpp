// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string>

#include "event/Callback.hpp"
#include "event/Deferred.hpp"
#include "event/Timer.hpp"

/**
 * What the service manager sees (sd_notify): READY=1 once the daemon serves, a
 * one-line STATUS= sent only when it changes, the watchdog ping under WatchdogSec=
 * (the one timer of an idle daemon, and only then), STOPPING=1. Without a service
 * manager every message is a no-op. Loop thread only.
 */
class ServiceLink {
  public:
    using Count = Event::Callback<size_t()>;

    /** The status counts devices online and clients through these. */
    ServiceLink(Event::EventLoop& loop, Count devices_online, Count clients);

    /** "N devices online, M clients". */
    static std::string StatusText(size_t devices_online, size_t clients);

    /** READY=1 with the status in the same message (never stale); starts the watchdog. */
    void Ready() noexcept;
    /** The counts may have changed: STATUS= after this loop round, if it differs. */
    void ScheduleStatus() noexcept { status_.Schedule(); }
    void Stopping() noexcept;

  private:
    void SendStatus() noexcept;
    void Ping() noexcept;

    Count devices_online_;
    Count clients_;
    std::string last_status_;
    Event::Deferred status_;
    Event::Timer watchdog_;
    std::chrono::microseconds watchdog_period_{0};
};
