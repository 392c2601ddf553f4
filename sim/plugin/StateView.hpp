// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The simulator's state memfd as a plugin client sees it: mapped read-only and read
 * under its seqlock (layout in sim/server/Protocol.hpp), so reads cost no round trip.
 */

#include <sched.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/server/Protocol.hpp"

namespace Sim::Plugin {

class StateView {
  public:
    StateView() = default;
    ~StateView();
    StateView(const StateView&) = delete;
    StateView& operator=(const StateView&) = delete;

    /** Maps @p fd: 0, -errno, or -EPROTO when it does not hold @p control_count controls. */
    int Map(int fd, std::size_t size, std::size_t control_count);

    bool IsUnplugged() const { return Header().unplugged.load(std::memory_order_acquire) != 0; }

    /** The Wire::SLOT_* flags of control @p key; false when the device is gone. */
    bool Flags(std::size_t key, std::uint32_t& flags) const;

    /** Control @p key's values (64-bit words when @p wide): 0, -EPERM or -ENODEV. */
    template <class T>
    int ReadValues(std::size_t key, bool wide, T* out) const {
        const auto& slot = Slot(key);
        const Word* words = Words() + slot.first_word;
        std::uint32_t flags = 0;
        const bool ok = Snapshot([&] {
            flags = slot.flags.load(std::memory_order_relaxed);
            for (std::uint32_t v = 0; v < slot.count; ++v) {
                if (wide) {
                    const std::uint64_t low = words[2 * v].load(std::memory_order_relaxed);
                    const std::uint64_t high = words[2 * v + 1].load(std::memory_order_relaxed);
                    out[v] = static_cast<T>(static_cast<std::int64_t>(low | high << 32));
                } else {
                    out[v] = static_cast<T>(
                        static_cast<std::int32_t>(words[v].load(std::memory_order_relaxed)));
                }
            }
        });
        if (!ok) return -ENODEV;
        return (flags & Wire::SLOT_READABLE) != 0 ? 0 : -EPERM;
    }

    /** Control @p key's bytes, at most @p max: 0, -EPERM or -ENODEV. */
    int ReadBytes(std::size_t key, unsigned char* data, std::size_t max) const;

    /**
     * The level meter @p control as the driver's raw 0..max readings, one a channel,
     * computed from the levels the simulator shares plus a little time-based movement,
     * so meters look alive and the server needs no timer. False when the device is gone.
     */
    bool ReadMeter(const StateControl& control, std::vector<double>& readings) const;

  private:
    using Word = std::atomic<std::uint32_t>;

    const Wire::StateHeader& Header() const {
        return *static_cast<const Wire::StateHeader*>(state_);
    }
    const Wire::ControlSlot& Slot(std::size_t key) const {
        return reinterpret_cast<const Wire::ControlSlot*>(static_cast<const char*>(state_) +
                                                          Header().slots_offset)[key];
    }
    const Word* Words() const {
        return reinterpret_cast<const Word*>(static_cast<const char*>(state_) +
                                             Header().words_offset);
    }
    const Word* Meters() const {
        return reinterpret_cast<const Word*>(static_cast<const char*>(state_) +
                                             Header().meters_offset);
    }

    /* Runs @p copy until it saw no write in progress; false when the device is gone. */
    template <class F>
    bool Snapshot(F copy) const {
        const auto& sequence = Header().sequence;
        for (;;) {
            if (IsUnplugged()) return false;
            const auto before = sequence.load(std::memory_order_acquire);
            if ((before & 1) != 0) {
                sched_yield();
                continue;
            }
            copy();
            std::atomic_thread_fence(std::memory_order_acquire);
            if (sequence.load(std::memory_order_relaxed) == before) return true;
        }
    }

    const void* state_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace Sim::Plugin
