// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/Server.hpp"

#include <algorithm>
#include <cmath>

#include "bridges/osc/Route.hpp"

namespace Osc {

using nlohmann::json;

namespace {

bool IsPattern(std::string_view address) {
    return address.find_first_of("?*[]{}") != std::string_view::npos;
}

std::string DaemonMessage(const json& response) {
    const json& e = response.at("error");
    std::string text = e.value("message", std::string("error"));
    if (e.contains("data") && e["data"].is_object()) {
        const json& d = e["data"];
        if (d.contains("min") && d.contains("max"))
            text += " (" + d["min"].dump() + ".." + d["max"].dump() + ")";
        if (d.contains("reason") && d["reason"].is_string())
            text += " (" + d["reason"].get<std::string>() + ")";
    }
    return text;
}

constexpr unsigned DEFAULT_METER_RATE = 20;
constexpr unsigned MAX_METER_RATE = 60;

}  // namespace

Server::Server(Event::EventLoop& loop, std::string socket_path, Send send, Log log, Options options)
    : loop_(loop),
      send_(std::move(send)),
      log_(std::move(log)),
      options_(options),
      link_(loop, std::move(socket_path),
            {[this] { OnConnected(); }, [this] { OnDisconnected(); },
             [this](const json& m) { OnNotification(m); }}),
      expiry_(loop, [this]() noexcept { OnExpiry(); }) {}

void Server::Start() {
    link_.Start();
    if (!link_.IsConnected())
        log_(Level::Warning, "scarlettd is not running yet; trying every second");
}

/* The daemon side. */

void Server::OnConnected() {
    log_(Level::Info, "connected to scarlettd");
    link_.Call("subscribe", {{"snapshot", true}}, [this](const json& r) { OnSubscribed(r); });
}

void Server::OnSubscribed(const json& response) {
    if (!response.contains("result")) {
        log_(Level::Error, "scarlettd refused the subscription: " + DaemonMessage(response));
        return;
    }
    const json& snapshot = response["result"].value("snapshot", json::object());
    for (const json& d : snapshot.value("devices", json::array())) {
        Device& device = UpsertDevice(d);
        const std::string& id = device.id;
        if (snapshot.contains("controls") && snapshot["controls"].contains(id))
            LoadControls(device, snapshot["controls"][id]);
    }
    loaded_ = true;
    std::string ids;
    for (const Device& device : devices_) ids += (ids.empty() ? ": " : ", ") + device.id;
    log_(Level::Info, "serving " + std::to_string(devices_.size()) +
                          (devices_.size() == 1 ? " device" : " devices") + ids);
    for (const Device& device : devices_) SendOnline(device);
    UpdateMeters();
}

void Server::OnDisconnected() {
    log_(Level::Warning, "lost scarlettd; trying again every second");
    loaded_ = false;
    for (Device& device : devices_) {
        device.meters.reset();
        device.meters_pending = false;
        if (!device.online) continue;
        device.online = false;
        SendOnline(device);
    }
}

Server::Device& Server::UpsertDevice(const json& d) {
    const std::string id = d.at("id").get<std::string>();
    Device* device = FindDevice(id);
    if (!device) {
        /* Positions follow devices.list's order, which is by id. */
        Device fresh;
        fresh.id = id;
        auto at = std::lower_bound(devices_.begin(), devices_.end(), id,
                                   [](const Device& x, const std::string& y) { return x.id < y; });
        device = &*devices_.insert(at, std::move(fresh));
    }
    device->online = d.value("online", false);
    const json nickname = d.value("nickname", json());
    device->nickname = nickname.is_string() ? nickname.get<std::string>() : std::string();
    return *device;
}

Server::Device* Server::FindDevice(const std::string& id) {
    for (Device& d : devices_)
        if (d.id == id) return &d;
    return nullptr;
}

void Server::LoadControls(Device& device, const json& controls) {
    device.controls.clear();
    for (const json& c : controls) {
        try {
            ControlView view(c);
            device.controls.insert_or_assign(view.numid, std::move(view));
        } catch (const std::exception&) {
            /* A control the bridge cannot read (a newer protocol's type): no address. */
        }
    }
    device.space = SpaceFor(controls);
    device.no_meters = false;
}

void Server::ListControls(const std::string& id) {
    link_.Call("controls.list", {{"device", id}}, [this, id](const json& r) {
        Device* device = FindDevice(id);
        if (!device || !r.contains("result")) return;
        LoadControls(*device, r["result"].value("controls", json::array()));
        UpdateMeters();
    });
}

void Server::OnNotification(const json& message) {
    const std::string method = message.value("method", std::string());
    const json& params = message.contains("params") ? message["params"] : json::object();
    if (method == "meters") return OnMeters(params);
    if (method == "controls.changed") {
        Device* device = FindDevice(params.value("device", std::string()));
        if (!device) return;
        for (const json& c : params.value("controls", json::array())) {
            const unsigned numid = c.value("numid", 0u);
            auto it = device->controls.find(numid);
            if (it == device->controls.end()) continue;
            if (c.value("info_changed", false))
                it->second = ControlView(c);
            else
                it->second.Update(c);
            Feedback(*device, numid);
        }
    } else if (method == "controls.added" || method == "controls.removed") {
        /* Rare (a firmware's controls, a driver reload): the whole list again. */
        ListControls(params.value("device", std::string()));
    } else if (method == "device.added") {
        const json& d = params.at("device");
        Device& device = UpsertDevice(d);
        const std::string id = device.id;
        log_(Level::Info, "device " + id + " online");
        SendOnline(device);
        ListControls(id);
        UpdateMeters();
    } else if (method == "device.removed") {
        Device* device = FindDevice(params.at("device").value("id", std::string()));
        if (!device) return;
        device->online = false;
        device->meters.reset();
        log_(Level::Info, "device " + device->id + " offline");
        SendOnline(*device);
    }
}

std::string Server::FeedbackPrefix(const Device& device) const {
    return DevicePrefix({device.id, device.nickname}, devices_.size());
}

void Server::Feedback(const Device& device, unsigned numid) {
    if (peers_.Size() == 0) return;
    const auto it = device.controls.find(numid);
    if (it == device.controls.end()) return;
    const std::string prefix = FeedbackPrefix(device);
    for (const AddressSpace::Entry* entry : device.space.ForControl(numid)) {
        std::vector<Arg> args;
        try {
            args = ArgsFor(it->second, entry->target.channel);
        } catch (const std::exception&) {
            continue;
        }
        if (!args.empty()) SendToSubscribers(prefix + entry->path, args);
    }
}

void Server::SendOnline(const Device& device) {
    SendToSubscribers(FeedbackPrefix(device) + "/online", {Arg::Int(device.online ? 1 : 0)});
}

void Server::SendToSubscribers(const std::string& address, const std::vector<Arg>& args) {
    if (peers_.Size() == 0) return;
    const std::vector<std::string> to = peers_.Matching(address);
    if (to.empty()) return;
    const std::string datagram = Encode(address, args);
    for (const std::string& name : to)
        if (const auto it = senders_.find(name); it != senders_.end())
            send_(it->second.endpoint, datagram);
}

void Server::OnMeters(const json& params) {
    Device* device = FindDevice(params.value("device", std::string()));
    if (!device || meter_peers_.Size() == 0) return;
    std::vector<Arg> levels;
    for (const json& l : params.value("levels", json::array()))
        levels.push_back(
            Arg::Float(l.is_number() ? std::max(static_cast<float>(l.get<double>()), METER_FLOOR_DB)
                                     : METER_FLOOR_DB));
    const std::string address = FeedbackPrefix(*device) + "/meters";
    const std::string datagram = Encode(address, levels);
    const auto now = Clock::now();
    for (auto& [name, sender] : senders_) {
        if (sender.meter_rate == 0) continue;
        auto& last = sender.meters_sent[device->id];
        /* Each peer at its own rate: the daemon polls at the fastest one asked. A
         * little slack so that a tick's jitter does not halve a rate. */
        const auto period = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(0.9 / sender.meter_rate));
        if (now - last < period) continue;
        last = now;
        send_(sender.endpoint, datagram);
    }
}

void Server::UpdateMeters() {
    unsigned rate = 0;
    for (const auto& [name, sender] : senders_) rate = std::max(rate, sender.meter_rate);
    for (Device& device : devices_) {
        const bool wanted = rate > 0 && device.online && link_.IsConnected();
        if (device.meters_pending) continue; /* the reply calls UpdateMeters() again */
        if (device.meters && (!wanted || device.meter_rate != rate)) {
            link_.Call("unsubscribe", {{"subscription", *device.meters}}, nullptr);
            device.meters.reset();
        }
        if (!wanted || device.meters || device.no_meters) continue;
        const std::string id = device.id;
        device.meters_pending = true;
        link_.Call("meters.subscribe", {{"device", id}, {"rate_hz", rate}},
                   [this, id, rate](const json& r) {
                       Device* d = FindDevice(id);
                       if (!d) return;
                       d->meters_pending = false;
                       if (r.contains("result")) {
                           d->meters = r["result"].value("subscription", uint64_t{0});
                           d->meter_rate = rate;
                       } else if (r["error"].value("code", 0) != -32000) {
                           /* A device without meters: asked again at its next attach. */
                           log_(Level::Info, "no meters for " + id + ": " + DaemonMessage(r));
                           d->no_meters = true;
                           return;
                       }
                       UpdateMeters();
                   });
    }
}

/* The OSC side. */

Server::Sender& Server::Remember(const Endpoint& from, Clock::time_point now) {
    const std::string name = from.Name();
    auto it = senders_.find(name);
    if (it == senders_.end()) {
        if (senders_.size() >= MAX_SENDERS) {
            auto oldest = senders_.end();
            for (auto s = senders_.begin(); s != senders_.end(); ++s) {
                /* Registered peers stay, and so does the one heard now (the caller
                 * may hold it while it registers another). */
                if (peers_.Contains(s->first) || meter_peers_.Contains(s->first) ||
                    s->second.heard == now)
                    continue;
                if (oldest == senders_.end() || s->second.heard < oldest->second.heard) oldest = s;
            }
            if (oldest != senders_.end()) senders_.erase(oldest);
        }
        Sender fresh;
        fresh.endpoint = from;
        fresh.tokens = 2 * options_.rate;
        fresh.refilled = now;
        it = senders_.emplace(name, std::move(fresh)).first;
    }
    it->second.heard = now;
    return it->second;
}

bool Server::Admit(Sender& sender, size_t messages, Clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - sender.refilled).count();
    sender.refilled = now;
    sender.tokens = std::min(2 * options_.rate, sender.tokens + elapsed * options_.rate);
    if (sender.tokens < static_cast<double>(messages)) {
        sender.tokens = std::max(sender.tokens, 0.0);
        return false;
    }
    sender.tokens -= static_cast<double>(messages);
    return true;
}

void Server::OnDatagram(const Endpoint& from, const void* data, size_t size) noexcept {
    try {
        const auto now = Clock::now();
        Sender& sender = Remember(from, now);
        /* Charged before it is decoded (a flood costs no parsing), then for each
         * message of a bundle past the first. */
        const auto over = [&] {
            /* Answered once per flood: an answer to each would cost what the limit saves. */
            if (!sender.limited)
                Error(sender, "", "rate",
                      "more than " + std::to_string(std::lround(options_.rate)) +
                          " messages a second; the rest are dropped");
            sender.limited = true;
        };
        if (!Admit(sender, 1, now)) return over();
        Datagram datagram = Decode(data, size);
        if (datagram.messages.size() > 1 && !Admit(sender, datagram.messages.size() - 1, now))
            return over();
        sender.limited = false;
        if (!datagram.error.empty())
            Error(sender, "", "malformed", "malformed OSC: " + datagram.error);
        for (const Message& m : datagram.messages) Handle(sender, m, now);
    } catch (const std::exception& e) {
        log_(Level::Error, std::string("a datagram failed: ") + e.what());
    }
}

void Server::RefuseDatagram(const Endpoint& from, const std::string& reason) noexcept {
    try {
        const auto now = Clock::now();
        Sender& sender = Remember(from, now);
        if (Admit(sender, 1, now))
            Error(sender, "", "malformed", reason);
        else
            sender.limited = true;
    } catch (const std::exception&) {
    }
}

void Server::Handle(Sender& sender, const Message& m, Clock::time_point now) {
    if (options_.verbose) {
        std::string text = sender.endpoint.Name() + " -> " + m.address;
        for (const Arg& a : m.args) text += std::string(" ") + a.type;
        log_(Level::Debug, text);
    }
    if (m.address == "/subscribe" || m.address == "/meters/subscribe" ||
        m.address == "/unsubscribe" || m.address == "/meters/unsubscribe")
        return Register(sender, m, now);
    if (m.address == "/devices") {
        if (!m.args.empty()) return Error(sender, m.address, "value", "/devices is a query");
        for (size_t i = 0; i < devices_.size(); ++i) {
            const Device& d = devices_[i];
            Reply(sender, "/devices",
                  {Arg::Int(static_cast<int32_t>(i + 1)), Arg::String(d.id),
                   Arg::String(d.nickname), Arg::Int(d.online ? 1 : 0)});
        }
        return;
    }
    HandleDevice(sender, m);
}

void Server::Register(Sender& sender, const Message& m, Clock::time_point now) {
    const bool meters = m.address.starts_with("/meters/");
    const bool subscribe = m.address.ends_with("/subscribe");
    /* Arguments: /subscribe [pattern s] [port i], /meters/subscribe [rate i|f] [port i],
     * the unsubscribes [port i]. A port: feedback goes to it, on the sender's host
     * (for a sender that cannot receive where it sends from, such as oscsend). */
    std::string pattern;
    unsigned rate = DEFAULT_METER_RATE;
    std::optional<int32_t> port;
    size_t next = 0;
    const auto& args = m.args;
    if (subscribe && !meters && next < args.size() && args[next].type == 's')
        pattern = args[next++].s;
    if (subscribe && meters && args.size() - next >= 1 &&
        (args[next].type == 'f' || args[next].type == 'i')) {
        const double r = args[next].type == 'i' ? args[next].i : args[next].f;
        if (!(r >= 1 && r <= MAX_METER_RATE))
            return Error(sender, m.address, "value", "a meter rate is 1..60 Hz");
        rate = static_cast<unsigned>(std::lround(r));
        ++next;
    }
    if (next < args.size() && args[next].type == 'i') port = args[next++].i;
    if (next != args.size())
        return Error(sender, m.address, "value",
                     !subscribe ? "takes [port i]"
                     : meters   ? "takes [rate i|f] [port i]"
                                : "takes [pattern s] [port i]");
    if (port && (*port < 1 || *port > 65535))
        return Error(sender, m.address, "value", "a port is 1..65535");

    Sender* target = &sender;
    if (port) {
        Endpoint to = sender.endpoint;
        to.SetPort(static_cast<uint16_t>(*port));
        target = &Remember(to, now);
    }
    const std::string name = target->endpoint.Name();
    Peers& registry = meters ? meter_peers_ : peers_;
    if (!subscribe) {
        registry.Unsubscribe(name);
        if (meters && target->meter_rate) {
            target->meter_rate = 0;
            UpdateMeters();
        }
        RearmExpiry();
        return;
    }
    const bool fresh = !registry.Contains(name);
    if (!registry.Subscribe(name, pattern, now))
        return Error(sender, m.address, "limit",
                     pattern.size() > Peers::MAX_PATTERN ? "the pattern is longer than 256 bytes"
                                                         : "too many peers registered (64)");
    if (fresh)
        log_(Level::Info, name + (meters ? " subscribed to meters" : " subscribed") +
                              (pattern.empty() ? std::string() : " to " + pattern));
    if (meters && target->meter_rate != rate) {
        target->meter_rate = rate;
        UpdateMeters();
    }
    RearmExpiry();
}

void Server::HandleDevice(Sender& sender, const Message& m) {
    std::vector<DeviceName> names;
    for (const Device& d : devices_) names.push_back({d.id, d.nickname});
    const auto routed = Route(m.address, names);
    if (!routed)
        return Error(sender, m.address, "address",
                     !devices_.empty() ? "unknown address (no such device?)"
                     : !IsConnected()  ? "scarlettd is not running"
                     : loaded_         ? "no device"
                                       : "scarlettd's devices are not loaded yet; try again");
    Device& device = devices_[routed->device];
    /* What the sender wrote before the device's own part, for the replies. */
    const std::string prefix = m.address.substr(0, m.address.size() - routed->rest.size());

    if (routed->rest == "/online") {
        if (!m.args.empty()) return Error(sender, m.address, "value", "/online is read-only");
        return Reply(sender, m.address, {Arg::Int(device.online ? 1 : 0)});
    }
    std::vector<const AddressSpace::Entry*> entries;
    if (IsPattern(routed->rest)) {
        for (const auto& e : device.space.Entries())
            if (PatternMatch(routed->rest, e.path)) entries.push_back(&e);
    } else if (const auto* e = device.space.Find(routed->rest)) {
        entries.push_back(e);
    }
    if (entries.empty()) return Error(sender, m.address, "address", "unknown address");

    if (m.args.empty()) {
        for (const auto* e : entries) {
            const auto it = device.controls.find(e->target.numid);
            if (it == device.controls.end()) continue;
            std::vector<Arg> args;
            try {
                args = ArgsFor(it->second, e->target.channel);
            } catch (const std::exception&) {
            }
            if (args.empty()) {
                Error(sender, prefix + e->path, "value", "this control has no OSC form");
                continue;
            }
            Reply(sender, prefix + e->path, args);
        }
        return;
    }
    if (!device.online) return Error(sender, m.address, "offline", "the device is offline");

    /* One write for all the addresses a pattern matched: all or nothing. */
    std::map<unsigned, json> changes;
    for (const auto* e : entries) {
        const auto it = device.controls.find(e->target.numid);
        if (it == device.controls.end()) continue;
        json change;
        try {
            change = ChangeFor(it->second, e->target.channel, m.args);
        } catch (const std::exception& error) {
            return Error(sender, prefix + e->path, "value", error.what());
        }
        auto [at, fresh] = changes.emplace(e->target.numid, change);
        /* Two channels of one control (a 1st Gen pair): both go in one value. */
        if (!fresh && e->target.channel) {
            for (auto& [key, v] : change.items())
                if (at->second.contains(key) && at->second[key].is_array() && v.is_array())
                    at->second[key][*e->target.channel] = v[*e->target.channel];
        }
    }
    json list = json::array();
    for (auto& [numid, change] : changes) {
        change["control"] = {{"numid", numid}};
        list.push_back(std::move(change));
    }
    const std::string name = sender.endpoint.Name();
    const std::string address = m.address;
    link_.Call("controls.set", {{"device", device.id}, {"changes", std::move(list)}},
               [this, name, address](const json& r) {
                   if (r.contains("result")) return;
                   auto it = senders_.find(name);
                   if (it != senders_.end()) Error(it->second, address, "daemon", DaemonMessage(r));
               });
}

void Server::Reply(const Sender& sender, const std::string& address, const std::vector<Arg>& args) {
    send_(sender.endpoint, Encode(address, args));
}

void Server::Error(Sender& sender, const std::string& address, const std::string& kind,
                   const std::string& detail) {
    const bool first = sender.logged.size() < 16 && sender.logged.insert(kind).second;
    if (first || options_.verbose)
        log_(Level::Warning, sender.endpoint.Name() + ": " +
                                 (address.empty() ? "" : address + ": ") + detail +
                                 (first && !options_.verbose ? " (logged once per peer)" : ""));
    send_(sender.endpoint, Encode("/error", {Arg::String(address), Arg::String(detail)}));
}

void Server::RearmExpiry() {
    std::optional<Clock::time_point> next = peers_.NextExpiry();
    if (const auto m = meter_peers_.NextExpiry(); m && (!next || *m < *next)) next = m;
    if (next == expiry_at_) return;
    expiry_at_ = next;
    if (next)
        expiry_.Schedule(std::max(Clock::duration::zero(), *next - Clock::now()));
    else
        expiry_.Cancel();
}

void Server::OnExpiry() noexcept {
    try {
        expiry_at_.reset();
        const auto now = Clock::now();
        for (const std::string& name : peers_.Expire(now))
            log_(Level::Info, name + " stopped renewing /subscribe; dropped");
        bool meters = false;
        for (const std::string& name : meter_peers_.Expire(now)) {
            log_(Level::Info, name + " stopped renewing /meters/subscribe; dropped");
            if (auto it = senders_.find(name); it != senders_.end()) it->second.meter_rate = 0;
            meters = true;
        }
        if (meters) UpdateMeters();
        RearmExpiry();
    } catch (const std::exception& e) {
        log_(Level::Error, std::string("expiry failed: ") + e.what());
    }
}

}  // namespace Osc
