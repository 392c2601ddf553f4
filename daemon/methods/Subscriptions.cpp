// SPDX-License-Identifier: GPL-3.0-or-later
/* subscribe, unsubscribe, meters.subscribe: a session's subscriptions, kept by the
 * session (notifications) and the meter poller (meters). */
#include "alsa/Tlv.hpp"
#include "daemon/ClientSession.hpp"
#include "daemon/MeterPoller.hpp"
#include "daemon/Notifier.hpp"
#include "daemon/cards/CardSet.hpp"
#include "daemon/core/DaemonControls.hpp"
#include "daemon/methods/Handlers.hpp"
#include "ipc/Error.hpp"

namespace Methods {

namespace {

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

}  // namespace

Json Subscribe(Context& context, ClientSession& session, const Json& params) {
    if (session.IsEventsSocket())
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

    context.CheckSubscriptionLimit(session);
    auto sub = context.notifier.NewSubscription(session.NewSubscriptionId(), std::move(devices),
                                                globs, topics);
    Json result = {{"subscription", sub->GetId()}, {"seq", context.cache.GetSeq()}};
    if (params.value("snapshot", true)) result["snapshot"] = context.notifier.Snapshot(*sub);
    session.GetSubscriptions().push_back(std::move(sub));
    return result;
}

Json Unsubscribe(Context& context, ClientSession& session, const Json& params) {
    if (!params["subscription"].is_number_unsigned())
        throw Ipc::ParamsInvalid("subscription", "subscription must be a subscription id");
    const auto id = params["subscription"].get<uint64_t>();
    if (std::erase_if(session.GetSubscriptions(), [&](const auto& s) { return s->GetId() == id; }))
        return Json::object();
    if (context.meters.Remove(session, id)) return Json::object();
    throw Ipc::ParamsInvalid("subscription", "no subscription " + std::to_string(id));
}

Json MetersSubscribe(Context& context, ClientSession& session, const Json& params) {
    unsigned rate = MeterPoller::DEFAULT_RATE_HZ;
    if (params.contains("rate_hz")) {
        const Json& r = params["rate_hz"];
        if (!r.is_number_integer() || r.get<int64_t>() < 1 ||
            r.get<int64_t>() > MeterPoller::MAX_RATE_HZ)
            throw Ipc::ParamsInvalid("rate_hz", "rate_hz must be an integer from 1 to 60");
        rate = r.get<unsigned>();
    }
    if (session.IsEventsSocket())
        throw RpcError(ErrorCode::InvalidRequest, "meters.subscribe on the control socket");
    const Core::Device& device = context.ResolveDevice(params);
    const Alsa::Control* meter = MeterPoller::FindMeter(device);
    if (!meter)
        throw RpcError(ErrorCode::ControlNotFound,
                       "device '" + device.identity.id + "' has no Level Meter",
                       {{"control", "Level Meter"}});
    context.CheckSubscriptionLimit(session);

    /* FCP devices name their meter channels in a TLV, read on the card's own thread
     * (the loop does not wait); scarlett2 ones do not: their order is the driver's, by
     * port. The labels are optional: a card not answering gets its meters without. */
    const std::string device_id = device.identity.id;
    const unsigned numid = meter->info.id.numid;
    const unsigned count = meter->info.count;
    const auto grant = [&context, &session, device_id, count,
                        rate](const std::optional<std::vector<unsigned>>& tlv) {
        const uint64_t id = session.NewSubscriptionId();
        Json result = {{"subscription", id}};
        if (tlv) {
            auto labels = Alsa::ParseChannelLabels(*tlv);
            if (!labels.empty()) {
                result["labels"] = std::move(labels);
                result["labels_from"] = "tlv";
            }
        }
        const Core::Device* now = context.cache.FindDevice(device_id);
        if (!result.contains("labels") && now) {
            auto labels = Core::MeterLabels(now->controls, count);
            if (!labels.empty()) {
                result["labels"] = std::move(labels);
                result["labels_from"] = "routing";
            }
        }
        context.meters.Add(session, id, device_id, rate);
        return result;
    };
    CardIo& io = context.OnlineCard(device).Io();
    if (io.IsUnresponsive()) return grant(std::nullopt);
    const auto answer = session.AnswerLater();
    auto tlv = std::make_shared<std::optional<std::vector<unsigned>>>();
    /* Throws Unresponsive only when the card is, checked above. */
    io.Submit([tlv, numid](Alsa::Card& card,
                           const std::function<void()>&) { *tlv = card.ReadTlv(numid); },
              [answer, tlv, grant, device_id](std::exception_ptr error) noexcept {
                  try {
                      if (error) std::rethrow_exception(error);
                  } catch (const CardIo::Closed&) {
                      answer->Reject(Context::Gone(device_id, nullptr));
                      return;
                  } catch (...) {
                      /* No labels from the card: Alsa::Error, Unresponsive. */
                  }
                  /* The session is the connection's: gone with it. */
                  if (!answer->IsWanted()) return;
                  try {
                      answer->Resolve(grant(*tlv));
                  } catch (const Ipc::RpcError& e) {
                      answer->Reject(e);
                  } catch (const std::exception&) {
                      answer->Reject(Ipc::RpcError(Ipc::ErrorCode::Internal));
                  }
              });
    return {};
}

}  // namespace Methods
