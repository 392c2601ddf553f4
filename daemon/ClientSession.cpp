// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/ClientSession.hpp"

#include "daemon/MeterPoller.hpp"
#include "daemon/Notifier.hpp"
#include "daemon/methods/Table.hpp"
#include "ipc/Json.hpp"

ClientSession::ClientSession(Ipc::Connection& connection, Methods::Context& context)
    : Ipc::Session(connection), context_(context) {
    if (IsEventsSocket()) {
        auto sub = context_.notifier.NewSubscription(0, std::nullopt, {}, Core::TOPIC_ALL);
        /* protocol-v1 §2: params as in subscribe's result, all topics, all devices. */
        connection.SendLine(Ipc::EncodeNotification(
            "snapshot", nlohmann::json{{"seq", context_.cache.GetSeq()},
                                       {"snapshot", context_.notifier.Snapshot(*sub)}}));
        subscriptions_.push_back(std::move(sub));
    }
    context_.notifier.Attach(connection.GetId(), *this);
}

ClientSession::~ClientSession() {
    context_.notifier.Detach(GetConnection().GetId());
    context_.meters.RemoveAll(*this);
}

nlohmann::json ClientSession::Call(const std::string& method, const nlohmann::json& params) {
    return Methods::Dispatch(context_, *this, method, params);
}

void ClientSession::OnDrained() noexcept {
    context_.notifier.Flush(*this);
}

size_t ClientSession::GetSubscriptionCount() const noexcept {
    return subscriptions_.size() + context_.meters.Count(*this);
}
