// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/device/Controls.hpp"
#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

/*
 * What the hardware holds where the driver's cache can hide it. The 1st Gen driver
 * (mixer_scarlett) answers reads from the value it last wrote or read, and its put()
 * sends a channel to the device only when the new value differs from that cache. A 1st
 * Gen stores nothing: once it lost its settings while the driver kept its cache
 * (power-cycle), a write of the cached value never reaches it. Controls' state is the
 * driver's cache, what clients read; this keeps the device's side, in the simulator
 * process only. snd-usb-audio's own units on those cards (extension units, clock
 * selector) read the device on every get instead, so clients see what it holds.
 * Other drivers: the hardware holds what clients read.
 */
class DriverCache {
  public:
    DriverCache(Controls& controls, const Layout& layout);

    /** A client's write, checked, before Controls::Store(): what reaches the device. */
    void Write(std::size_t index, std::span<const long long> values);
    /** What a power cycle brings back: the values of @p factory's matching controls. */
    void SetPowerOn(const StateBlock& factory);

    /**
     * The device comes back from a power blip with its power-on values while the driver
     * stays bound: its cache is kept, no event. Throws ActionError on other models.
     */
    void PowerCycle(EventSink& sink);

    /** The values the hardware holds in control @p index, one per channel. */
    std::span<const long long> Hardware(std::size_t index) const;
    /** The controls whose hardware values differ from what the driver shows. */
    std::vector<std::size_t> Differences() const;
    /** "NAME: driver VALUE, hardware VALUE" per difference, then "N differences". */
    std::string Report() const;

  private:
    std::string Text(std::size_t index, std::span<const long long> values) const;

    Controls& controls_;
    const bool active_;                             // the 1st Gen driver caches
    std::vector<std::vector<long long>> hardware_;  // per cached control; empty if none
    std::vector<std::vector<long long>> power_on_;  // per writable number control
};

}  // namespace Sim::DeviceDetail
