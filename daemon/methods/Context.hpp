// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>

#include "daemon/Options.hpp"
#include "daemon/core/StateCache.hpp"

class CardSet;
class ClientSession;
class MeterPoller;
class Notifier;
class OpenCard;
class RestoreWarnings;
class StateKeeper;
namespace Ipc {
class Server;
struct RpcError;
}  // namespace Ipc

namespace Methods {

/**
 * What the protocol methods work on: the subsystems the Instance owns, by
 * reference, and the checks several methods share. Built by the Instance. Loop
 * thread only.
 */
struct Context {
    const Options& options;
    Core::StateCache& cache;
    CardSet& cards;
    Notifier& notifier;
    MeterPoller& meters;
    const RestoreWarnings& warnings;
    StateKeeper& keeper;
    /* Set once the server exists (it is built after, and ends before, the rest). */
    const Ipc::Server* server = nullptr;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    /** The device a request names (`device`), or the only known one when it names
     *  none; either way it must be online. Throws params.invalid, device.not_found,
     *  device.offline (with data.device). */
    const Core::Device& ResolveDevice(const nlohmann::json& params) const;
    /** The same, online or not (what only needs the device's identity). */
    const Core::Device& ResolveKnown(const nlohmann::json& params) const;
    /** device.offline, with data.device. */
    static Ipc::RpcError Offline(const std::string& id);
    /** A write found the device gone (ENODEV): its card is closed, and the error is
     *  device.offline with data.device and, when not null, data.applied. */
    Ipc::RpcError Unplugged(const std::string& id, nlohmann::json applied) const;
    /** Unplugged()'s error alone, for a card already closing (CardIo::Closed): safe
     *  while the daemon itself is being destroyed. */
    static Ipc::RpcError Gone(const std::string& id, nlohmann::json applied);
    /** The card did not answer in time (@p what, CardIo::Unresponsive's): device.busy
     *  with data.reason "unresponsive" and, when not null, data.applied. */
    static Ipc::RpcError Unanswered(const std::string& id, const std::string& what,
                                    nlohmann::json applied);
    /** The open card of @p device. Throws device.offline. */
    OpenCard& OnlineCard(const Core::Device& device) const;
    /** Throws limit.exceeded when @p session holds max_subscriptions (meters included). */
    void CheckSubscriptionLimit(const ClientSession& session) const;
};

}  // namespace Methods
