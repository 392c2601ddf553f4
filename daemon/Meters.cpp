// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Level meters (protocol-v1 §4 meters.subscribe). The volatile "Level Meter" control
 * sends no events, so it is read on a timer, but only while at least one meter
 * subscription for that device exists: no subscription, no timer, no wakeup. One
 * read per tick serves every subscriber of the device, at the highest rate asked.
 */
#include <cmath>

#include "alsa/Tlv.hpp"
#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "ipc/Error.hpp"

namespace {

using Json = nlohmann::json;

constexpr unsigned DEFAULT_RATE_HZ = 20;
constexpr unsigned MAX_RATE_HZ = 60;
constexpr double METER_FULL_SCALE = 4095.0;

const Alsa::Control* FindMeter(const Core::Device& device) {
    for (const auto& [numid, c] : device.controls)
        if (c.info.id.name == "Level Meter" && c.info.type == Alsa::ElemType::Integer) return &c;
    return nullptr;
}

}  // namespace

Json Instance::MetersSubscribe(Ipc::Connection& connection, const Json& params) {
    unsigned rate = DEFAULT_RATE_HZ;
    if (params.contains("rate_hz")) {
        const Json& r = params["rate_hz"];
        if (!r.is_number_integer() || r.get<int64_t>() < 1 || r.get<int64_t>() > MAX_RATE_HZ)
            throw Ipc::ParamsInvalid("rate_hz", "rate_hz must be an integer from 1 to 60");
        rate = r.get<unsigned>();
    }
    if (connection.GetKind() != Ipc::SocketKind::Control)
        throw Ipc::RpcError(Ipc::ErrorCode::InvalidRequest,
                            "meters.subscribe on the control socket");
    const Core::Device& device = ResolveDevice(params);
    const Alsa::Control* meter = FindMeter(device);
    if (!meter)
        throw Ipc::RpcError(Ipc::ErrorCode::ControlNotFound,
                            "device '" + device.identity.id + "' has no Level Meter",
                            {{"control", "Level Meter"}});
    ClientState& state = *ClientState::Of(connection);
    CheckSubscriptionLimit(state);

    const uint64_t id = state.next_subscription++;
    state.meters.push_back({id, device.identity.id, rate});
    Json result = {{"subscription", id}};
    /* FCP devices name their meter channels in a TLV; scarlett2 ones do not. */
    try {
        auto labels =
            Alsa::ParseChannelLabels(OnlineCard(device).GetCard().ReadTlv(meter->info.id.numid));
        if (!labels.empty()) result["labels"] = std::move(labels);
    } catch (const Alsa::Error&) {
    }
    UpdateMeterPoll(device.identity.id);
    return result;
}

void Instance::UpdateMeterPoll(const std::string& device_id) {
    unsigned rate = 0;
    server_.ForEach([&](Ipc::Connection& connection) {
        const ClientState* state = ClientState::Of(connection);
        if (!state || state->closing) return;
        for (const auto& m : state->meters)
            if (m.device == device_id) rate = std::max(rate, m.rate_hz);
    });
    const Core::Device* device = cache_.FindDevice(device_id);
    const Alsa::Control* meter = device && device->online ? FindMeter(*device) : nullptr;
    if (rate == 0 || !meter || !cards_.contains(device_id)) {
        meters_.erase(device_id); /* destroying the timer disarms it */
        return;
    }
    MeterPoll& poll = meters_[device_id];
    poll.numid = meter->info.id.numid;
    if (!poll.timer)
        poll.timer = std::make_unique<Event::Timer>(
            loop_, [this, device_id]() noexcept { OnMeterTick(device_id); });
    if (poll.rate_hz != rate || !poll.timer->IsPending()) {
        poll.rate_hz = rate;
        poll.timer->Schedule(std::chrono::microseconds(1'000'000 / rate));
    }
}

void Instance::OnMeterTick(const std::string& device_id) noexcept {
    auto poll = meters_.find(device_id);
    auto card = cards_.find(device_id);
    if (poll == meters_.end() || card == cards_.end()) return;
    const unsigned numid = poll->second.numid;
    poll->second.timer->Schedule(std::chrono::microseconds(1'000'000 / poll->second.rate_hz));

    Alsa::Value value;
    try {
        value = card->second->GetCard().Read(numid);
    } catch (const Alsa::Error& e) {
        Log::Warning(device_id + ": Level Meter: " + e.what(),
                     {.device = device_id, .control = "Level Meter"});
        return;
    }
    cache_.RefreshVolatile(device_id, numid, value);

    Json levels = Json::array();
    Json raw = Json::array();
    for (int64_t v : value.numbers) {
        raw.push_back(v);
        levels.push_back(v > 0 ? Json(20.0 * std::log10(static_cast<double>(v) / METER_FULL_SCALE))
                               : Json(nullptr));
    }
    server_.ForEach([&](Ipc::Connection& connection) {
        ClientState* state = ClientState::Of(connection);
        if (!state || state->closing) return;
        for (const auto& m : state->meters) {
            if (m.device != device_id) continue;
            /* Meters are a stream of fresh readings: a client that cannot keep up
             * misses some, it never gets old ones late. */
            if (!connection.HasRoom()) continue;
            connection.Send({{"jsonrpc", "2.0"},
                             {"method", "meters"},
                             {"params",
                              {{"subscription", m.id},
                               {"seq", cache_.GetSeq()},
                               {"device", device_id},
                               {"levels", levels},
                               {"raw", raw}}}});
        }
    });
}
