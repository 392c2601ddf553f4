// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/cards/OpenCard.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include "daemon/Log.hpp"

OpenCard::OpenCard(Event::EventLoop& loop, Core::StateCache& cache, Alsa::CardIdentity identity,
                   std::chrono::milliseconds io_bound, Event::Callback<void()> gone)
    : loop_(loop),
      cache_(cache),
      identity_(std::move(identity)),
      io_bound_(io_bound),
      gone_(std::move(gone)),
      checks_(
          loop, [this]() noexcept { RunChecks(); }, Event::Deferred::Order::Late) {}

void OpenCard::Open(decltype(Options::open_card) open, CardIo::Opened opened) {
    io_ = std::make_unique<CardIo>(
        loop_, identity_.id, io_bound_, [this]() noexcept { StopWatching(); },
        [this]() noexcept { OnBack(); });
    io_->Open(
        [this, open = std::move(open), ctl = identity_.ctl] {
            return open ? open(ctl, *this) : Alsa::OpenCard(ctl, *this);
        },
        [this, opened = std::move(opened)](std::exception_ptr error) noexcept {
            if (!error) {
                try {
                    fds_ = io_->Get()->GetPollFds();
                    for (size_t i = 0; i < fds_.size(); ++i)
                        watches_.push_back(std::make_unique<Event::FdWatch>(
                            loop_, [this, i](uint32_t events) noexcept { OnReady(i, events); }));
                    if (!Watch())
                        throw std::system_error(errno, std::system_category(), "epoll_ctl(card)");
                    ready_ = true;
                } catch (...) {
                    StopWatching();
                    error = std::current_exception();
                }
            }
            opened(error);
        });
}

bool OpenCard::Watch() noexcept {
    for (size_t i = 0; i < fds_.size(); ++i) {
        uint32_t flags = 0;
        if (fds_[i].events & POLLIN) flags |= EPOLLIN;
        if (fds_[i].events & POLLOUT) flags |= EPOLLOUT;
        if (!watches_[i]->Open(fds_[i].fd, flags)) return false;
    }
    return true;
}

std::vector<Alsa::Control> OpenCard::GetControls() const {
    return io_->Get()->GetControls();
}

void OpenCard::StopWatching() noexcept {
    for (auto& watch : watches_) watch->Cancel();
    checks_.Cancel();
}

void OpenCard::OnBack() noexcept {
    /* What changed meanwhile waits in the card's event queue: watching again reads it. */
    if (!Watch()) {
        Log::Error(identity_.id + ": cannot watch it again: " + std::strerror(errno),
                   {.device = identity_.id});
        StopWatching();
        gone_();
        return;
    }
    /* Checks that pausing cancelled (StopWatching) are still owed. */
    if (Alsa::Card* card = io_->Get(); card && card->HasChecks()) checks_.Schedule();
}

void OpenCard::OnReady(size_t index, uint32_t events) noexcept {
    for (auto& fd : fds_) fd.revents = 0;
    short revents = 0;
    if (events & EPOLLIN) revents |= POLLIN;
    if (events & EPOLLOUT) revents |= POLLOUT;
    if (events & EPOLLERR) revents |= POLLERR;
    if (events & EPOLLHUP) revents |= POLLHUP;
    fds_[index].revents = revents;
    Alsa::Card* card = io_->Get();
    if (!card) return;
    bool alive = false;
    try {
        alive = card->HandleEvents(fds_);
    } catch (const std::exception& e) {
        Log::Warning(identity_.id + ": " + e.what(), {.device = identity_.id});
    }
    /* Gone: leave the epoll set at once, or a dead fd reporting EPOLLERR would spin
     * the loop (PipeWire b904c3ee1), and close it so the kernel can free the card. */
    if (!alive) {
        StopWatching();
        gone_();
    } else if (card->HasChecks()) {
        checks_.Schedule();
    }
}

void OpenCard::RunChecks() noexcept {
    Alsa::Card* card = io_->Get();
    if (!card) return;
    try {
        card->RunChecks();
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
