// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/Instance.hpp"

#include <malloc.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "daemon/Log.hpp"
#include "systemd/Notify.hpp"

OpenCard::OpenCard(Instance& instance, Alsa::CardIdentity identity)
    : instance_(instance),
      identity_(std::move(identity)),
      checks_(instance.GetLoop(), [this]() noexcept { RunChecks(); }) {}

void OpenCard::Open() {
    const auto& open = instance_.GetOptions().open_card;
    card_ = open ? open(identity_.ctl, *this) : Alsa::OpenCard(identity_.ctl, *this);
    fds_ = card_->GetPollFds();
    for (size_t i = 0; i < fds_.size(); ++i) {
        auto watch = std::make_unique<Event::FdWatch>(
            instance_.GetLoop(), [this, i](uint32_t events) noexcept { OnReady(i, events); });
        uint32_t flags = 0;
        if (fds_[i].events & POLLIN) flags |= EPOLLIN;
        if (fds_[i].events & POLLOUT) flags |= EPOLLOUT;
        if (!watch->Open(fds_[i].fd, flags))
            throw std::system_error(errno, std::system_category(), "epoll_ctl(card)");
        watches_.push_back(std::move(watch));
    }
    ready_ = true;
}

void OpenCard::OnReady(size_t index, uint32_t events) noexcept {
    for (auto& fd : fds_) fd.revents = 0;
    short revents = 0;
    if (events & EPOLLIN) revents |= POLLIN;
    if (events & EPOLLOUT) revents |= POLLOUT;
    if (events & EPOLLERR) revents |= POLLERR;
    if (events & EPOLLHUP) revents |= POLLHUP;
    fds_[index].revents = revents;
    bool alive = false;
    try {
        alive = card_->HandleEvents(fds_);
    } catch (const std::exception& e) {
        Log::Warning(identity_.id + ": " + e.what(), {.device = identity_.id});
    }
    /* Gone: leave the epoll set at once, or a dead fd reporting EPOLLERR would spin
     * the loop (PipeWire b904c3ee1), and close it so the kernel can free the card. */
    if (!alive) {
        checks_.Cancel();
        instance_.CloseCard(identity_.id, "unplugged");
    } else if (card_->HasChecks()) {
        checks_.Schedule();
    }
}

void OpenCard::RunChecks() noexcept {
    try {
        card_->RunChecks();
    } catch (const std::exception& e) {
        Log::Warning(identity_.id + ": " + e.what(), {.device = identity_.id});
    }
}

void OpenCard::OnControlValue(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept {
    if (ready_) instance_.GetCache().ApplyValue(identity_.id, info.id.numid, value);
}

void OpenCard::OnControlInfo(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept {
    if (ready_) instance_.GetCache().ApplyInfo(identity_.id, info, value);
}

void OpenCard::OnControlAdded(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept {
    if (ready_) instance_.GetCache().AddControl(identity_.id, info, value);
}

void OpenCard::OnControlRemoved(const Alsa::ControlId& id) noexcept {
    if (ready_) instance_.GetCache().RemoveControl(identity_.id, id.numid);
}

Instance::Instance(Options options)
    : options_(std::move(options)),
      started_(std::chrono::steady_clock::now()),
      status_(loop_, [this]() noexcept { SendStatus(); }),
      cache_([this](const Core::Change& change) { OnCacheChange(change); }),
      server_(loop_, *this, options_.limits),
      reap_(loop_, [this]() noexcept { closed_cards_.clear(); }),
      flush_(loop_, [this]() noexcept { Flush(); }),
      rescan_(loop_, [this]() noexcept { Rescan(); }),
      retry_(loop_, [this]() noexcept { Rescan(); }),
      inotify_watch_(loop_, [this](uint32_t) noexcept { OnInotify(); }),
      signal_watch_(loop_,
                    [this](uint32_t) noexcept {
                        signalfd_siginfo info;
                        while (read(signal_fd_.Get(), &info, sizeof(info)) == sizeof(info)) {
                            Log::Info("signal " + std::to_string(info.ssi_signo) + ": stopping");
                            loop_.Break();
                        }
                    }),
      watchdog_(loop_, [this]() noexcept {
          Systemd::Notify("WATCHDOG=1");
          watchdog_.Schedule(watchdog_period_);
      }) {
    /* A client that goes away mid-write must not kill us: Restart=on-failure would
     * not even restart a daemon killed by SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal_fd_.Reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signal_fd_) throw std::system_error(errno, std::system_category(), "signalfd");
    if (!signal_watch_.Open(signal_fd_.Get(), EPOLLIN))
        throw std::system_error(errno, std::system_category(), "epoll_ctl(signalfd)");

    SetUpSockets();
}

Instance::~Instance() {
    /* Close cards quietly: no device.removed on shutdown. */
    cards_.clear();
}

void Instance::Start() {
    /* Watch before scanning, so a card appearing in between is not missed. */
    if (options_.watch_dev_snd) StartHotplug();
    Rescan();
    /* Loading a card leaves freed temporaries (alsa-lib's and ours) in the heap; give
     * them back once, so an idle daemon does not keep its startup peak (bench/:
     * RSS of the 936-control Gen 4 18i20). */
    malloc_trim(0);
    /* Sockets listen (constructor) and every present card is enumerated: ready, even
     * with zero cards. The status goes in the same message, so it is never stale. */
    last_status_ = StatusText(OnlineDevices(), server_.GetClientCount());
    Systemd::Notify(("READY=1\nSTATUS=" + last_status_).c_str());
    StartWatchdog();
}

void Instance::Run() {
    Start();
    loop_.Run();
    Systemd::Notify("STOPPING=1");
}

void Instance::CloseCard(const std::string& id, const char* reason) noexcept {
    auto it = cards_.find(id);
    if (it == cards_.end()) return;
    /* Out of the epoll set now; snd_ctl_close() right after the current callback,
     * which may be this card's own. */
    it->second->StopWatching();
    closed_cards_.push_back(std::move(it->second));
    cards_.erase(it);
    reap_.Schedule();
    Log::Notice(id + ": " + reason, {.device = id});
    cache_.SetOffline(id);
    UpdateMeterPoll(id);
    ScheduleStatus();
    /* A vanished card may come back under a new number: let hotplug find it. */
}
