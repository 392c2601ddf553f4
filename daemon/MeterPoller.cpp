// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/MeterPoller.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "daemon/ClientSession.hpp"
#include "daemon/Log.hpp"
#include "daemon/cards/CardSet.hpp"
#include "ipc/Json.hpp"

namespace {
constexpr double METER_FULL_SCALE = 4095.0;
}  // namespace

MeterPoller::MeterPoller(Event::EventLoop& loop, Core::StateCache& cache, CardSet& cards) noexcept
    : loop_(loop), cache_(cache), cards_(cards) {}

const Alsa::Control* MeterPoller::FindMeter(const Core::Device& device) noexcept {
    for (const auto& [numid, c] : device.controls)
        if (c.info.id.name == "Level Meter" && c.info.type == Alsa::ElemType::Integer) return &c;
    return nullptr;
}

void MeterPoller::Add(ClientSession& session, uint64_t id, const std::string& device,
                      unsigned rate_hz) {
    subscribers_.push_back({&session, id, device, rate_hz});
    Replan(device);
}

bool MeterPoller::Remove(ClientSession& session, uint64_t id) noexcept {
    const auto it = std::find_if(subscribers_.begin(), subscribers_.end(), [&](const auto& s) {
        return s.session == &session && s.id == id;
    });
    if (it == subscribers_.end()) return false;
    const std::string device = std::move(it->device);
    subscribers_.erase(it);
    Replan(device);
    return true;
}

void MeterPoller::RemoveAll(ClientSession& session) noexcept {
    std::vector<std::string> devices;
    std::erase_if(subscribers_, [&](Subscriber& s) {
        if (s.session != &session) return false;
        devices.push_back(std::move(s.device));
        return true;
    });
    for (const auto& device : devices) Replan(device);
}

size_t MeterPoller::Count(const ClientSession& session) const noexcept {
    return static_cast<size_t>(std::count_if(subscribers_.begin(), subscribers_.end(),
                                             [&](const auto& s) { return s.session == &session; }));
}

void MeterPoller::Replan(const std::string& device_id) noexcept {
    unsigned rate = 0;
    for (const auto& s : subscribers_)
        if (s.device == device_id) rate = std::max(rate, s.rate_hz);
    const Core::Device* device = cache_.FindDevice(device_id);
    const Alsa::Control* meter = device && device->online ? FindMeter(*device) : nullptr;
    if (rate == 0 || !meter || !cards_.Find(device_id)) {
        polls_.erase(device_id); /* destroying the timer disarms it */
        return;
    }
    try {
        Poll& poll = polls_[device_id];
        poll.numid = meter->info.id.numid;
        if (!poll.timer)
            poll.timer = std::make_unique<Event::Timer>(
                loop_, [this, device_id]() noexcept { OnTick(device_id); });
        if (poll.rate_hz != rate || !poll.timer->IsPending()) {
            poll.rate_hz = rate;
            poll.timer->Schedule(std::chrono::microseconds(1'000'000 / rate));
        }
    } catch (const std::exception& e) {
        polls_.erase(device_id);
        Log::Error(device_id + ": cannot poll the Level Meter: " + e.what(), {.device = device_id});
    }
}

void MeterPoller::OnTick(const std::string& device_id) noexcept {
    auto poll = polls_.find(device_id);
    OpenCard* card = cards_.Find(device_id);
    if (poll == polls_.end() || !card) return;
    const unsigned numid = poll->second.numid;
    poll->second.timer->Schedule(std::chrono::microseconds(1'000'000 / poll->second.rate_hz));
    /* A card that is not answering, or slower than the rate, misses ticks (meters are
     * a stream of fresh readings); the timer keeps going, so they resume when it
     * answers. The loop never waits for the card. */
    if (poll->second.reading || card->Io().IsUnresponsive()) return;
    try {
        auto value = std::make_shared<Alsa::Value>();
        card->Io().Submit(
            [value, numid](Alsa::Card& c, const std::function<void()>&) { *value = c.Read(numid); },
            [this, device_id, numid, value](std::exception_ptr error) noexcept {
                /* The card went away with the poller maybe gone before it: touch nothing. */
                try {
                    if (error) std::rethrow_exception(error);
                } catch (const CardIo::Closed&) {
                    return;
                } catch (...) {
                }
                const auto again = polls_.find(device_id);
                if (again != polls_.end()) again->second.reading = false;
                try {
                    if (error) std::rethrow_exception(error);
                    OnReading(device_id, numid, *value);
                } catch (const CardIo::Unresponsive&) {
                    /* Said once by CardIo. */
                } catch (const Alsa::Error& e) {
                    Log::Warning(device_id + ": Level Meter: " + e.what(),
                                 {.device = device_id, .control = "Level Meter"});
                } catch (const std::exception& e) {
                    Log::Error(device_id + ": Level Meter: " + e.what(), {.device = device_id});
                }
            });
        poll->second.reading = true;
    } catch (const CardIo::Unresponsive&) {
    } catch (const std::exception& e) {
        Log::Error(device_id + ": Level Meter: " + e.what(), {.device = device_id});
    }
}

void MeterPoller::OnReading(const std::string& device_id, unsigned numid,
                            const Alsa::Value& value) {
    cache_.RefreshVolatile(device_id, numid, value);
    nlohmann::json levels = nlohmann::json::array();
    nlohmann::json raw = nlohmann::json::array();
    for (int64_t v : value.numbers) {
        raw.push_back(v);
        levels.push_back(
            v > 0 ? nlohmann::json(20.0 * std::log10(static_cast<double>(v) / METER_FULL_SCALE))
                  : nlohmann::json(nullptr));
    }
    const std::string device_json = Ipc::Encode(nlohmann::json(device_id));
    const std::string levels_json = Ipc::Encode(levels);
    const std::string raw_json = Ipc::Encode(raw);
    const std::string seq = std::to_string(cache_.GetSeq());
    /* One text for every subscriber of the device; each adds its subscription id. */
    Ipc::EncodedMember members[] = {
        {"device", device_json}, {"levels", levels_json}, {"raw", raw_json}, {"seq", seq}};
    Ipc::SharedText head = Ipc::SharedText::Make();
    Ipc::AppendNotificationHead(head.Edit(), "meters", members);
    for (const auto& s : subscribers_) {
        if (s.device != device_id) continue;
        Ipc::Connection& connection = s.session->GetConnection();
        /* Meters are a stream of fresh readings: a client that cannot keep up misses
         * some, it never gets old ones late. */
        if (connection.IsClosed() || !connection.HasRoom()) continue;
        connection.SendShared(head, Ipc::NotificationTail("subscription", s.id));
    }
}
