// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/Notifier.hpp"

#include <charconv>
#include <climits>

#include "daemon/ClientSession.hpp"
#include "daemon/JsonCodec.hpp"
#include "daemon/Log.hpp"
#include "ipc/Json.hpp"

using Json = nlohmann::json;

Notifier::Notifier(Event::EventLoop& loop, const Core::StateCache& cache)
    : cache_(cache), flush_(loop, [this]() noexcept { FlushAll(); }) {}

void Notifier::Attach(uint64_t id, ClientSession& session) {
    sessions_.emplace(id, &session);
}

void Notifier::Detach(uint64_t id) noexcept {
    sessions_.erase(id);
}

std::unique_ptr<Core::Subscription> Notifier::NewSubscription(
    uint64_t id, std::optional<std::set<std::string>> devices, std::vector<std::string> globs,
    unsigned topics) const {
    auto sub =
        std::make_unique<Core::Subscription>(id, std::move(devices), std::move(globs), topics);
    for (const auto& [device_id, device] : cache_.GetDevices())
        sub->SetAnnounced(device_id, device.online);
    sub->SetMarkedUpTo(LogPosition());
    return sub;
}

void Notifier::ReleaseMemory() noexcept {
    /* Between flushes only: this round's log and heads are still to be used. */
    if (round_size_ == 0) std::vector<LoggedChange>().swap(round_);
    if (encoded_.Size() == 0) encoded_ = ChangedHeads();
    std::vector<unsigned>().swap(values_);
    std::string().swap(key_);
    std::string().swap(controls_);
    for (const auto& [id, session] : sessions_)
        for (auto& sub : session->GetSubscriptions()) sub->ReleaseMemory();
    /* Caches, made again as controls change or are listed. */
    full_.clear();
    value_text_.clear();
}

void Notifier::OnCacheChange(const Core::Change& change) {
    using Kind = Core::Change::Kind;
    flush_.Schedule();
    if (change.control) {
        full_.erase({&change.device, change.control->numid});
        /* Kept for the control's id and info: a value change leaves it valid. */
        if (change.kind != Kind::Value) value_text_.erase({&change.device, change.control->numid});
    } else if (change.kind != Kind::Restored) {
        /* A device coming or going may come back with other controls. */
        full_.erase(full_.lower_bound({&change.device, 0}),
                    full_.upper_bound({&change.device, UINT_MAX}));
        value_text_.erase(value_text_.lower_bound({&change.device, 0}),
                          value_text_.upper_bound({&change.device, UINT_MAX}));
    }
    if (change.kind == Kind::Value || change.kind == Kind::Info) {
        /* Marking is idempotent for these: a repeat since the last structural change
         * adds nothing. */
        Seen& seen = seen_[{&change.device, change.control->numid}];
        uint64_t& mark = change.kind == Kind::Value ? seen.value : seen.info;
        if (mark == epoch_) return;
        mark = epoch_;
    } else {
        ++epoch_;
    }
    /* Slots are reused: assigning a kept id keeps its name's memory. */
    if (round_size_ == round_.size()) round_.emplace_back();
    LoggedChange& logged = round_[round_size_];
    logged.kind = change.kind;
    logged.device = &change.device;
    if (change.control)
        logged.control = *change.control;
    else
        logged.control.reset();
    ++round_size_;
}

void Notifier::CatchUp(Core::Subscription& sub) {
    const uint64_t marked = sub.GetMarkedUpTo();
    for (size_t i = marked > round_start_ ? marked - round_start_ : 0; i < round_size_; ++i) {
        const LoggedChange& c = round_[i];
        sub.Mark(Core::Change{c.kind, *c.device, c.control ? &*c.control : nullptr});
    }
    sub.SetMarkedUpTo(LogPosition());
}

void Notifier::FlushAll() noexcept {
    /* The cache does not change during one flush: subscriptions with the same pending
     * controls share one encoding of them (bench/: fan-out was bound by encoding the
     * same JSON once per connection). */
    try {
        for (const auto& [id, session] : sessions_) FlushSession(*session);
    } catch (const std::exception& e) {
        Log::Error(std::string("flush: ") + e.what());
    }
    encoded_.Clear();
    /* Every subscription has caught up (FlushSession marks before anything else). */
    round_start_ += round_size_;
    round_size_ = 0;
    ++epoch_;
}

void Notifier::Flush(ClientSession& session) noexcept {
    try {
        FlushSession(session);
    } catch (const std::exception& e) {
        Log::Error(std::string("flush: ") + e.what());
    }
    encoded_.Clear();
}

void Notifier::FlushSession(ClientSession& session) {
    Ipc::Connection& connection = session.GetConnection();
    if (connection.IsClosed() || connection.IsPeerGone()) return;
    for (auto& sub : session.GetSubscriptions()) CatchUp(*sub);
    for (auto& sub : session.GetSubscriptions()) {
        /* Over the output cap: keep only the dirty set until the socket drains. */
        if (!connection.HasRoom()) return;
        if (sub->HasPending()) Encode(session, *sub);
    }
}

const Ipc::SharedText& Notifier::EncodeChanged(const std::string& device_id,
                                               const std::string& id_json, const std::string& seq,
                                               const Core::Device& device,
                                               const Core::PendingDevice& pending) {
    /* Value changes of controls also in info (sent in full) or added: not repeated. */
    values_.clear();
    for (unsigned numid : pending.values)
        if (!pending.info.contains(numid) && !pending.added.contains(numid))
            values_.push_back(numid);
    char number[16];
    const auto append_number = [&](std::string& out, unsigned n) {
        out.append(number, std::to_chars(number, number + sizeof(number), n).ptr);
    };
    key_.assign(device_id);
    key_ += '\0';
    for (unsigned numid : pending.info) (append_number(key_, numid), key_ += ',');
    key_ += '|';
    for (unsigned numid : values_) (append_number(key_, numid), key_ += ',');
    if (const Ipc::SharedText* head = encoded_.Find(key_)) return *head;

    controls_.assign(1, '[');
    for (unsigned numid : pending.info) {
        if (const auto* c = device.Find(numid)) {
            Json full = Codec::ControlToJson(device, *c);
            full["info_changed"] = true;
            if (controls_.size() > 1) controls_ += ',';
            controls_ += Ipc::Encode(full);
        }
    }
    /* Value changes, the fan-out's common case: text from what is kept per control,
     * no tree (Codec::ValueText). */
    for (unsigned numid : values_) {
        if (const auto* c = device.Find(numid)) {
            if (controls_.size() > 1) controls_ += ',';
            value_text_.try_emplace({&device, numid}, c->info).first->second.Append(controls_, *c);
        }
    }
    controls_ += ']';
    /* Null when no control is left: remembered too, for the next subscriber. */
    Ipc::SharedText head;
    if (controls_.size() > 2) {
        Ipc::EncodedMember members[] = {{"controls", controls_}, {"device", id_json}, {"seq", seq}};
        head = Ipc::SharedText::Make();
        Ipc::AppendNotificationHead(head.Edit(), "controls.changed", members);
    }
    return encoded_.Insert(key_, std::move(head));
}

void Notifier::Encode(ClientSession& session, Core::Subscription& sub) {
    Ipc::Connection& connection = session.GetConnection();
    /* The events socket has one subscription and no ids (protocol-v1 §2). */
    const bool with_id = !session.IsEventsSocket();
    const std::string seq = std::to_string(cache_.GetSeq());
    const std::string sub_id = std::to_string(sub.GetId());
    auto send = [&](const char* method, std::vector<Ipc::EncodedMember> members) {
        members.push_back({"seq", seq});
        if (with_id) members.push_back({"subscription", sub_id});
        connection.SendLine(Ipc::EncodeNotification(method, std::move(members)));
    };
    /* What follows a shared head: this subscription's member, "subscription" being
     * the last key in order, and the closing braces. */
    const Ipc::NotificationTail tail =
        with_id ? Ipc::NotificationTail("subscription", sub.GetId()) : Ipc::NotificationTail();

    for (auto& [device_id, pending] : sub.GetPending()) {
        const Core::Device* device = cache_.FindDevice(device_id);
        if (!device) continue;
        /* Encoded once per device: it was a serializer run per subscriber per change. */
        auto id_it = id_json_.find(device_id);
        if (id_it == id_json_.end())
            id_it = id_json_.emplace(device_id, Ipc::Encode(Json(device_id))).first;
        const std::string& id_json = id_it->second;
        if (pending.device_changed) {
            const bool online = device->online;
            const std::string described = Ipc::Encode(Codec::DeviceToJson(*device));
            auto announce = [&](bool up) {
                send(up ? "device.added" : "device.removed", {{"device", described}});
            };
            if (online != pending.announced_online)
                announce(online);
            else if (pending.cycled) {
                announce(!online);
                announce(online);
            }
            pending.announced_online = online;
        }
        if (!pending.HasControlChanges()) {
            SendRestored(*device, id_json, pending, send);
            continue;
        }

        if (!pending.removed.empty()) {
            Json list = Json::array();
            for (const auto& [numid, id] : pending.removed) list.push_back(Codec::IdToJson(id));
            const std::string controls = Ipc::Encode(list);
            send("controls.removed", {{"controls", controls}, {"device", id_json}});
        }
        if (!pending.added.empty()) {
            const std::string controls = FullControlsText(*device, pending.added);
            if (controls.size() > 2)
                send("controls.added", {{"controls", controls}, {"device", id_json}});
        }
        if (!pending.info.empty() || !pending.values.empty()) {
            const Ipc::SharedText& head = EncodeChanged(device_id, id_json, seq, *device, pending);
            if (head) connection.SendShared(head, tail);
        }
        SendRestored(*device, id_json, pending, send);
    }
    sub.ClearPending();
}

template <class Send>
void Notifier::SendRestored(const Core::Device& device, const std::string& id_json,
                            const Core::PendingDevice& pending, Send& send) {
    /* Last of the device's notifications: after the values the restore wrote. */
    if (!pending.restored || !device.restored) return;
    const Core::RestoreOutcome& r = *device.restored;
    Json skipped = Json::array();
    for (const auto& [name, reason] : r.skipped)
        skipped.push_back({{"name", name}, {"reason", reason}});
    /* EncodedMember holds views: the texts live here until sent. */
    const std::string restore = Ipc::Encode(Json(r.restore));
    const std::string applied = std::to_string(r.applied);
    const std::string skipped_json = Ipc::Encode(skipped);
    const std::string preset = r.preset ? Ipc::Encode(Json(*r.preset)) : std::string();
    std::vector<Ipc::EncodedMember> members = {
        {"device", id_json}, {"restore", restore}, {"applied", applied}, {"skipped", skipped_json}};
    if (r.preset) members.push_back({"preset", preset});
    send("device.restored", std::move(members));
}

void Notifier::AppendFullControl(std::string& out, const Core::Device& device,
                                 const Alsa::Control& control) const {
    /* A volatile control's value changes with no event (StateCache::RefreshVolatile):
     * nothing would tell that a kept encoding is stale. */
    if (control.info.access.is_volatile) {
        out += Ipc::Encode(Codec::ControlToJson(device, control));
        return;
    }
    auto [it, inserted] = full_.try_emplace({&device, control.info.id.numid});
    if (inserted) {
        try {
            it->second = Ipc::Encode(Codec::ControlToJson(device, control));
        } catch (...) {
            full_.erase(it);
            throw;
        }
    }
    out += it->second;
}

Json Notifier::Snapshot(const Core::Subscription& filter) const {
    /* As Ipc::Encode would write {"controls":{id:[...]},"devices":[...]}: members in
     * key order, and the devices map is ordered by id. Written into one string sized
     * as the last one was: the text is copied once more (Encoded), not grown to. */
    std::string devices = "[";
    std::string text;
    text.reserve(snapshot_size_);
    text += "{\"controls\":{";
    bool first_device = true;
    for (const auto& [id, device] : cache_.GetDevices()) {
        if (!filter.WantsDevice(id)) continue;
        if (devices.size() > 1) devices += ',';
        devices += Ipc::Encode(Codec::DeviceToJson(device));
        if (!first_device) text += ',';
        first_device = false;
        text += Ipc::Encode(Json(id));
        text += ":[";
        bool first = true;
        for (const auto& [numid, c] : device.controls) {
            if (!filter.WantsControl(c.info.id.name)) continue;
            if (!first) text += ',';
            first = false;
            AppendFullControl(text, device, c);
        }
        text += ']';
    }
    devices += ']';
    ((text += "},\"devices\":") += devices) += '}';
    snapshot_size_ = text.size() + text.size() / 16;
    return Ipc::Encoded(text);
}
