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
    const auto& devices = cache.GetDevices();
    if (!params.contains("device")) {
        if (devices.size() == 1) return devices.begin()->second;
        if (devices.empty()) throw RpcError(ErrorCode::DeviceNotFound, "no device is known");
        throw Ipc::ParamsInvalid(
            "device",
            "device is required when " + std::to_string(devices.size()) + " devices are known");
    }
    const Json& d = params.at("device");
    if (!d.is_string()) throw Ipc::ParamsInvalid("device", "device must be a string (a device id)");
    const auto* device = cache.FindDevice(d.get<std::string>());
    if (!device)
        throw RpcError(ErrorCode::DeviceNotFound, "no device '" + d.get<std::string>() + "'",
                       {{"device", d}});
    if (!device->online)
        throw RpcError(ErrorCode::DeviceOffline,
                       "device '" + device->identity.id + "' is unplugged", {{"device", d}});
    return *device;
}

OpenCard& Context::OnlineCard(const Core::Device& device) const {
    OpenCard* card = cards.Find(device.identity.id);
    if (!card)
        throw RpcError(ErrorCode::DeviceOffline,
                       "device '" + device.identity.id + "' is unplugged");
    return *card;
}

void Context::CheckSubscriptionLimit(const ClientSession& session) const {
    const size_t limit = options.limits.max_subscriptions;
    if (session.GetSubscriptionCount() >= limit)
        throw RpcError(ErrorCode::LimitExceeded, "too many subscriptions on this connection",
                       {{"limit", limit}, {"resource", "subscriptions"}});
}

}  // namespace Methods
