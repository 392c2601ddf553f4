// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "event/UniqueFd.hpp"
#include "sim/device/Device.hpp"
#include "sim/server/Protocol.hpp"

namespace Sim {

/**
 * The server's side of one state memfd (layout in Protocol.hpp): created from a
 * Device, then kept up to date control by control under the seqlock. Owns the memfd
 * and its read-write mapping; plugin clients map the same fd read-only.
 * Simulator loop thread only (the only writer).
 */
class SharedState {
  public:
    /** Throws std::system_error. */
    explicit SharedState(const Device& device);
    ~SharedState();
    SharedState(const SharedState&) = delete;
    SharedState& operator=(const SharedState&) = delete;

    int GetFd() const noexcept { return fd_.Get(); }
    std::uint32_t GetSize() const noexcept { return size_; }

    /** Copies the live state of these controls (and every meter level) in. */
    void Update(const Device& device, std::span<const DeviceEvent> changed) noexcept;
    /** Copies every control and meter (after a hardware action, say). */
    void UpdateAll(const Device& device) noexcept;
    /** Tells the clients that mapped this memfd that their device is gone, for good. */
    void MarkUnplugged() noexcept;

  private:
    void BeginWrite() noexcept;
    void EndWrite() noexcept;
    void StoreControl(const Device& device, std::size_t index) noexcept;
    void StoreMeters(const Device& device) noexcept;

    Wire::StateHeader& Header() noexcept { return *static_cast<Wire::StateHeader*>(map_); }
    Wire::ControlSlot* Slots() noexcept;
    std::atomic<std::uint32_t>* Words() noexcept;
    std::atomic<std::uint32_t>* Meters() noexcept;

    Event::UniqueFd fd_;
    void* map_ = nullptr;
    std::uint32_t size_ = 0;
};

}  // namespace Sim
