// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Runs a whole Instance in-process on a thread of its own, with FakeDevices instead
 * of ALSA, serving real Unix sockets in a temporary directory. Clients are
 * scarlettctl's Cli::Client, so both ends speak the real wire protocol.
 */

#include <sys/eventfd.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "cli/Client.hpp"
#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "tests/support/TestData.hpp"

namespace TestData {

class Daemon {
  public:
    /** @p configure adjusts the options last (socket activation, --system, root). */
    explicit Daemon(std::vector<std::pair<std::string, std::shared_ptr<FakeDevice>>> devices,
                    Ipc::Limits limits = {}, std::function<void(Options&)> configure = {}) {
        char tmpl[] = "/tmp/scarlettd-test-XXXXXX";
        dir_ = mkdtemp(tmpl);
        Options options;
        options.socket_dir = dir_ + "/sock";
        options.limits = limits;
        /* An empty root: no alsa-restore warnings from the machine running the tests. */
        options.root = dir_ + "/root";
        options.watch_dev_snd = false;
        options.presets_dir = dir_ + "/presets";
        int card = 0;
        for (auto& [id, device] : devices)
            cards_.devices.push_back({ScarlettIdentity(id, "P9ABCDEF", ++card), device, {}});
        cards_.Configure(options);
        Log::SetMaxLevel(Log::Level::Warning);
        if (configure) configure(options);
        instance_ = std::make_unique<Instance>(std::move(options));
        control_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        control_ =
            std::make_unique<Event::FdWatch>(instance_->GetLoop(), [this](uint32_t) noexcept {
                eventfd_t n;
                eventfd_read(control_fd_, &n);
                if (stopping_) instance_->GetLoop().Break();
                instance_->RescanNow();
            });
        REQUIRE(control_->Open(control_fd_, EPOLLIN));
        instance_->Start();
        thread_ = std::thread([this] { instance_->GetLoop().Run(); });
    }

    ~Daemon() {
        stopping_ = true;
        eventfd_write(control_fd_, 1);
        thread_.join();
        control_.reset();
        instance_.reset();
        ::close(control_fd_);
        std::filesystem::remove_all(dir_);
    }

    /** Makes the loop re-scan, as inotify would after a plug. */
    void Hotplug() { eventfd_write(control_fd_, 1); }

    Cli::Client Connect(const char* socket = "control.sock") {
        return Cli::Client::Connect(dir_ + "/sock/" + socket);
    }
    const std::string& GetDir() const { return dir_; }
    /** epoll_wait calls of the daemon's loop so far. */
    uint64_t GetWakeups() const { return instance_->GetLoop().GetWakeups(); }

  private:
    InMemoryCards cards_;
    std::string dir_;
    std::unique_ptr<Instance> instance_;
    int control_fd_ = -1;
    std::unique_ptr<Event::FdWatch> control_;
    std::atomic<bool> stopping_ = false;
    std::thread thread_;
};

/** The id the tests give the Scarlett 18i20 Gen 3 of SmallControlSet(). */
inline const std::string SMALL_ID = "usb-1235-8215-P9ABCDEF";

/** A FakeDevice with SmallControlSet(), for Daemon's device list. */
inline std::shared_ptr<FakeDevice> SmallDevice() {
    return std::make_shared<FakeDevice>(SmallControlSet());
}

/** A state and presets directory that outlives the daemons of one test case. */
struct StateDir {
    std::string path;
    StateDir() {
        char tmpl[] = "/tmp/scarlettd-state-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~StateDir() { std::filesystem::remove_all(path); }
    StateDir(const StateDir&) = delete;
    StateDir& operator=(const StateDir&) = delete;
    std::function<void(Options&)> Use() const {
        return [p = path](Options& options) {
            options.state_dir = p + "/state";
            options.presets_dir = p + "/presets";
        };
    }
};

/** The result of a response, which must be one. */
inline nlohmann::json Result(const nlohmann::json& response) {
    INFO(response.dump());
    REQUIRE(response.contains("result"));
    return response["result"];
}

/** The data.code of an error response, which must be one. */
inline std::string ErrorCode(const nlohmann::json& response) {
    INFO(response.dump());
    REQUIRE(response.contains("error"));
    return response["error"]["data"]["code"];
}

/** Collects notifications until none arrives for @p quiet_ms. */
inline std::vector<nlohmann::json> Drain(Cli::Client& c, int quiet_ms = 150) {
    std::vector<nlohmann::json> out;
    while (auto n = c.NextNotification(quiet_ms)) out.push_back(*n);
    return out;
}

/** A whole file ("" when it cannot be read), and a file written whole. */
inline std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}
inline void Spit(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace TestData
