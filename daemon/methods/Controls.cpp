// SPDX-License-Identifier: GPL-3.0-or-later
/* controls.list, controls.get, controls.set: control references, write checks, and
 * what the kernel changes without telling (volatile values, locks). */
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>
#include <memory>
#include <variant>

#include "daemon/ClientSession.hpp"
#include "daemon/JsonCodec.hpp"
#include "daemon/Log.hpp"
#include "daemon/Notifier.hpp"
#include "daemon/StateKeeper.hpp"
#include "daemon/cards/CardSet.hpp"
#include "daemon/core/DaemonControls.hpp"
#include "daemon/core/NotWritable.hpp"
#include "daemon/core/Subscription.hpp"
#include "daemon/methods/Handlers.hpp"
#include "daemon/methods/PresetApply.hpp"
#include "daemon/state/Storage.hpp"
#include "ipc/Error.hpp"
#include "ipc/Json.hpp"

namespace Methods {

namespace {

using Ipc::ErrorCode;
using Ipc::RpcError;

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

void CheckWritable(const Core::Device& device, const Alsa::Control& control) {
    const auto& info = control.info;
    const char* reason = nullptr;
    if (!info.access.write)
        reason = "read-only";
    else if (info.access.locked)
        reason = "locked";
    else if (info.access.inactive)
        reason = "inactive";
    if (!reason) return;
    Json data = {{"control", info.id.name}, {"reason", reason}};
    std::string why = reason;
    if (const auto not_writable = Core::WhyNotWritable(device, control)) {
        why = not_writable->message;
        data["not_writable"] = Codec::NotWritableToJson(*not_writable);
    }
    throw RpcError(ErrorCode::ControlReadOnly, "'" + info.id.name + "' is not writable: " + why,
                   std::move(data));
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

/** The controls @p numids as the cache has them now, in that order (those still there). */
Json Listing(Context& context, const std::string& device_id, const std::vector<unsigned>& numids) {
    const Core::Device* device = context.cache.FindDevice(device_id);
    if (!device || !device->online) throw context.Unplugged(device_id, nullptr);
    /* Text from the kept encodings, no tree (see Notifier::Snapshot). */
    const std::string list = context.notifier.FullControlsText(*device, numids);
    return {
        {"device", device_id}, {"seq", context.cache.GetSeq()}, {"controls", Ipc::Encoded(list)}};
}

/** Answers with Listing(), after reading what the cache cannot know on the card's own
 *  thread: volatile values (the Level Meter sends no events) and locks (the kernel
 *  does not say when one goes, as its holder closes the file: a control cached as
 *  locked is looked at again before it is shown). The loop does not wait; a card that
 *  is not answering is not asked: the cache's values are shown. */
Json ListAfterRefresh(Context& context, ClientSession& session, const Core::Device& device,
                      std::vector<unsigned> numids) {
    struct Read {
        unsigned numid;
        bool value;
        bool info;
        std::optional<Alsa::Value> new_value;
        std::optional<Alsa::ControlInfo> new_info;
    };
    auto reads = std::make_shared<std::vector<Read>>();
    for (const unsigned numid : numids)
        if (const auto* c = device.Find(numid);
            c && (c->info.access.is_volatile || c->info.access.locked))
            reads->push_back({numid, c->info.access.is_volatile, c->info.access.locked, {}, {}});
    const std::string device_id = device.identity.id;
    CardIo& io = context.OnlineCard(device).Io();
    if (reads->empty() || io.IsUnresponsive()) return Listing(context, device_id, numids);

    const auto answer = session.AnswerLater();
    const auto job = [reads](Alsa::Card& card, const std::function<void()>& step) {
        for (auto& r : *reads) {
            if (r.value) r.new_value = card.Read(r.numid);
            if (r.info) r.new_info = card.ReadInfo(r.numid);
            step();
        }
    };
    const auto done = [&context, reads, answer, device_id,
                       numids = std::move(numids)](std::exception_ptr error) noexcept {
        try {
            try {
                if (error) std::rethrow_exception(error);
                for (const auto& r : *reads) {
                    const Core::Device* now = context.cache.FindDevice(device_id);
                    const Alsa::Control* c = now ? now->Find(r.numid) : nullptr;
                    if (!c) continue;
                    if (r.new_value)
                        context.cache.RefreshVolatile(device_id, r.numid, *r.new_value);
                    if (r.new_info) context.cache.ApplyInfo(device_id, *r.new_info, c->value);
                }
            } catch (const CardIo::Unresponsive&) {
                /* Not waited for: what the cache knows. */
            }
            answer->Resolve(Listing(context, device_id, numids));
        } catch (const CardIo::Closed&) {
            answer->Reject(Context::Gone(device_id, nullptr));
        } catch (const Ipc::RpcError& e) {
            answer->Reject(e);
        } catch (const Alsa::Error& e) {
            /* The first control whose read failed (the job stops there). */
            const Core::Device* now = context.cache.FindDevice(device_id);
            const Alsa::Control* failed = nullptr;
            for (const auto& r : *reads)
                if ((r.value && !r.new_value) || (r.info && !r.new_info)) {
                    failed = now ? now->Find(r.numid) : nullptr;
                    break;
                }
            if (failed)
                answer->Reject(FromAlsa(e, failed->info, nullptr));
            else
                answer->Reject(
                    Ipc::RpcError(Ipc::ErrorCode::AlsaError, std::string("ALSA: ") + e.what()));
        } catch (const std::exception& e) {
            Log::Error(device_id + ": reading controls: " + e.what(), {.device = device_id});
            answer->Reject(Ipc::RpcError(Ipc::ErrorCode::Internal));
        }
    };
    /* Throws Unresponsive only when the card is, checked above. */
    io.Submit(job, done);
    return {};
}

/** A change asked for, as its answer needs it once the write is done. */
struct Asked {
    Alsa::ControlInfo info;
    Json ref;
};

/** data.applied: the references of the first @p count changes. */
Json AppliedRefs(const std::vector<Asked>& asked, size_t count) {
    Json applied = Json::array();
    for (size_t i = 0; i < count && i < asked.size(); ++i) applied.push_back(asked[i].ref);
    return applied;
}

}  // namespace

Json ControlsList(Context& context, ClientSession& session, const Json& params) {
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
    const Core::Device& device = context.ResolveDevice(params);
    const std::string match = params.value("match", "");
    std::vector<unsigned> numids;
    for (const auto& [numid, c] : device.controls) {
        if (iface && c.info.id.iface != *iface) continue;
        if (!match.empty() && !Core::GlobMatch(match, c.info.id.name)) continue;
        numids.push_back(numid);
    }
    return ListAfterRefresh(context, session, device, std::move(numids));
}

Json ControlsGet(Context& context, ClientSession& session, const Json& params) {
    if (!params.contains("controls") || !params["controls"].is_array())
        throw Ipc::ParamsInvalid("controls", "controls must be an array of control references");
    const Core::Device& device = context.ResolveDevice(params);
    std::vector<unsigned> numids;
    for (const auto& ref : params["controls"])
        numids.push_back(ResolveControl(device, ref, "controls").info.id.numid);
    return ListAfterRefresh(context, session, device, std::move(numids));
}

Json ControlsSet(Context& context, ClientSession& session, const Json& params) {
    if (!params.contains("changes") || !params["changes"].is_array() || params["changes"].empty())
        throw Ipc::ParamsInvalid("changes", "changes must be a non-empty array of changes");
    if (params.contains("dry_run") && !params["dry_run"].is_boolean())
        throw Ipc::ParamsInvalid("dry_run", "dry_run must be true or false");
    const bool dry_run = params.value("dry_run", false);
    const Core::Device& device = context.ResolveDevice(params);
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
            const unsigned numid = control.info.id.numid;
            try {
                context.cache.ApplyInfo(
                    device_id, context.OnlineCard(device).Io().Call([numid](Alsa::Card& card) {
                        return card.ReadInfo(numid);
                    }),
                    control.value);
            } catch (const Alsa::Error& e) {
                throw FromAlsa(e, control.info, nullptr);
            } catch (const CardIo::Unresponsive& e) {
                throw Context::Unanswered(device_id, e.what(), nullptr);
            }
        }
        CheckWritable(device, control);
        plan.push_back({&control, Codec::ResolveChange(control, change), change["control"]});
    }

    /* A linked pair moves together (protocol 1.1 §3): the partner of a gain, volume,
     * mute or mixer level takes the same value, unless the request sets it itself.
     * A partner that cannot take it (not writable now, another range) is left. */
    const size_t asked = plan.size();
    for (size_t i = 0; i < asked; ++i) {
        const Alsa::Control* partner = Core::GangPartner(device.controls, *plan[i].control);
        if (!partner || !partner->info.access.IsWritable() ||
            std::any_of(plan.begin(), plan.end(),
                        [&](const Planned& p) { return p.control == partner; }))
            continue;
        const auto& numbers = plan[i].value.numbers;
        if (std::any_of(numbers.begin(), numbers.end(),
                        [&](int64_t n) { return n < partner->info.min || n > partner->info.max; }))
            continue;
        plan.push_back({partner, plan[i].value, Json(partner->info.id.name)});
    }
    /* The daemon's own controls first: written to disk, they are the ones that can
     * still fail with nothing changed; a card's write failing later reports them in
     * data.applied. */
    std::stable_partition(plan.begin(), plan.end(),
                          [](const Planned& p) { return Core::IsDaemonControl(p.control->info); });

    Json list = Json::array();
    if (dry_run) {
        for (const auto& p : plan) list.push_back(Codec::ControlToJson({p.control->info, p.value}));
        return {{"device", device_id},
                {"seq", context.cache.GetSeq()},
                {"dry_run", true},
                {"controls", std::move(list)}};
    }

    /* The writes and their read-backs run as one job on the card's I/O thread, and the
     * loop goes on meanwhile: the answer is given when the job is done. The job owns
     * what it uses, as it may outlive this call and even the card. */
    struct Outcome {
        std::vector<std::pair<unsigned, Alsa::Value>> writes;
        std::atomic<size_t> written = 0;
        std::vector<std::variant<Alsa::Value, std::string>> read_back;
    };
    auto outcome = std::make_shared<Outcome>();
    std::vector<std::pair<unsigned, Alsa::Value>> daemon_writes;
    for (const auto& p : plan)
        (Core::IsDaemonControl(p.control->info) ? daemon_writes : outcome->writes)
            .emplace_back(p.control->info.id.numid, p.value);
    const size_t daemon_count = daemon_writes.size();
    if (!daemon_writes.empty()) {
        try {
            context.keeper.SetDaemonControls(device_id, daemon_writes);
        } catch (const State::StorageError& e) {
            throw FromStorage(e);
        }
    }
    /* What the answer needs, by value: the controls may be gone when it is given. */
    std::vector<Asked> asked_list;
    std::vector<unsigned> numids;
    for (const auto& p : plan) {
        asked_list.push_back({p.control->info, p.ref});
        numids.push_back(p.control->info.id.numid);
    }
    if (outcome->writes.empty()) return Listing(context, device_id, numids);

    OpenCard& card = context.OnlineCard(device);
    const auto answer = session.AnswerLater();
    const auto job = [outcome](Alsa::Card& target, const std::function<void()>& step) {
        for (const auto& [numid, value] : outcome->writes) {
            target.Write(numid, value);
            ++outcome->written;
            step();
        }
        /* Read back: the driver may quantise. */
        for (const auto& [numid, value] : outcome->writes) {
            try {
                outcome->read_back.emplace_back(target.Read(numid));
            } catch (const Alsa::Error& e) {
                outcome->read_back.emplace_back(std::string(e.what()));
            }
            step();
        }
    };
    const auto done = [&context, outcome, answer, device_id, daemon_count, asked_list,
                       numids = std::move(numids)](std::exception_ptr error) noexcept {
        const auto applied_refs = [&](size_t written) {
            return AppliedRefs(asked_list, daemon_count + written);
        };
        try {
            if (error) std::rethrow_exception(error);
            /* This updates the cache once; the kernel's echo of our own write then
             * finds the same value and is suppressed. */
            if (!context.cache.FindDevice(device_id))
                throw context.Unplugged(device_id, applied_refs(outcome->written));
            for (size_t i = 0; i < outcome->writes.size(); ++i) {
                const unsigned numid = outcome->writes[i].first;
                if (const auto* value = std::get_if<Alsa::Value>(&outcome->read_back[i])) {
                    context.cache.ApplyValue(device_id, numid, *value);
                    continue;
                }
                const auto* c = context.cache.FindDevice(device_id)->Find(numid);
                Log::Warning(device_id + ": read back of numid " + std::to_string(numid) + ": " +
                                 std::get<std::string>(outcome->read_back[i]),
                             {.device = device_id,
                              .control = c ? std::string_view(c->info.id.name) : std::string_view(),
                              .client_pid = 0});
            }
            answer->Resolve(Listing(context, device_id, numids));
        } catch (const Ipc::RpcError& e) {
            answer->Reject(e);
        } catch (const CardIo::Unresponsive& e) {
            answer->Reject(
                Context::Unanswered(device_id, e.what(), applied_refs(outcome->written)));
        } catch (const CardIo::Closed&) {
            answer->Reject(Context::Gone(device_id, applied_refs(outcome->written)));
        } catch (const Alsa::Error& e) {
            const size_t failed = outcome->written;
            const Json applied = applied_refs(failed);
            if (e.GetErrno() == ENODEV) {
                answer->Reject(context.Unplugged(device_id, applied));
                return;
            }
            answer->Reject(
                FromAlsa(e, asked_list[std::min(daemon_count + failed, asked_list.size() - 1)].info,
                         applied));
        } catch (const std::exception& e) {
            Log::Error(device_id + ": controls.set: " + e.what(), {.device = device_id});
            answer->Reject(Ipc::RpcError(Ipc::ErrorCode::Internal));
        }
    };
    try {
        card.Io().Submit(job, done);
    } catch (const CardIo::Unresponsive& e) {
        throw Context::Unanswered(device_id, e.what(), AppliedRefs(asked_list, daemon_count));
    }
    return {};
}

}  // namespace Methods
