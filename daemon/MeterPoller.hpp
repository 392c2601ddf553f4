// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/core/StateCache.hpp"
#include "event/Timer.hpp"

class CardSet;
class ClientSession;

/**
 * Level meters (protocol-v1 §4 meters.subscribe). The volatile "Level Meter" control
 * sends no events, so it is read on a timer, but only while at least one meter
 * subscription for that device exists and the device is online: no subscription, no
 * timer, no wakeup. One read per tick serves every subscriber of the device, at the
 * highest rate asked. Holds the meter subscriptions of every session. Loop thread only.
 */
class MeterPoller {
  public:
    static constexpr unsigned DEFAULT_RATE_HZ = 20;
    static constexpr unsigned MAX_RATE_HZ = 60;

    MeterPoller(Event::EventLoop& loop, Core::StateCache& cache, CardSet& cards) noexcept;
    MeterPoller(const MeterPoller&) = delete;
    MeterPoller& operator=(const MeterPoller&) = delete;

    /** The device's Level Meter, if it has one. */
    static const Alsa::Control* FindMeter(const Core::Device& device) noexcept;

    void Add(ClientSession& session, uint64_t id, const std::string& device, unsigned rate_hz);
    /** @return whether @p session had meter subscription @p id. */
    bool Remove(ClientSession& session, uint64_t id) noexcept;
    /** The session is going away. */
    void RemoveAll(ClientSession& session) noexcept;
    size_t Count(const ClientSession& session) const noexcept;
    /** Starts, re-rates or stops the polling of @p device (subscriptions or its online
     *  state changed). */
    void Replan(const std::string& device) noexcept;

  private:
    struct Subscriber {
        ClientSession* session;
        uint64_t id;
        std::string device;
        unsigned rate_hz;
    };
    struct Poll {
        std::unique_ptr<Event::Timer> timer;
        unsigned numid = 0;
        unsigned rate_hz = 0;
        /* A reading is on the card's thread: a tick meanwhile is skipped. */
        bool reading = false;
    };

    void OnTick(const std::string& device) noexcept;
    /** A reading is back: to the cache and every subscriber of @p device. */
    void OnReading(const std::string& device, unsigned numid, const Alsa::Value& value);

    Event::EventLoop& loop_;
    Core::StateCache& cache_;
    CardSet& cards_;
    std::vector<Subscriber> subscribers_;
    std::map<std::string, Poll> polls_;  // by device id
};
