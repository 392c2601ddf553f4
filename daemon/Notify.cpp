// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Subscriptions and coalesced notifications (protocol-v1 §5). A cache change only
 * marks subscriptions dirty; one deferred flush per loop round encodes, per
 * connection, the latest state of what changed. A connection whose output is over
 * its cap is skipped and keeps its dirty set until OnDrained().
 */
#include "daemon/Instance.hpp"
#include "daemon/JsonCodec.hpp"
#include "daemon/Log.hpp"
#include "ipc/Json.hpp"

void Instance::OnConnect(Ipc::Connection& connection) noexcept {
    auto state = std::make_shared<ClientState>();
    if (connection.GetKind() == Ipc::SocketKind::Events) {
        /* The events socket is one unfiltered subscription, announced by a snapshot. */
        auto sub = NewSubscription(0, std::nullopt, {}, Core::TOPIC_ALL);
        /* protocol-v1 §2: params as in subscribe's result, all topics, all devices. */
        Json params = {{"seq", cache_.GetSeq()}, {"snapshot", Snapshot(*sub)}};
        connection.Send(
            {{"jsonrpc", "2.0"}, {"method", "snapshot"}, {"params", std::move(params)}});
        state->subscriptions.push_back(std::move(sub));
    }
    connection.user = std::move(state);
    ScheduleStatus();
    Log::Debug("client " + std::to_string(connection.GetId()) + " connected, pid " +
                   std::to_string(connection.GetPid()),
               {.client_pid = connection.GetPid()});
}

void Instance::OnDisconnect(Ipc::Connection& connection) noexcept {
    if (ClientState* state = ClientState::Of(connection)) {
        state->closing = true;
        for (const auto& m : state->meters) UpdateMeterPoll(m.device);
    }
    ScheduleStatus();
    Log::Debug("client " + std::to_string(connection.GetId()) + " disconnected",
               {.client_pid = connection.GetPid()});
}

void Instance::OnDrained(Ipc::Connection& connection) noexcept {
    try {
        FlushConnection(connection);
    } catch (const std::exception& e) {
        Log::Error(std::string("flush: ") + e.what());
    }
    encoded_.clear();
}

std::unique_ptr<Core::Subscription> Instance::NewSubscription(
    uint64_t id, std::optional<std::set<std::string>> devices, std::vector<std::string> globs,
    unsigned topics) {
    auto sub =
        std::make_unique<Core::Subscription>(id, std::move(devices), std::move(globs), topics);
    /* It starts from what it is shown now: the devices as they are, no earlier change. */
    for (const auto& [device_id, device] : cache_.GetDevices())
        sub->SetAnnounced(device_id, device.online);
    sub->SetMarkedUpTo(LogPosition());
    return sub;
}

void Instance::OnCacheChange(const Core::Change& change) {
    using Kind = Core::Change::Kind;
    flush_.Schedule();
    if (change.kind == Kind::Value || change.kind == Kind::Info) {
        /* Marking is idempotent for these: a repeat since the last structural change
         * adds nothing. */
        if (!round_seen_.emplace(&change.device, change.control->numid, change.kind).second) return;
    } else {
        round_seen_.clear();
    }
    std::optional<Alsa::ControlId> control;
    if (change.control) control = *change.control;
    round_.push_back({change.kind, &change.device, std::move(control)});
}

void Instance::CatchUp(Core::Subscription& sub) {
    const uint64_t marked = sub.GetMarkedUpTo();
    for (size_t i = marked > round_start_ ? marked - round_start_ : 0; i < round_.size(); ++i) {
        const LoggedChange& c = round_[i];
        sub.Mark(Core::Change{c.kind, *c.device, c.control ? &*c.control : nullptr});
    }
    sub.SetMarkedUpTo(LogPosition());
}

void Instance::Flush() noexcept {
    /* The cache does not change during one flush: subscriptions with the same pending
     * controls share one encoding of them (bench/: fan-out was bound by encoding the
     * same JSON once per connection). */
    try {
        server_.ForEach([&](Ipc::Connection& connection) { FlushConnection(connection); });
    } catch (const std::exception& e) {
        Log::Error(std::string("flush: ") + e.what());
    }
    encoded_.clear();
    /* Every subscription has caught up (FlushConnection marks before anything else). */
    round_start_ += round_.size();
    round_.clear();
    round_seen_.clear();
}

const std::string& Instance::EncodeChanged(const std::string& device_id, const Core::Device& device,
                                           const Core::PendingDevice& pending) {
    /* Value changes of controls also in info (sent in full) or added: not repeated. */
    std::vector<unsigned> values;
    for (unsigned numid : pending.values)
        if (!pending.info.contains(numid) && !pending.added.contains(numid))
            values.push_back(numid);
    std::string key = device_id;
    key += '\0';
    for (unsigned numid : pending.info) (key += std::to_string(numid)) += ',';
    key += '|';
    for (unsigned numid : values) (key += std::to_string(numid)) += ',';
    auto [it, inserted] = encoded_.try_emplace(std::move(key));
    if (!inserted) return it->second;
    Json changed = Json::array();
    for (unsigned numid : pending.info) {
        if (const auto* c = device.Find(numid)) {
            Json full = Codec::ControlToJson(*c);
            full["info_changed"] = true;
            changed.push_back(std::move(full));
        }
    }
    for (unsigned numid : values)
        if (const auto* c = device.Find(numid)) changed.push_back(Codec::ControlValueToJson(*c));
    if (!changed.empty()) it->second = Ipc::Encode(changed);
    return it->second;
}

void Instance::FlushConnection(Ipc::Connection& connection) {
    ClientState* state = ClientState::Of(connection);
    if (!state) return;
    const bool with_id = connection.GetKind() == Ipc::SocketKind::Control;
    for (auto& sub : state->subscriptions) CatchUp(*sub);
    for (auto& sub : state->subscriptions) {
        /* Over the output cap: keep only the dirty set until the socket drains. */
        if (!connection.HasRoom()) return;
        if (sub->HasPending()) EncodeSubscription(connection, *sub, with_id);
    }
}

void Instance::EncodeSubscription(Ipc::Connection& connection, Core::Subscription& sub,
                                  bool with_id) {
    const uint64_t seq = cache_.GetSeq();
    auto send = [&](const char* method, Json params) {
        Json p = Json::object();
        if (with_id) p["subscription"] = sub.GetId();
        p["seq"] = seq;
        p.update(params);
        connection.Send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(p)}});
    };

    for (auto& [device_id, pending] : sub.GetPending()) {
        const Core::Device* device = cache_.FindDevice(device_id);
        if (!device) continue;
        if (pending.device_changed) {
            const bool online = device->online;
            auto announce = [&](bool up) {
                send(up ? "device.added" : "device.removed",
                     {{"device", Codec::DeviceToJson(*device)}});
            };
            if (online != pending.announced_online)
                announce(online);
            else if (pending.cycled) {
                announce(!online);
                announce(online);
            }
            pending.announced_online = online;
        }
        if (!pending.HasControlChanges()) continue;

        if (!pending.removed.empty()) {
            Json list = Json::array();
            for (const auto& [numid, id] : pending.removed) list.push_back(Codec::IdToJson(id));
            send("controls.removed", {{"device", device_id}, {"controls", std::move(list)}});
        }
        if (!pending.added.empty()) {
            Json list = Json::array();
            for (unsigned numid : pending.added)
                if (const auto* c = device->Find(numid)) list.push_back(Codec::ControlToJson(*c));
            if (!list.empty())
                send("controls.added", {{"device", device_id}, {"controls", std::move(list)}});
        }
        if (pending.info.empty() && pending.values.empty()) continue;
        const std::string& controls = EncodeChanged(device_id, *device, pending);
        if (controls.empty()) continue;
        /* What send() would encode, members in key order, around the shared array. */
        std::string line = R"({"jsonrpc":"2.0","method":"controls.changed","params":{"controls":)";
        line.reserve(line.size() + controls.size() + device_id.size() + 64);
        line += controls;
        line += R"(,"device":)";
        line += Ipc::Encode(Json(device_id));
        line += R"(,"seq":)";
        line += std::to_string(seq);
        if (with_id) {
            line += R"(,"subscription":)";
            line += std::to_string(sub.GetId());
        }
        line += "}}";
        connection.SendLine(std::move(line));
    }
    sub.ClearPending();
}

Instance::Json Instance::Snapshot(const Core::Subscription& filter) const {
    Json devices = Json::array();
    Json controls = Json::object();
    for (const auto& [id, device] : cache_.GetDevices()) {
        if (!filter.WantsDevice(id)) continue;
        devices.push_back(Codec::DeviceToJson(device));
        Json list = Json::array();
        for (const auto& [numid, c] : device.controls)
            if (filter.WantsControl(c.info.id.name)) list.push_back(Codec::ControlToJson(c));
        controls[id] = std::move(list);
    }
    return {{"devices", std::move(devices)}, {"controls", std::move(controls)}};
}
