// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <poll.h>

#include <memory>
#include <vector>

#include "alsa/Card.hpp"
#include "daemon/Options.hpp"
#include "daemon/cards/CardIo.hpp"
#include "daemon/core/StateCache.hpp"
#include "event/Callback.hpp"
#include "event/Deferred.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"

/**
 * One open card glued to the loop: its poll descriptors sit in the daemon's epoll
 * set, its events go to the state cache, and its blocking I/O goes through its CardIo
 * (while that has the card, its events wait in the kernel). Owned by the CardSet.
 * Loop thread only.
 */
class OpenCard final : public Alsa::CardListener {
  public:
    /** @p gone runs from this card's own callback when the card has disappeared. */
    OpenCard(Event::EventLoop& loop, Core::StateCache& cache, Alsa::CardIdentity identity,
             std::chrono::milliseconds io_bound, Event::Callback<void()> gone);

    /** Opens the ctl (through @p open when set: tests) on the card's I/O thread, then
     *  registers its fds; @p opened runs from the loop with the error (Alsa::Error,
     *  std::system_error), or null when the card is ready. Throws std::system_error
     *  when no I/O thread can be made. */
    void Open(decltype(Options::open_card) open, CardIo::Opened opened);

    const Alsa::CardIdentity& GetIdentity() const noexcept { return identity_; }
    /** Reads, writes: everything that may wait for the device. */
    CardIo& Io() noexcept { return *io_; }
    /** The card's loaded controls (no I/O): once opened. */
    std::vector<Alsa::Control> GetControls() const;
    /** Leaves the epoll set; the card is closed when this object is destroyed. */
    void StopWatching() noexcept;

    void OnControlValue(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept override;
    void OnControlInfo(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept override;
    void OnControlAdded(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept override;
    void OnControlRemoved(const Alsa::ControlId& id) noexcept override;

  private:
    /** Registers the card's fds. @return false with errno set. */
    [[nodiscard]] bool Watch() noexcept;
    /** The card is the loop's again (a submitted job done, or it answers again after
     *  it did not). */
    void OnBack() noexcept;
    void OnReady(size_t index, uint32_t events) noexcept;
    void RunChecks() noexcept;

    Event::EventLoop& loop_;
    Core::StateCache& cache_;
    Alsa::CardIdentity identity_;
    const std::chrono::milliseconds io_bound_;
    Event::Callback<void()> gone_;
    std::unique_ptr<CardIo> io_;
    std::vector<pollfd> fds_;
    std::vector<std::unique_ptr<Event::FdWatch>> watches_;
    /* Late deferred work: after the notifications of the change are written (the
     * notifier's flush schedules each connection's write, which an ordinary deferred
     * scheduled earlier would precede: one ioctl between a change and its subscribers). */
    Event::Deferred checks_;
    /* Events during Open() (the initial load) are not changes. */
    bool ready_ = false;
};
