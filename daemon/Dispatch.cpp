// SPDX-License-Identifier: GPL-3.0-or-later
/* The methods of protocol-v1 §4. Every request is validated completely before
 * anything is written; errors are Ipc::RpcError with the protocol's codes. */
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <set>

#include "daemon/Instance.hpp"
#include "daemon/JsonCodec.hpp"
#include "daemon/Log.hpp"
#include "daemon/Methods.hpp"
#include "generated/Version.hpp"
#include "ipc/Error.hpp"

namespace {

using Json = nlohmann::json;
using Ipc::ErrorCode;
using Ipc::RpcError;

std::vector<std::string> StringList(const Json& params, const char* field) {
    std::vector<std::string> out;
    if (!params.contains(field)) return out;
    const Json& v = params.at(field);
    if (!v.is_array())
        throw Ipc::ParamsInvalid(field, std::string(field) + " must be an array of strings");
    for (const auto& e : v) {
        if (!e.is_string())
            throw Ipc::ParamsInvalid(field, std::string(field) + " must be an array of strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

/** A control reference (protocol-v1 §3): numid, name, or {numid} / {name, index, iface}. */
const Alsa::Control& ResolveControl(const Core::Device& device, const Json& ref,
                                    const std::string& field) {
    auto not_found = [&]() -> RpcError {
        std::string what;
        if (ref.is_string())
            what = "'" + ref.get<std::string>() + "'";
        else if (ref.is_number_integer())
            what = "numid " + ref.dump();
        else if (ref.contains("numid"))
            what = "numid " + ref["numid"].dump();
        else
            what = "'" + ref.value("name", std::string()) + "' index " +
                   ref.value("index", Json(0)).dump() + " iface " +
                   ref.value("iface", std::string("any"));
        return RpcError(ErrorCode::ControlNotFound,
                        "no control " + what + " on " + device.identity.id, {{"control", ref}});
    };
    std::optional<unsigned> numid;
    std::string name;
    unsigned index = 0;
    std::optional<Alsa::Iface> iface;
    if (ref.is_number_integer()) {
        if (ref.get<int64_t>() <= 0 || ref.get<int64_t>() > UINT_MAX) throw not_found();
        numid = ref.get<unsigned>();
    } else if (ref.is_string()) {
        name = ref.get<std::string>();
    } else if (ref.is_object()) {
        for (const auto& [key, v] : ref.items())
            if (key != "numid" && key != "name" && key != "index" && key != "iface")
                throw Ipc::ParamsInvalid(field, "unknown key '" + key + "' in a control reference");
        if (ref.contains("numid")) {
            if (ref.size() != 1)
                throw Ipc::ParamsInvalid(field,
                                         "a reference by numid takes no name, index or iface");
            if (!ref["numid"].is_number_integer() || ref["numid"].get<int64_t>() <= 0)
                throw Ipc::ParamsInvalid(field, "numid must be a positive integer");
            if (ref["numid"].get<int64_t>() > UINT_MAX) throw not_found();
            numid = ref["numid"].get<unsigned>();
        } else if (ref.contains("name") && ref["name"].is_string()) {
            name = ref["name"].get<std::string>();
            if (ref.contains("index")) {
                if (!ref["index"].is_number_unsigned() || ref["index"].get<uint64_t>() > UINT_MAX)
                    throw Ipc::ParamsInvalid(field, "index must be a non-negative 32-bit integer");
                index = ref["index"].get<unsigned>();
            }
            if (ref.contains("iface")) {
                if (!ref["iface"].is_string())
                    throw Ipc::ParamsInvalid(field, "iface must be a string");
                const auto& f = ref["iface"].get_ref<const std::string&>();
                if (f != "any") {
                    iface = Alsa::ParseIface(f);
                    if (!iface) throw Ipc::ParamsInvalid(field, "unknown iface '" + f + "'");
                }
            }
        } else {
            throw Ipc::ParamsInvalid(field, "a control reference needs numid or name");
        }
    } else {
        throw Ipc::ParamsInvalid(field, "a control reference is a numid, a name or an object");
    }

    if (numid) {
        if (const auto* c = device.Find(*numid)) return *c;
        throw not_found();
    }
    for (const auto& [n, c] : device.controls)
        if (c.info.id.name == name && c.info.id.index == index &&
            (!iface || c.info.id.iface == *iface))
            return c;
    throw not_found();
}

void CheckWritable(const Alsa::ControlInfo& info) {
    const char* reason = nullptr;
    if (!info.access.write)
        reason = "read-only";
    else if (info.access.locked)
        reason = "locked";
    else if (info.access.inactive)
        reason = "inactive";
    if (reason)
        throw RpcError(ErrorCode::ControlReadOnly,
                       "'" + info.id.name + "' is not writable (" + reason + ")",
                       {{"control", info.id.name}, {"reason", reason}});
}

RpcError FromAlsa(const Alsa::Error& e, const Alsa::ControlInfo& info, Json applied) {
    const int err = e.GetErrno();
    Json data = {{"errno", err}, {"message", strerror(err)}, {"control", info.id.name}};
    if (!applied.is_null()) data["applied"] = std::move(applied);
    if (err == EBUSY)
        return RpcError(ErrorCode::DeviceBusy, "device busy: " + std::string(e.what()), data);
    if (err == EPERM) {
        data["reason"] = "refused by the kernel";
        return RpcError(ErrorCode::ControlReadOnly,
                        "'" + info.id.name + "' is not writable now (EPERM)", data);
    }
    return RpcError(ErrorCode::AlsaError, std::string("ALSA: ") + e.what(), data);
}

}  // namespace

Json Instance::Call(Ipc::Connection& connection, const std::string& method, const Json& params) {
    const MethodSpec* spec = FindMethod(method);
    if (!spec)
        throw RpcError(ErrorCode::MethodNotFound, "unknown method '" + method + "'",
                       {{"method", method}});
    /* The table that rpc.discover publishes is also what is accepted here. */
    if (!params.is_object()) throw Ipc::ParamsInvalid("params", "params must be an object");
    for (const auto& [key, value] : params.items()) {
        bool known = false;
        for (const auto& p : spec->params) known = known || key == p.name;
        if (!known) throw Ipc::ParamsInvalid(key, "unknown parameter '" + key + "' of " + method);
    }
    for (const auto& p : spec->params)
        if (p.required && !params.contains(p.name))
            throw Ipc::ParamsInvalid(p.name, std::string("missing parameter '") + p.name + "'");
    return (this->*(spec->handler))(connection, params);
}

const Core::Device& Instance::ResolveDevice(const Json& params) const {
    const auto& devices = cache_.GetDevices();
    if (!params.contains("device")) {
        if (devices.size() == 1) return devices.begin()->second;
        if (devices.empty()) throw RpcError(ErrorCode::DeviceNotFound, "no device is known");
        throw Ipc::ParamsInvalid(
            "device",
            "device is required when " + std::to_string(devices.size()) + " devices are known");
    }
    const Json& d = params.at("device");
    if (!d.is_string()) throw Ipc::ParamsInvalid("device", "device must be a string (a device id)");
    const auto* device = cache_.FindDevice(d.get<std::string>());
    if (!device)
        throw RpcError(ErrorCode::DeviceNotFound, "no device '" + d.get<std::string>() + "'",
                       {{"device", d}});
    if (!device->online)
        throw RpcError(ErrorCode::DeviceOffline,
                       "device '" + device->identity.id + "' is unplugged", {{"device", d}});
    return *device;
}

void Instance::CheckSubscriptionLimit(const ClientState& state) const {
    const size_t limit = options_.limits.max_subscriptions;
    if (state.SubscriptionCount() >= limit)
        throw RpcError(ErrorCode::LimitExceeded, "too many subscriptions on this connection",
                       {{"limit", limit}, {"resource", "subscriptions"}});
}

OpenCard& Instance::OnlineCard(const Core::Device& device) {
    auto it = cards_.find(device.identity.id);
    if (it == cards_.end())
        throw RpcError(ErrorCode::DeviceOffline,
                       "device '" + device.identity.id + "' is unplugged");
    return *it->second;
}

void Instance::Refresh(const Core::Device& device, const Alsa::Control& control) {
    const unsigned numid = control.info.id.numid;
    try {
        /* Volatile controls (the Level Meter) send no events: read them on demand. */
        if (control.info.access.is_volatile)
            cache_.RefreshVolatile(device.identity.id, numid,
                                   OnlineCard(device).GetCard().Read(numid));
        /* Nor does the kernel tell when a lock goes (its holder closed the file): a
         * control cached as locked is looked at again before it is shown. A read-only
         * one would otherwise stay "locked" for good, as no value event follows. */
        if (control.info.access.locked)
            cache_.ApplyInfo(device.identity.id, OnlineCard(device).GetCard().ReadInfo(numid),
                             control.value);
    } catch (const Alsa::Error& e) {
        throw FromAlsa(e, control.info, nullptr);
    }
}

Json Instance::DaemonInfo(Ipc::Connection&, const Json&) {
    const auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    return {{"name", "scarlettd"},
            {"version", SCARLETTD_VERSION},
            {"protocol", {{"major", 1}, {"minor", 0}}},
            {"pid", getpid()},
            {"uptime_ms", uptime.count()},
            {"devices", cache_.GetDevices().size()},
            {"clients", server_.GetClientCount()},
            {"capabilities",
             {"controls", "subscribe", "events-socket", "batch", "meters", "rpc.discover"}},
            {"warnings", Warnings()}};
}

Json Instance::Discover(Ipc::Connection&, const Json&) {
    return MakeOpenRpcDocument(SCARLETTD_VERSION);
}

Json Instance::DevicesList(Ipc::Connection&, const Json&) {
    Json list = Json::array();
    for (const auto& [id, device] : cache_.GetDevices())
        list.push_back(Codec::DeviceToJson(device));
    return {{"seq", cache_.GetSeq()}, {"devices", std::move(list)}};
}

Json Instance::ControlsList(Ipc::Connection&, const Json& params) {
    if (params.contains("match") && !params["match"].is_string())
        throw Ipc::ParamsInvalid("match", "match must be a string (a shell glob)");
    std::optional<Alsa::Iface> iface;
    if (params.contains("iface")) {
        if (!params["iface"].is_string())
            throw Ipc::ParamsInvalid("iface", "iface must be a string");
        const auto& f = params["iface"].get_ref<const std::string&>();
        if (f != "any") {
            iface = Alsa::ParseIface(f);
            if (!iface) throw Ipc::ParamsInvalid("iface", "unknown iface '" + f + "'");
        }
    }
    const Core::Device& device = ResolveDevice(params);
    const std::string match = params.value("match", "");
    Json list = Json::array();
    for (const auto& [numid, c] : device.controls) {
        if (iface && c.info.id.iface != *iface) continue;
        if (!match.empty() && !Core::GlobMatch(match, c.info.id.name)) continue;
        Refresh(device, c);
        list.push_back(Codec::ControlToJson(c));
    }
    return {
        {"device", device.identity.id}, {"seq", cache_.GetSeq()}, {"controls", std::move(list)}};
}

Json Instance::ControlsGet(Ipc::Connection&, const Json& params) {
    if (!params.contains("controls") || !params["controls"].is_array())
        throw Ipc::ParamsInvalid("controls", "controls must be an array of control references");
    const Core::Device& device = ResolveDevice(params);
    std::vector<const Alsa::Control*> found;
    for (const auto& ref : params["controls"])
        found.push_back(&ResolveControl(device, ref, "controls"));
    Json list = Json::array();
    for (const auto* c : found) {
        Refresh(device, *c);
        list.push_back(Codec::ControlToJson(*c));
    }
    return {
        {"device", device.identity.id}, {"seq", cache_.GetSeq()}, {"controls", std::move(list)}};
}

Json Instance::ControlsSet(Ipc::Connection&, const Json& params) {
    if (!params.contains("changes") || !params["changes"].is_array() || params["changes"].empty())
        throw Ipc::ParamsInvalid("changes", "changes must be a non-empty array of changes");
    if (params.contains("dry_run") && !params["dry_run"].is_boolean())
        throw Ipc::ParamsInvalid("dry_run", "dry_run must be true or false");
    const bool dry_run = params.value("dry_run", false);
    const Core::Device& device = ResolveDevice(params);
    const std::string device_id = device.identity.id;

    /* Validate every change before writing any. */
    struct Planned {
        const Alsa::Control* control;
        Alsa::Value value;
        Json ref;
    };
    std::vector<Planned> plan;
    for (const auto& change : params["changes"]) {
        if (!change.is_object() || !change.contains("control"))
            throw Ipc::ParamsInvalid("changes", "each change is an object with a control");
        for (const auto& [key, v] : change.items())
            if (key != "control" && key != "value" && key != "db" && key != "step" &&
                key != "db_step" && key != "toggle")
                throw Ipc::ParamsInvalid(key, "unknown key '" + key + "' in a change");
        const Alsa::Control& control = ResolveControl(device, change["control"], "changes");
        /* The kernel sends no event when another process locks or unlocks a control:
         * before refusing on the cache's word, ask the card. */
        if (!control.info.access.IsWritable()) {
            try {
                cache_.ApplyInfo(device_id,
                                 OnlineCard(device).GetCard().ReadInfo(control.info.id.numid),
                                 control.value);
            } catch (const Alsa::Error& e) {
                throw FromAlsa(e, control.info, nullptr);
            }
        }
        CheckWritable(control.info);
        plan.push_back({&control, Codec::ResolveChange(control, change), change["control"]});
    }

    Json list = Json::array();
    if (dry_run) {
        for (const auto& p : plan) list.push_back(Codec::ControlToJson({p.control->info, p.value}));
        return {{"device", device_id},
                {"seq", cache_.GetSeq()},
                {"dry_run", true},
                {"controls", std::move(list)}};
    }

    OpenCard& card = OnlineCard(device);
    std::vector<unsigned> numids;
    Json applied = Json::array();
    for (const auto& p : plan) {
        const unsigned numid = p.control->info.id.numid;
        try {
            card.GetCard().Write(numid, p.value);
            applied.push_back(p.ref);
            numids.push_back(numid);
        } catch (const Alsa::Error& e) {
            const Alsa::ControlInfo info = p.control->info;
            if (e.GetErrno() == ENODEV) {
                CloseCard(device_id, "unplugged");
                throw RpcError(ErrorCode::DeviceOffline, "device '" + device_id + "' was unplugged",
                               {{"device", device_id}, {"applied", applied}});
            }
            throw FromAlsa(e, info, applied);
        }
    }
    /* Read back: the driver may quantise. This updates the cache once; the kernel's
     * echo of our own write then finds the same value and is suppressed. */
    for (unsigned numid : numids) {
        try {
            cache_.ApplyValue(device_id, numid, card.GetCard().Read(numid));
        } catch (const Alsa::Error& e) {
            const auto* c = cache_.FindDevice(device_id)->Find(numid);
            Log::Warning(
                device_id + ": read back of numid " + std::to_string(numid) + ": " + e.what(),
                {.device = device_id,
                 .control = c ? std::string_view(c->info.id.name) : std::string_view(),
                 .client_pid = 0});
        }
    }
    const Core::Device* now = cache_.FindDevice(device_id);
    for (unsigned numid : numids)
        if (const auto* c = now->Find(numid)) list.push_back(Codec::ControlToJson(*c));
    return {{"device", device_id}, {"seq", cache_.GetSeq()}, {"controls", std::move(list)}};
}

Json Instance::Subscribe(Ipc::Connection& connection, const Json& params) {
    if (connection.GetKind() != Ipc::SocketKind::Control)
        throw RpcError(ErrorCode::InvalidRequest, "subscribe on the control socket");
    std::optional<std::set<std::string>> devices;
    if (params.contains("devices")) {
        auto list = StringList(params, "devices");
        devices.emplace(list.begin(), list.end());
    }
    const auto globs = StringList(params, "controls");
    unsigned topics = Core::TOPIC_ALL;
    if (params.contains("topics")) {
        topics = 0;
        for (const auto& t : StringList(params, "topics")) {
            const unsigned bit = Core::ParseTopic(t);
            if (!bit) throw Ipc::ParamsInvalid("topics", "unknown topic '" + t + "'");
            topics |= bit;
        }
    }
    if (params.contains("snapshot") && !params["snapshot"].is_boolean())
        throw Ipc::ParamsInvalid("snapshot", "snapshot must be true or false");

    ClientState& state = *ClientState::Of(connection);
    CheckSubscriptionLimit(state);
    auto sub = NewSubscription(state.next_subscription++, std::move(devices), globs, topics);
    Json result = {{"subscription", sub->GetId()}, {"seq", cache_.GetSeq()}};
    if (params.value("snapshot", true)) result["snapshot"] = Snapshot(*sub);
    state.subscriptions.push_back(std::move(sub));
    return result;
}

Json Instance::Unsubscribe(Ipc::Connection& connection, const Json& params) {
    if (!params["subscription"].is_number_unsigned())
        throw Ipc::ParamsInvalid("subscription", "subscription must be a subscription id");
    const auto id = params["subscription"].get<uint64_t>();
    ClientState& state = *ClientState::Of(connection);
    if (std::erase_if(state.subscriptions, [&](const auto& s) { return s->GetId() == id; }))
        return Json::object();
    for (auto it = state.meters.begin(); it != state.meters.end(); ++it) {
        if (it->id != id) continue;
        const std::string device = it->device;
        state.meters.erase(it);
        UpdateMeterPoll(device);
        return Json::object();
    }
    throw Ipc::ParamsInvalid("subscription", "no subscription " + std::to_string(id));
}
