// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * An in-memory card for in-process daemon tests. Like the kernel it queues one
 * event per changed control (merging masks), signals readiness through an fd, and
 * reports unplug through HandleEvents() returning false. The test thread changes
 * it "from outside" while the daemon's loop thread handles its events.
 */

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "alsa/Card.hpp"

namespace TestData {

/**
 * Marks the fake device's own work on the daemon's thread (copying its state, as the
 * kernel does for a real card), for tests that count what the daemon does there
 * (tests/unit/alloc). Nested scopes count.
 */
inline thread_local int device_work_depth = 0;
struct DeviceWork {
    DeviceWork() noexcept { ++device_work_depth; }
    ~DeviceWork() { --device_work_depth; }
    DeviceWork(const DeviceWork&) = delete;
    DeviceWork& operator=(const DeviceWork&) = delete;
};

class FakeDevice {
  public:
    explicit FakeDevice(std::vector<Alsa::Control> controls) {
        for (auto& c : controls) controls_.emplace(c.info.id.numid, std::move(c));
    }

    /** A change made elsewhere (front panel, amixer): stored and announced. */
    void ExternalSet(unsigned numid, Alsa::Value value) {
        std::lock_guard lock(mutex_);
        Alsa::Control& c = controls_.at(numid);
        if (c.value == value) return; /* the kernel only notifies real changes */
        c.value = std::move(value);
        Queue(numid, VALUE);
    }
    /** A volatile control moves (a meter): stored, never announced. */
    void SetSilently(unsigned numid, Alsa::Value value) {
        std::lock_guard lock(mutex_);
        controls_.at(numid).value = std::move(value);
    }
    void SetWritable(unsigned numid, bool writable) {
        std::lock_guard lock(mutex_);
        controls_.at(numid).info.access.write = writable;
        Queue(numid, INFO);
    }
    /** Takes or drops a lock as another process would: with an INFO event when
     *  @p announce, silently otherwise (the kernel sends none when the holder closes
     *  its file). */
    void SetLocked(unsigned numid, bool locked, bool announce) {
        std::lock_guard lock(mutex_);
        controls_.at(numid).info.access.locked = locked;
        if (announce) Queue(numid, INFO);
    }
    void Unplug() {
        {
            std::lock_guard lock(mutex_);
            present_ = false;
            Wake();
        }
        answer_.notify_all();
    }
    /** Stops answering: every read and write blocks (as a wedged device's transfer
     *  does) until Wedge(false) or an unplug, which fails it with ENODEV. */
    void Wedge(bool wedged) {
        {
            std::lock_guard lock(mutex_);
            wedged_ = wedged;
        }
        answer_.notify_all();
    }
    /** Holds every open of this device until HoldOpens(false) or an unplug, as a
     *  device slow to enumerate does. */
    void HoldOpens(bool hold) {
        {
            std::lock_guard lock(mutex_);
            hold_opens_ = hold;
        }
        answer_.notify_all();
    }
    /** Opens begun and not yet returned; cards open now (made and not destroyed). */
    size_t Opening() {
        std::lock_guard lock(mutex_);
        return opening_;
    }
    size_t OpenCards() {
        std::lock_guard lock(mutex_);
        return open_cards_;
    }
    /** Operations that reached the device, answered or not. */
    size_t Attempts() {
        std::lock_guard lock(mutex_);
        return attempts_;
    }
    void Replug() {
        std::lock_guard lock(mutex_);
        present_ = true;
        pending_.clear();
    }
    bool IsPresent() {
        std::lock_guard lock(mutex_);
        return present_;
    }
    Alsa::Value Get(unsigned numid) {
        std::lock_guard lock(mutex_);
        return controls_.at(numid).value;
    }
    /** Sets a whole TLV (e.g. meter labels) as a driver would. */
    void SetTlv(unsigned numid, std::vector<uint32_t> tlv) {
        std::lock_guard lock(mutex_);
        tlvs_[numid] = std::move(tlv);
    }
    /** Reads of each control by the daemon (meters are polled: count them). */
    size_t Reads(unsigned numid) {
        std::lock_guard lock(mutex_);
        return reads[numid];
    }
    /** Writing @p numid (a switch) makes @p target writable when the value is non-zero,
     *  read-only otherwise, with an INFO event: as a driver's enable switch does. */
    void Enables(unsigned numid, unsigned target) {
        std::lock_guard lock(mutex_);
        enables_[numid] = target;
    }
    /** Makes writes of @p numid fail with @p err (a kernel refusing), 0 to stop. */
    void FailWrites(unsigned numid, int err) {
        std::lock_guard lock(mutex_);
        failing_[numid] = err;
    }
    int writes = 0;

  private:
    friend class FakeCard;
    static constexpr unsigned VALUE = 1, INFO = 2;

    void Queue(unsigned numid, unsigned mask) {
        pending_[numid] |= mask;
        Wake();
    }
    void Wake() {
        if (event_fd_ >= 0) eventfd_write(event_fd_, 1);
    }
    /** Called with mutex_ held, by every operation of the daemon's. */
    void Answer(std::unique_lock<std::mutex>& lock) {
        ++attempts_;
        answer_.wait(lock, [this] { return !wedged_ || !present_; });
        if (!present_) throw Alsa::Error(-ENODEV, "fake card unplugged");
    }

    std::mutex mutex_;
    std::condition_variable answer_;
    bool wedged_ = false;
    bool hold_opens_ = false;
    size_t opening_ = 0;
    size_t open_cards_ = 0;
    size_t attempts_ = 0;
    std::map<unsigned, Alsa::Control> controls_;
    std::map<unsigned, unsigned> pending_;  // numid → merged mask, as the kernel does
    std::map<unsigned, std::vector<uint32_t>> tlvs_;
    std::map<unsigned, int> failing_;
    std::map<unsigned, unsigned> enables_;
    std::map<unsigned, size_t> reads;
    bool present_ = true;
    int event_fd_ = -1;
};

class FakeCard final : public Alsa::Card {
  public:
    FakeCard(std::shared_ptr<FakeDevice> device, Alsa::CardListener& listener)
        : device_(std::move(device)), listener_(listener) {
        fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        /* As opening a control node would: EMFILE when file descriptors run out. */
        if (fd_ < 0) throw Alsa::Error(-errno, "eventfd");
        std::unique_lock lock(device_->mutex_);
        ++device_->opening_;
        device_->answer_.wait(lock, [this] { return !device_->hold_opens_ || !device_->present_; });
        --device_->opening_;
        if (!device_->present_) {
            ::close(fd_);
            throw Alsa::Error(-ENODEV, "fake card absent");
        }
        device_->event_fd_ = fd_;
        ++device_->open_cards_;
    }
    ~FakeCard() override {
        std::lock_guard lock(device_->mutex_);
        --device_->open_cards_;
        if (device_->event_fd_ == fd_) device_->event_fd_ = -1;
        ::close(fd_);
    }

    std::vector<Alsa::Control> GetControls() const override {
        std::lock_guard lock(device_->mutex_);
        std::vector<Alsa::Control> out;
        for (const auto& [n, c] : device_->controls_) out.push_back(c);
        return out;
    }
    std::vector<pollfd> GetPollFds() const override { return {pollfd{fd_, POLLIN, 0}}; }

    bool HandleEvents(std::span<pollfd>) override {
        eventfd_t n;
        eventfd_read(fd_, &n);
        std::map<unsigned, unsigned> events;
        std::map<unsigned, Alsa::Control> controls;
        {
            /* What the kernel does for the real card: not the daemon's to count. */
            const DeviceWork device_work;
            std::lock_guard lock(device_->mutex_);
            if (!device_->present_) return false;
            events.swap(device_->pending_);
            controls = device_->controls_;
        }
        for (const auto& [numid, mask] : events) {
            const auto& c = controls.at(numid);
            if (mask & FakeDevice::INFO)
                listener_.OnControlInfo(c.info, c.value);
            else
                listener_.OnControlValue(c.info, c.value);
        }
        return true;
    }

    Alsa::Value Read(unsigned numid) override {
        std::unique_lock lock(device_->mutex_);
        device_->Answer(lock);
        ++device_->reads[numid];
        auto it = device_->controls_.find(numid);
        if (it == device_->controls_.end()) throw Alsa::Error(-ENOENT, "no such control");
        return it->second.value;
    }
    Alsa::ControlInfo ReadInfo(unsigned numid) override {
        std::unique_lock lock(device_->mutex_);
        device_->Answer(lock);
        return device_->controls_.at(numid).info;
    }
    std::vector<uint32_t> ReadTlv(unsigned numid) override {
        std::unique_lock lock(device_->mutex_);
        device_->Answer(lock);
        auto it = device_->tlvs_.find(numid);
        return it == device_->tlvs_.end() ? std::vector<uint32_t>{} : it->second;
    }
    void Write(unsigned numid, const Alsa::Value& value) override {
        std::unique_lock lock(device_->mutex_);
        device_->Answer(lock);
        Alsa::Control& c = device_->controls_.at(numid);
        if (!c.info.access.write) throw Alsa::Error(-EPERM, "write");
        if (auto f = device_->failing_.find(numid); f != device_->failing_.end() && f->second)
            throw Alsa::Error(-f->second, "write");
        ++device_->writes;
        if (c.value == value) return;
        c.value = value;
        if (auto e = device_->enables_.find(numid); e != device_->enables_.end()) {
            auto& target = device_->controls_.at(e->second).info.access;
            const bool on = !value.numbers.empty() && value.numbers[0] != 0;
            if (target.write != on) {
                target.write = on;
                device_->Queue(e->second, FakeDevice::INFO);
            }
        }
        /* The kernel echoes a write to every subscribed file, the writer's too. */
        device_->Queue(numid, FakeDevice::VALUE);
    }

  private:
    std::shared_ptr<FakeDevice> device_;
    Alsa::CardListener& listener_;
    int fd_ = -1;
};

}  // namespace TestData
