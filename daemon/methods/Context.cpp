// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/methods/Context.hpp"

#include "daemon/ClientSession.hpp"
#include "daemon/cards/CardSet.hpp"
#include "ipc/Error.hpp"

namespace Methods {

using Ipc::ErrorCode;
using Ipc::RpcError;
using Json = nlohmann::json;

const Core::Device& Context::ResolveDevice(const Json& params) const {
    const Core::Device& device = ResolveKnown(params);
    /* Named or implied: the cache of an unplugged device is never served as current. */
    if (!device.online) throw Offline(device.identity.id);
    return device;
}

const Core::Device& Context::ResolveKnown(const Json& params) const {
    const auto& devices = cache.GetDevices();
    const Core::Device* device = nullptr;
    if (!params.contains("device")) {
        if (devices.empty()) throw RpcError(ErrorCode::DeviceNotFound, "no device is known");
        if (devices.size() > 1)
            throw Ipc::ParamsInvalid(
                "device",
                "device is required when " + std::to_string(devices.size()) + " devices are known");
        device = &devices.begin()->second;
    } else {
        const Json& d = params.at("device");
        if (!d.is_string())
            throw Ipc::ParamsInvalid("device", "device must be a string (a device id)");
        device = cache.FindDevice(d.get<std::string>());
        if (!device)
            throw RpcError(ErrorCode::DeviceNotFound, "no device '" + d.get<std::string>() + "'",
                           {{"device", d}});
    }
    return *device;
}

RpcError Context::Offline(const std::string& id) {
    return RpcError(ErrorCode::DeviceOffline, "device '" + id + "' is unplugged", {{"device", id}});
}

RpcError Context::Unplugged(const std::string& id, Json applied) const {
    cards.Close(id, "unplugged");
    return Gone(id, std::move(applied));
}

RpcError Context::Gone(const std::string& id, Json applied) {
    Json data = {{"device", id}};
    if (!applied.is_null()) data["applied"] = std::move(applied);
    return RpcError(ErrorCode::DeviceOffline, "device '" + id + "' was unplugged", std::move(data));
}

RpcError Context::Unanswered(const std::string& id, const std::string& what, Json applied) {
    Json data = {{"device", id}, {"reason", "unresponsive"}};
    if (!applied.is_null()) data["applied"] = std::move(applied);
    return RpcError(ErrorCode::DeviceBusy, what, std::move(data));
}

OpenCard& Context::OnlineCard(const Core::Device& device) const {
    OpenCard* card = cards.Find(device.identity.id);
    if (!card) throw Offline(device.identity.id);
    return *card;
}

void Context::CheckSubscriptionLimit(const ClientSession& session) const {
    const size_t limit = options.limits.max_subscriptions;
    if (session.GetSubscriptionCount() >= limit)
        throw RpcError(ErrorCode::LimitExceeded, "too many subscriptions on this connection",
                       {{"limit", limit}, {"resource", "subscriptions"}});
}

}  // namespace Methods
