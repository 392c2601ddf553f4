// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/MeterPoller.hpp"
#include "daemon/Notifier.hpp"
#include "daemon/Options.hpp"
#include "daemon/RestoreWarnings.hpp"
#include "daemon/ServiceLink.hpp"
#include "daemon/StateKeeper.hpp"
#include "daemon/cards/CardSet.hpp"
#include "daemon/core/StateCache.hpp"
#include "daemon/methods/Context.hpp"
#include "event/ChildWatch.hpp"
#include "event/EventLoop.hpp"
#include "event/SignalWatch.hpp"
#include "ipc/Server.hpp"

/**
 * The composition root: owns the loop and every subsystem, and wires them. It holds
 * no state of its own. The members are declared in the order they depend on each
 * other, so they are destroyed the other way round: the server first (its
 * connections end, their sessions leave the notifier and the meter poller), the loop
 * last. Loop thread only.
 */
class Instance final : Ipc::Handler, CardSet::Listener {
  public:
    /** Binds or adopts the sockets. Throws std::runtime_error / std::system_error. */
    explicit Instance(Options options);
    ~Instance() override;

    /** Starts hotplug detection, opens the cards present and tells systemd it is ready. */
    void Start();
    /** Start(), then runs until SIGTERM or SIGINT. */
    void Run();
    /** Looks for cards now (tests; hotplug does this by itself). */
    void RescanNow() noexcept { cards_.Rescan(); }
    /** A card is still writing what a client asked (tests drive the loop until not). */
    bool IsWriting() const noexcept { return cards_.IsWriting(); }
    /** A card is still opening on its I/O thread (tests drive the loop until not). */
    bool IsOpening() const noexcept { return cards_.IsOpening(); }
    /** Cards online or opening (each has an I/O thread). */
    size_t GetCardCount() const noexcept { return cards_.GetCardCount(); }
    Event::EventLoop& GetLoop() noexcept { return loop_; }

  private:
    /* Ipc::Handler */
    std::unique_ptr<Ipc::Session> OnConnect(Ipc::Connection& connection) override;
    void OnDisconnect(Ipc::Connection& connection) noexcept override;
    void OnTrim() noexcept override;
    /* CardSet::Listener */
    void OnCardOnline(const Alsa::CardIdentity& identity) noexcept override;
    void OnCardOffline(const std::string& id) noexcept override;

    /** File descriptors kept for the daemon itself out of RLIMIT_NOFILE. */
    static constexpr size_t FDS_OF_OUR_OWN = 64;
    /** @p limits with max_clients lowered to what the open-file limit allows. */
    static Ipc::Limits FitToFdLimit(Ipc::Limits limits);

    void OnSignal(int signal) noexcept;
    void OnSimulatorExit(const std::string& name, int status) noexcept;

    const Options options_;
    Event::EventLoop loop_;
    Event::SignalWatch signals_;
    std::vector<std::unique_ptr<Event::ChildWatch>> simulators_;
    ServiceLink service_;
    Core::StateCache cache_;
    RestoreWarnings warnings_;
    CardSet cards_;
    Notifier notifier_;
    MeterPoller meters_;
    StateKeeper keeper_;
    Methods::Context context_;
    Ipc::Server server_;
};
