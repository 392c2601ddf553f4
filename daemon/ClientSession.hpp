// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/core/Subscription.hpp"
#include "daemon/methods/Context.hpp"
#include "ipc/Connection.hpp"
#include "ipc/Handler.hpp"

/**
 * One client of the daemon: the state a connection carries (its subscriptions and
 * the ids it hands out) and its requests, run through the method table. Made by the
 * Instance when a client connects, owned by the connection; while it lives it is
 * attached to the notifier, and its meter subscriptions are with the meter poller.
 * An events-socket session is one unfiltered subscription, announced by a snapshot.
 * Loop thread only.
 */
class ClientSession final : public Ipc::Session {
  public:
    ClientSession(Ipc::Connection& connection, Methods::Context& context);
    ~ClientSession() override;

    nlohmann::json Call(const std::string& method, const nlohmann::json& params) override;
    void OnDrained() noexcept override;
    /** Subscribed (or the events socket): notifications may still come. */
    bool ExpectsMore() const noexcept override {
        return IsEventsSocket() || GetSubscriptionCount() > 0;
    }

    bool IsEventsSocket() const noexcept {
        return GetConnection().GetKind() == Ipc::SocketKind::Events;
    }
    std::vector<std::unique_ptr<Core::Subscription>>& GetSubscriptions() noexcept {
        return subscriptions_;
    }
    uint64_t NewSubscriptionId() noexcept { return next_subscription_++; }
    /** Subscriptions and meter subscriptions: what max_subscriptions limits. */
    size_t GetSubscriptionCount() const noexcept;

  private:
    Methods::Context& context_;
    std::vector<std::unique_ptr<Core::Subscription>> subscriptions_;
    uint64_t next_subscription_ = 1;
};
