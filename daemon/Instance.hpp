// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <poll.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "alsa/Card.hpp"
#include "alsa/RestoreCheck.hpp"
#include "daemon/core/StateCache.hpp"
#include "daemon/core/Subscription.hpp"
#include "event/Deferred.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"
#include "event/UniqueFd.hpp"
#include "ipc/Server.hpp"

/** A virtual device (--simulate): served while its simulator's socket exists. */
struct SimulatedCard {
    Alsa::CardIdentity identity;  // ctl "scarlett_sim:NAME", id "sim-NAME"
    std::string socket_path;      // the simulator listens here while "plugged in"
};

/** A listening socket handed over by the service manager (socket activation). */
struct ListenSocket {
    int fd;
    std::string name;  // FileDescriptorName=: "control", "events", or anything else
};

struct Options {
    std::vector<std::string> cards;  // --card NAME, repeatable
    std::vector<SimulatedCard> simulated;
    /* Where simulators' sockets appear and vanish (watched like /dev/snd). */
    std::optional<std::string> simulator_dir;
    bool all_cards = false;
    std::optional<std::string> socket_dir;
    Ipc::Limits limits;
    /* Adopted instead of binding; a kind missing here is bound as without them. */
    std::vector<ListenSocket> listen_fds;
    /* --system: sockets 0660 in /run/scarlettd, group members may connect. */
    bool system = false;
    std::optional<std::string> socket_group;  // --socket-group; "audio" under --system
    /* Where /etc, /lib and /var are looked up for the alsa-restore check (tests). */
    std::filesystem::path root = "/";

    /* Seams for in-process tests; empty means the real ALSA discovery and backend. */
    std::function<std::vector<Alsa::CardIdentity>()> discover;
    std::function<std::unique_ptr<Alsa::Card>(const std::string& ctl, Alsa::CardListener&)>
        open_card;
    bool watch_dev_snd = true;
};

class Instance;

/**
 * One open card glued to the loop: its poll descriptors sit in the daemon's epoll
 * set, and its events go to the state cache. Owned by Instance. Loop thread only.
 */
class OpenCard final : public Alsa::CardListener {
  public:
    OpenCard(Instance& instance, Alsa::CardIdentity identity);
    /** Opens the ctl and registers its fds. Throws Alsa::Error / std::system_error. */
    void Open();

    const Alsa::CardIdentity& GetIdentity() const noexcept { return identity_; }
    /** Leaves the epoll set; the card is closed when this object is destroyed. */
    void StopWatching() noexcept {
        for (auto& w : watches_) w->Cancel();
    }
    Alsa::Card& GetCard() noexcept { return *card_; }

    void OnControlValue(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept override;
    void OnControlInfo(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept override;
    void OnControlAdded(const Alsa::ControlInfo& info, const Alsa::Value& value) noexcept override;
    void OnControlRemoved(const Alsa::ControlId& id) noexcept override;

  private:
    void OnReady(size_t index, uint32_t events) noexcept;
    void RunChecks() noexcept;

    Instance& instance_;
    Alsa::CardIdentity identity_;
    std::unique_ptr<Alsa::Card> card_;
    std::vector<pollfd> fds_;
    std::vector<std::unique_ptr<Event::FdWatch>> watches_;
    /* Scheduled after the flush that HandleEvents() scheduled: runs after it. */
    Event::Deferred checks_;
    bool ready_ = false;
};

struct MeterSubscription {
    uint64_t id;
    std::string device;
    unsigned rate_hz;
};

/** Per-connection state the daemon keeps in Ipc::Connection::user. */
struct ClientState {
    std::vector<std::unique_ptr<Core::Subscription>> subscriptions;
    std::vector<MeterSubscription> meters;
    uint64_t next_subscription = 1;
    /* Set in OnDisconnect: the connection no longer counts for meter polling. */
    bool closing = false;

    size_t SubscriptionCount() const noexcept { return subscriptions.size() + meters.size(); }

    /** The state the daemon attached in OnConnect; null before that. */
    static ClientState* Of(Ipc::Connection& connection) noexcept {
        auto* state = std::any_cast<std::shared_ptr<ClientState>>(&connection.user);
        return state ? state->get() : nullptr;
    }
};

/**
 * The composition root: owns the loop, the state cache, the socket server, the open
 * cards and hotplug detection, and answers protocol-v1 requests. Loop thread only.
 */
class Instance final : public Ipc::Handler {
  public:
    /** Throws std::runtime_error / std::system_error when it cannot start. */
    explicit Instance(Options options);
    ~Instance() override;

    /** Starts hotplug detection, scans for cards and tells systemd it is ready. */
    void Start();
    /** Start(), then runs until SIGTERM/SIGINT. */
    void Run();
    /** Re-scans for cards now (tests; hotplug does this by itself). */
    void RescanNow() noexcept { Rescan(); }
    /** The service manager's one-line status: "N devices online, M clients". */
    static std::string StatusText(size_t devices_online, size_t clients);

    /* Called by OpenCard. */
    Event::EventLoop& GetLoop() noexcept { return loop_; }
    const Options& GetOptions() const noexcept { return options_; }
    Core::StateCache& GetCache() noexcept { return cache_; }
    void CloseCard(const std::string& id, const char* reason) noexcept;

    /* Ipc::Handler */
    void OnConnect(Ipc::Connection& connection) noexcept override;
    void OnDisconnect(Ipc::Connection& connection) noexcept override;
    nlohmann::json Call(Ipc::Connection& connection, const std::string& method,
                        const nlohmann::json& params) override;
    void OnDrained(Ipc::Connection& connection) noexcept override;

    /* The methods of protocol-v1 §4, dispatched through the table in Methods.cpp.
     * params is an object holding only the method's declared members. */
    using Json = nlohmann::json;
    Json DaemonInfo(Ipc::Connection&, const Json& params);
    Json Discover(Ipc::Connection&, const Json& params);
    Json DevicesList(Ipc::Connection&, const Json& params);
    Json ControlsList(Ipc::Connection&, const Json& params);
    Json ControlsGet(Ipc::Connection&, const Json& params);
    Json ControlsSet(Ipc::Connection&, const Json& params);
    Json Subscribe(Ipc::Connection&, const Json& params);
    Json Unsubscribe(Ipc::Connection&, const Json& params);
    Json MetersSubscribe(Ipc::Connection&, const Json& params);

  private:
    /* Listen.cpp: sockets (adopted or bound) and who may connect */
    void SetUpSockets();
    void SetUpPeerPolicy(const std::string& control_path);

    /* Service.cpp: what the service manager and the journal see */
    void StartWatchdog();
    void ScheduleStatus() noexcept { status_.Schedule(); }
    void SendStatus() noexcept;
    size_t OnlineDevices() const noexcept;
    void CheckAlsaRestore(const Alsa::CardIdentity& identity) noexcept;
    Json Warnings() const;

    /* Hotplug.cpp */
    void StartHotplug();
    void OnInotify() noexcept;
    void WatchDevSnd() noexcept;
    void Rescan() noexcept;

    /* Notify.cpp: subscriptions and coalesced notifications */
    void OnCacheChange(const Core::Change& change);
    /** Marks @p sub with the changes of this round it has not seen. */
    void CatchUp(Core::Subscription& sub);
    /** A subscription seeded with the devices' online state, past every logged change. */
    std::unique_ptr<Core::Subscription> NewSubscription(
        uint64_t id, std::optional<std::set<std::string>> devices, std::vector<std::string> globs,
        unsigned topics);
    uint64_t LogPosition() const noexcept { return round_start_ + round_.size(); }
    void Flush() noexcept;
    void FlushConnection(Ipc::Connection& connection);
    void EncodeSubscription(Ipc::Connection& connection, Core::Subscription& sub, bool with_id);
    /** The encoded `controls` array of a controls.changed for @p pending ("" if none). */
    const std::string& EncodeChanged(const std::string& device_id, const Core::Device& device,
                                     const Core::PendingDevice& pending);
    Json Snapshot(const Core::Subscription& filter) const;

    /* Dispatch.cpp */
    const Core::Device& ResolveDevice(const Json& params) const;
    OpenCard& OnlineCard(const Core::Device& device);
    /** Throws limit.exceeded when @p state holds max_subscriptions (meters included). */
    void CheckSubscriptionLimit(const ClientState& state) const;
    /** Re-reads what the kernel changes without an event: a volatile value, a lock. */
    void Refresh(const Core::Device& device, const Alsa::Control& control);

    /* Meters.cpp: the Level Meter is polled only while someone subscribes to it */
    struct MeterPoll {
        std::unique_ptr<Event::Timer> timer;
        unsigned numid = 0;
        unsigned rate_hz = 0;
    };
    void UpdateMeterPoll(const std::string& device_id);
    void OnMeterTick(const std::string& device_id) noexcept;

    Options options_;
    std::chrono::steady_clock::time_point started_;
    Event::EventLoop loop_;
    /* Before server_: its destructor still reports disconnections, which schedule it. */
    Event::Deferred status_;
    std::string last_status_;
    Core::StateCache cache_;
    /* Before server_: its destructor reports every disconnection, which re-plans meter
     * polling (both maps); members are destroyed in reverse order. */
    std::map<std::string, std::unique_ptr<OpenCard>> cards_;  // by device id
    std::map<std::string, MeterPoll> meters_;                 // by device id
    Ipc::Server server_;
    /* Cards closed from inside their own callback, destroyed right after it. */
    std::vector<std::unique_ptr<OpenCard>> closed_cards_;
    Event::Deferred reap_;

    Event::Deferred flush_;
    /* This round's changes, marked into each subscription at the flush (or when its
     * connection drains) rather than as they come: a change costs O(1), not
     * O(subscriptions), and repeats of a value change cost nothing (bench/: marking
     * 1000 subscriptions per change dominated fan-out). Devices are never forgotten by
     * the cache, so the pointers stay valid; control ids are copies (a control may be
     * removed in the same round). */
    struct LoggedChange {
        Core::Change::Kind kind;
        const Core::Device* device;
        std::optional<Alsa::ControlId> control;
    };
    std::vector<LoggedChange> round_;
    uint64_t round_start_ = 0;  // changes logged before this round
    /* Value/info changes in round_ since its last structural or device change. */
    std::set<std::tuple<const Core::Device*, unsigned, Core::Change::Kind>> round_seen_;
    /* Encoded controls.changed arrays by device and pending set, shared by the
     * connections of one Flush() or OnDrained(); empty between them. */
    std::map<std::string, std::string> encoded_;
    Event::Deferred rescan_;
    /* Retries a card whose node is not accessible yet (udev applies permissions after
     * the node appears); backs off and stops, so an idle daemon has no wakeups. */
    Event::Timer retry_;
    std::chrono::milliseconds retry_delay_{0};
    std::set<std::string> reported_inaccessible_;

    Event::UniqueFd inotify_;
    Event::FdWatch inotify_watch_;
    int snd_wd_ = -1;
    int dev_wd_ = -1;
    int sim_wd_ = -1;

    Event::UniqueFd signal_fd_;
    Event::FdWatch signal_watch_;

    /* Under WatchdogSec= only: the one timer that runs while idle (half the interval). */
    Event::Timer watchdog_;
    std::chrono::microseconds watchdog_period_{0};
    /* alsa-utils will overwrite these devices' own settings on plug (by device id). */
    std::map<std::string, Alsa::RestoreConflict> restore_conflicts_;
};
