// SPDX-License-Identifier: GPL-3.0-or-later
/* devices.configure (protocol 1.1 §2): a device's nickname and what happens when it is
 * plugged in. */
#include "daemon/JsonCodec.hpp"
#include "daemon/StateKeeper.hpp"
#include "daemon/core/Subscription.hpp"
#include "daemon/methods/Handlers.hpp"
#include "daemon/methods/PresetApply.hpp"
#include "daemon/state/PresetStore.hpp"
#include "daemon/state/Storage.hpp"
#include "ipc/Error.hpp"

namespace Methods {

namespace {

using Ipc::ErrorCode;
using Ipc::RpcError;

constexpr size_t MAX_NICKNAME = 128;
constexpr size_t MAX_GUARDS = 64;
constexpr size_t MAX_GLOB = 256;

void ApplyOnAttach(const Context& context, const Core::Device& device, const Json& on_attach,
                   Core::DeviceSettings& settings) {
    if (!on_attach.is_object())
        throw Ipc::ParamsInvalid("on_attach", "on_attach must be an object");
    for (const auto& [key, v] : on_attach.items())
        if (key != "restore" && key != "preset" && key != "set")
            throw Ipc::ParamsInvalid("on_attach", "unknown member '" + key + "' of on_attach");
    if (on_attach.contains("restore")) {
        const Json& r = on_attach["restore"];
        if (!r.is_string() || (r != "off" && r != "last" && r != "preset"))
            throw Ipc::ParamsInvalid("on_attach", "restore is \"off\", \"last\" or \"preset\"");
        settings.restore = r.get<std::string>();
    }
    if (on_attach.contains("preset")) {
        const Json& p = on_attach["preset"];
        if (p.is_null()) {
            settings.preset.reset();
        } else if (!p.is_string() || !State::PresetStore::IsValidName(p.get<std::string>())) {
            throw Ipc::ParamsInvalid("on_attach", "preset is a preset name or null");
        } else {
            settings.preset = p.get<std::string>();
        }
    }
    if (settings.restore == "preset") {
        if (!settings.preset)
            throw Ipc::ParamsInvalid("on_attach", "restore \"preset\" needs a preset");
        /* Told now rather than at the next plug-in. */
        const auto store = Store(context);
        const std::string path = store.PathOf(PresetSerialOf(device), *settings.preset);
        try {
            State::ReadBounded(path, State::PresetStore::MAX_FILE_SIZE, false);
        } catch (const State::StorageError& e) {
            if (e.GetErrno() == ENOENT)
                throw PresetNotFoundError(device.identity.id, *settings.preset);
            throw FromStorage(e);
        }
    }
    if (on_attach.contains("set")) {
        const Json& set = on_attach["set"];
        if (!set.is_array() || set.size() > MAX_GUARDS)
            throw Ipc::ParamsInvalid("on_attach", "set is an array of at most " +
                                                      std::to_string(MAX_GUARDS) + " guards");
        settings.set.clear();
        for (const auto& guard : set) {
            if (!guard.is_object() || guard.size() != 2 || !guard.contains("match") ||
                !guard.contains("value") || !guard["match"].is_string())
                throw Ipc::ParamsInvalid("on_attach",
                                         "a guard is {\"match\": GLOB, \"value\": VALUE}");
            const std::string match = guard["match"].get<std::string>();
            if (match.empty() || match.size() > MAX_GLOB)
                throw Ipc::ParamsInvalid("on_attach", "a guard's match is 1-256 bytes");
            const Json& value = guard["value"];
            if (value.is_null() || value.is_object() || value.is_binary())
                throw Ipc::ParamsInvalid("on_attach", "a guard's value is a control value");
            /* Checked against the controls it names now, as controls.set would. */
            for (const auto& [numid, c] : device.controls)
                if (Core::GlobMatch(match, c.info.id.name) && !c.info.access.is_volatile)
                    Codec::ResolveChange(c, {{"value", value}});
            settings.set.push_back({match, value.dump()});
        }
    }
}

}  // namespace

Json DevicesConfigure(Context& context, ClientSession&, const Json& params) {
    const Core::Device& device = context.ResolveKnown(params);
    Core::DeviceSettings settings = device.settings;
    if (params.contains("nickname")) {
        const Json& n = params["nickname"];
        if (n.is_null())
            settings.nickname.reset();
        else if (!n.is_string() || n.get_ref<const std::string&>().size() > MAX_NICKNAME)
            throw Ipc::ParamsInvalid("nickname",
                                     "nickname is a string of at most 128 bytes, or null");
        else
            settings.nickname = n.get<std::string>();
    }
    if (params.contains("on_attach")) ApplyOnAttach(context, device, params["on_attach"], settings);
    try {
        context.keeper.Configure(device.identity.id, std::move(settings));
    } catch (const State::StorageError& e) {
        throw FromStorage(e);
    }
    return {{"device", Codec::DeviceToJson(*context.cache.FindDevice(device.identity.id))}};
}

}  // namespace Methods
