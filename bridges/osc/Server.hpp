// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bridges/DaemonLink.hpp"
#include "bridges/osc/AddressSpace.hpp"
#include "bridges/osc/Network.hpp"
#include "bridges/osc/Peers.hpp"
#include "bridges/osc/Values.hpp"
#include "bridges/osc/Wire.hpp"
#include "event/EventLoop.hpp"
#include "event/Timer.hpp"

namespace Osc {

/**
 * scarlett-osc's work, apart from its socket: OSC messages in (OnDatagram), OSC
 * messages out (the Send function), and scarlettd's public protocol through a
 * DaemonLink. It keeps what it shows: each device's controls (from the
 * subscription's snapshot and every notification after it) and their addresses.
 *   * a message with arguments sets (controls.set), without arguments queries (the
 *     reply goes to the sender, under the address it sent);
 *   * every change the daemon reports goes to each registered peer (/subscribe,
 *     renewed every 10 s) whose pattern matches its address; meters to the peers
 *     that asked (/meters/subscribe), the daemon polling them only meanwhile;
 *   * errors are answered on /error (address, message), and logged once per peer
 *     and kind; each peer may send @c rate messages a second (bursts of twice that).
 * Idle (no messages, no changes) it has no timer but the one at the next peer's
 * expiry, which renewals move. Loop thread only.
 */
class Server {
  public:
    using Clock = std::chrono::steady_clock;
    using Send = std::function<void(const Endpoint& to, const std::string& datagram)>;
    enum class Level { Error, Warning, Info, Debug };
    using Log = std::function<void(Level level, const std::string& message)>;

    struct Options {
        /** Messages a second one peer may send. */
        double rate = 200;
        /** Log every message received and every error answered. */
        bool verbose = false;
    };

    /** Senders remembered at most (rate and the errors already logged); the least
     *  recently heard one is forgotten first, never a registered peer. */
    static constexpr size_t MAX_SENDERS = 256;
    /** A silent level at the bottom of a meter: levels are sent in dBFS, "no
     *  signal" (the daemon's null) as this. */
    static constexpr float METER_FLOOR_DB = -120.0f;

    Server(Event::EventLoop& loop, std::string socket_path, Send send, Log log, Options options);
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /** Connects to the daemon (or keeps trying). */
    void Start();
    /** A datagram from @p from. */
    void OnDatagram(const Endpoint& from, const void* data, size_t size) noexcept;
    /** Refuses a datagram the caller could not take whole (too large), on /error. */
    void RefuseDatagram(const Endpoint& from, const std::string& reason) noexcept;

    bool IsConnected() const noexcept { return link_.IsConnected(); }
    size_t DeviceCount() const noexcept { return devices_.size(); }

  private:
    struct Device {
        std::string id;
        std::string nickname;
        bool online = false;
        std::map<unsigned, ControlView> controls;
        AddressSpace space;
        /** The daemon's meter subscription, while there is one. */
        std::optional<uint64_t> meters;
        unsigned meter_rate = 0;
        bool meters_pending = false;
        /** The daemon said it has none: not asked again until it is attached again. */
        bool no_meters = false;
    };
    struct Sender {
        Endpoint endpoint;
        double tokens = 0;
        Clock::time_point refilled;
        Clock::time_point heard;
        std::set<std::string> logged;
        /** Its last datagram was over the rate (the next over it gets no answer). */
        bool limited = false;
        /** Meter rate it asked for, and when it was last sent levels (per device). */
        unsigned meter_rate = 0;
        std::map<std::string, Clock::time_point> meters_sent;
    };

    void OnConnected();
    void OnDisconnected();
    void OnNotification(const nlohmann::json& message);
    void OnSubscribed(const nlohmann::json& response);

    Device& UpsertDevice(const nlohmann::json& device);
    Device* FindDevice(const std::string& id);
    void LoadControls(Device& device, const nlohmann::json& controls);
    void RebuildSpace(Device& device);
    void ListControls(const std::string& id);
    /** The device's part of an address in feedback: none while the bridge knows one
     *  device, else its nickname or id. */
    std::string FeedbackPrefix(const Device& device) const;
    void Feedback(const Device& device, unsigned numid);
    void SendOnline(const Device& device);
    void SendToSubscribers(const std::string& address, const std::vector<Arg>& args);
    void OnMeters(const nlohmann::json& params);

    Sender& Remember(const Endpoint& from, Clock::time_point now);
    bool Admit(Sender& sender, size_t messages, Clock::time_point now);
    void Handle(Sender& sender, const Message& message, Clock::time_point now);
    void Register(Sender& sender, const Message& message, Clock::time_point now);
    void HandleDevice(Sender& sender, const Message& message);
    void Reply(const Sender& sender, const std::string& address, const std::vector<Arg>& args);
    void Error(Sender& sender, const std::string& address, const std::string& kind,
               const std::string& detail);

    void UpdateMeters();
    void RearmExpiry();
    void OnExpiry() noexcept;

    Event::EventLoop& loop_;
    Send send_;
    Log log_;
    Options options_;
    ::Bridge::DaemonLink link_;
    std::vector<Device> devices_;
    /* The first subscription's snapshot has arrived: until then "no device" would be
     * wrong, the devices are not known yet. */
    bool loaded_ = false;
    std::map<std::string, Sender> senders_;
    Peers peers_;
    Peers meter_peers_;
    Event::Timer expiry_;
    std::optional<Clock::time_point> expiry_at_;
};

}  // namespace Osc
