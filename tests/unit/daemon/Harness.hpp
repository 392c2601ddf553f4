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
#include <functional>
#include <thread>

#include "FakeCard.hpp"
#include "cli/Client.hpp"
#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"

namespace TestData {

inline Alsa::Control MakeControl(unsigned numid, const std::string& name, Alsa::ElemType type,
                                 unsigned count, std::vector<int64_t> value) {
    Alsa::Control c;
    c.info.id = {numid, Alsa::Iface::Mixer, name, 0, 0, 0};
    c.info.type = type;
    c.info.count = count;
    c.info.access.read = c.info.access.write = true;
    if (type == Alsa::ElemType::Integer) {
        c.info.min = 0;
        c.info.max = 172;
        c.info.step = 1;
    }
    if (type == Alsa::ElemType::Enumerated) c.info.items = {"Off", "Analogue 1", "Analogue 2"};
    c.value.numbers = std::move(value);
    return c;
}

/** A small Scarlett-like control set: integer with dB TLV, boolean, enum, stereo, read-only. */
inline std::vector<Alsa::Control> SmallControlSet() {
    using T = Alsa::ElemType;
    auto volume = MakeControl(1, "Mix A Input 01 Playback Volume", T::Integer, 1, {160});
    /* DB_MINMAX -80 dB .. +6 dB (1/100 dB units) */
    volume.info.db_tlv = {4, 8, static_cast<uint32_t>(-8000), 600};
    volume.info.access.tlv_read = true;
    auto air = MakeControl(2, "Line In 1 Air Capture Switch", T::Boolean, 1, {0});
    auto mux = MakeControl(3, "PCM 01 Capture Enum", T::Enumerated, 1, {1});
    auto stereo = MakeControl(4, "Line 01 Playback Volume", T::Integer, 2, {10, 20});
    auto sync = MakeControl(5, "Sync Status", T::Enumerated, 1, {0});
    sync.info.items = {"Unlocked", "Locked"};
    sync.info.access.write = false;
    auto firmware = MakeControl(6, "Firmware Version", T::Integer, 1, {1644});
    firmware.info.id.iface = Alsa::Iface::Card;
    firmware.info.access.write = false;
    return {volume, air, mux, stereo, sync, firmware};
}

/** The volatile, read-only PCM "Level Meter" of scarlett2 devices: 0..4095 per channel. */
inline Alsa::Control LevelMeter(unsigned numid, unsigned channels) {
    auto meter = MakeControl(numid, "Level Meter", Alsa::ElemType::Integer, channels,
                             std::vector<int64_t>(channels, 0));
    meter.info.id.iface = Alsa::Iface::Pcm;
    meter.info.max = 4095;
    meter.info.access.write = false;
    meter.info.access.is_volatile = true;
    return meter;
}

class Daemon {
  public:
    /** @p configure adjusts the options last (socket activation, --system, root). */
    explicit Daemon(std::vector<std::pair<std::string, std::shared_ptr<FakeDevice>>> devices,
                    Ipc::Limits limits = {}, std::function<void(Options&)> configure = {})
        : devices_(std::move(devices)) {
        char tmpl[] = "/tmp/scarlettd-test-XXXXXX";
        dir_ = mkdtemp(tmpl);
        Options options;
        options.socket_dir = dir_ + "/sock";
        options.limits = limits;
        /* An empty root: no alsa-restore warnings from the machine running the tests. */
        options.root = dir_ + "/root";
        options.watch_dev_snd = false;
        options.discover = [this] {
            std::vector<Alsa::CardIdentity> out;
            int index = 0;
            for (auto& [id, device] : devices_) {
                ++index;
                if (!device->IsPresent()) continue;
                Alsa::CardIdentity identity;
                identity.id = id;
                identity.card = index;
                identity.ctl = id;
                identity.card_id = "USB";
                identity.name = "Scarlett 18i20 USB";
                identity.longname = "Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-2";
                identity.model = "Scarlett 18i20 3rd Gen";
                identity.family = Alsa::Family::Scarlett2;
                identity.usb = Alsa::UsbIdentity{"1235", "8215", "P9ABCDEF", "1-2"};
                out.push_back(identity);
            }
            return out;
        };
        options.open_card = [this](const std::string& ctl, Alsa::CardListener& listener) {
            for (auto& [id, device] : devices_)
                if (id == ctl) return std::unique_ptr<Alsa::Card>(new FakeCard(device, listener));
            throw Alsa::Error(-ENOENT, "no fake card " + ctl);
        };
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
    std::vector<std::pair<std::string, std::shared_ptr<FakeDevice>>> devices_;
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

}  // namespace TestData
