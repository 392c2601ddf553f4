// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The daemon's subsystems wired as Instance wires them, without sockets on disk,
 * signals or a thread: the test drives the loop (Pump) and connects clients through
 * socketpairs. For tests of one subsystem at a time (CardSet, Notifier, MeterPoller).
 */

#include <doctest/doctest.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/ClientSession.hpp"
#include "daemon/Log.hpp"
#include "daemon/MeterPoller.hpp"
#include "daemon/Notifier.hpp"
#include "daemon/RestoreWarnings.hpp"
#include "daemon/StateKeeper.hpp"
#include "daemon/cards/CardSet.hpp"
#include "daemon/methods/Context.hpp"
#include "ipc/Server.hpp"
#include "tests/support/TestData.hpp"

namespace TestData {

/** The client end of a socketpair connection: reads what the daemon sent. */
struct Peer {
    Event::UniqueFd fd;
    std::string buffer;

    /** Complete lines received so far, as they came. */
    std::vector<std::string> TakeLines() {
        char chunk[65536];
        ssize_t n;
        while ((n = recv(fd.Get(), chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
            buffer.append(chunk, static_cast<size_t>(n));
        std::vector<std::string> out;
        for (size_t nl; (nl = buffer.find('\n')) != std::string::npos; buffer.erase(0, nl + 1))
            out.push_back(buffer.substr(0, nl));
        return out;
    }
    /** Complete lines received so far, parsed. */
    std::vector<nlohmann::json> Take() {
        std::vector<nlohmann::json> out;
        for (const auto& line : TakeLines()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
};

struct Parts final : CardSet::Listener, Ipc::Handler {
    explicit Parts(std::vector<Device> devices = {}, Ipc::Limits limits = {}) {
        cards_in_memory.devices = std::move(devices);
        options.limits = limits;
        options.root = "/nonexistent";
        cards_in_memory.Configure(options);
        Log::SetMaxLevel(Log::Level::Error);
        cards = std::make_unique<CardSet>(loop, cache, options, *this);
        meters = std::make_unique<MeterPoller>(loop, cache, *cards);
        context = std::make_unique<Methods::Context>(
            Methods::Context{options, cache, *cards, notifier, *meters, warnings, keeper});
        server = std::make_unique<Ipc::Server>(loop, *this, options.limits);
        context->server = server.get();
    }
    ~Parts() override {
        server.reset();
        context.reset();
        meters.reset();
        cards.reset();
    }

    /** Runs the loop until nothing is left to do now (timers in the future wait). */
    /** Runs the loop until nothing is left to do now, cards being opened on their
     *  I/O threads included (up to 2 s). */
    void Pump() {
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        do {
            for (int i = 0; i < 20; ++i) loop.RunOnce(0);
            while ((cards->IsOpening() || cards->IsWriting()) &&
                   std::chrono::steady_clock::now() < end)
                loop.RunOnce(10);
        } while ((cards->IsOpening() || cards->IsWriting()) &&
                 std::chrono::steady_clock::now() < end);
        for (int i = 0; i < 20; ++i) loop.RunOnce(0);
    }
    /** Runs the loop for about @p ms milliseconds. */
    void RunFor(int ms) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (std::chrono::steady_clock::now() < end) loop.RunOnce(10);
    }

    /** A client connected to the server; its session is a ClientSession. */
    Peer Connect(Ipc::SocketKind kind = Ipc::SocketKind::Control) {
        int fds[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) == 0);
        Ipc::Connection* connection = server->AddConnection(kind, Event::UniqueFd(fds[0]));
        REQUIRE(connection != nullptr);
        last = &static_cast<ClientSession&>(connection->GetSession());
        return Peer{Event::UniqueFd(fds[1]), {}};
    }

    std::unique_ptr<Ipc::Session> OnConnect(Ipc::Connection& connection) override {
        return std::make_unique<ClientSession>(connection, *context);
    }
    void OnDisconnect(Ipc::Connection&) noexcept override {}
    void OnCardOnline(const Alsa::CardIdentity& identity) noexcept override {
        online.push_back(identity.id);
        meters->Replan(identity.id);
    }
    void OnCardOffline(const std::string& id) noexcept override {
        offline.push_back(id);
        meters->Replan(id);
    }

    Options options;
    InMemoryCards cards_in_memory;
    Event::EventLoop loop;
    Core::StateCache cache{[this](const Core::Change& change) { notifier.OnCacheChange(change); }};
    Notifier notifier{loop, cache};
    RestoreWarnings warnings{"/nonexistent"};
    StateKeeper keeper{loop, options, cache};
    std::unique_ptr<CardSet> cards;
    std::unique_ptr<MeterPoller> meters;
    std::unique_ptr<Methods::Context> context;
    std::unique_ptr<Ipc::Server> server;
    /* The session of the last Connect(). */
    ClientSession* last = nullptr;
    std::vector<std::string> online, offline;
};

}  // namespace TestData
