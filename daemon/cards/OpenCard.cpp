// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/cards/OpenCard.hpp"

#include <cerrno>
#include <system_error>

#include "daemon/Log.hpp"

OpenCard::OpenCard(Event::EventLoop& loop, Core::StateCache& cache, Alsa::CardIdentity identity,
                   Event::Callback<void()> gone)
    : loop_(loop),
      cache_(cache),
      identity_(std::move(identity)),
      gone_(std::move(gone)),
      checks_(loop, [this]() noexcept { RunChecks(); }) {}

void OpenCard::Open(const decltype(Options::open_card)& open) {
    card_ = open ? open(identity_.ctl, *this) : Alsa::OpenCard(identity_.ctl, *this);
    fds_ = card_->GetPollFds();
    for (size_t i = 0; i < fds_.size(); ++i) {
        auto watch = std::make_unique<Event::FdWatch>(
            loop_, [this, i](uint32_t events) noexcept { OnReady(i, events); });
        uint32_t flags = 0;
        if (fds_[i].events & POLLIN) flags |= EPOLLIN;
        if (fds_[i].events & POLLOUT) flags |= EPOLLOUT;
        if (!watch->Open(fds_[i].fd, flags))
            throw std::system_error(errno, std::system_category(), "epoll_ctl(card)");
        watches_.push_back(std::move(watch));
    }
    ready_ = true;
}

void OpenCard::StopWatching() noexcept {
    for (auto& watch : watches_) watch->Cancel();
    checks_.Cancel();
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
        StopWatching();
        gone_();
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
    if (ready_) cache_.ApplyValue(identity_.id, info.id.numid, value);
}

void OpenCard::OnControlInfo(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept {
    if (ready_) cache_.ApplyInfo(identity_.id, info, value);
}

void OpenCard::OnControlAdded(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept {
    if (ready_) cache_.AddControl(identity_.id, info, value);
}

void OpenCard::OnControlRemoved(const Alsa::ControlId& id) noexcept {
    if (ready_) cache_.RemoveControl(identity_.id, id.numid);
}
