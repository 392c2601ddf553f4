// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/ServiceLink.hpp"

#include "systemd/Notify.hpp"

ServiceLink::ServiceLink(Event::EventLoop& loop, Count devices_online, Count clients)
    : devices_online_(std::move(devices_online)),
      clients_(std::move(clients)),
      status_(loop, [this]() noexcept { SendStatus(); }),
      watchdog_(loop, [this]() noexcept { Ping(); }) {}

std::string ServiceLink::StatusText(size_t devices_online, size_t clients) {
    return std::to_string(devices_online) + (devices_online == 1 ? " device" : " devices") +
           " online, " + std::to_string(clients) + (clients == 1 ? " client" : " clients");
}

void ServiceLink::Ready() noexcept {
    try {
        last_status_ = StatusText(devices_online_(), clients_());
        Systemd::Notify(("READY=1\nSTATUS=" + last_status_).c_str());
    } catch (const std::exception&) {
        Systemd::Notify("READY=1");
    }
    const auto interval = Systemd::WatchdogInterval();
    if (!interval) return;
    /* Trade-off: a ping every WatchdogSec/2 is the only wakeup of an idle daemon,
     * and only when the unit asks for it; a hung loop is then restarted. */
    watchdog_period_ = *interval / 2;
    Ping();
}

void ServiceLink::Ping() noexcept {
    Systemd::Notify("WATCHDOG=1");
    watchdog_.Schedule(watchdog_period_);
}

void ServiceLink::Stopping() noexcept {
    watchdog_.Cancel();
    Systemd::Notify("STOPPING=1");
}

void ServiceLink::SendStatus() noexcept {
    try {
        std::string text = StatusText(devices_online_(), clients_());
        if (text == last_status_) return;
        last_status_ = std::move(text);
        Systemd::Notify(("STATUS=" + last_status_).c_str());
    } catch (const std::exception&) {
    }
}
