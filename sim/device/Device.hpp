// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The virtual device's behaviour, as the kernel driver documents it: client writes
 * (range checks, read-only controls, HW/SW volume switching writability, speaker
 * switching, ...) and hardware actions (monitor knob, dim/mute buttons, input signal,
 * autogain, sync). Pure C++ over a StateBlock, no I/O and no clock of its own: the
 * simulator process owns transport and time and mirrors State() into shared memory.
 */

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/device/DeviceTypes.hpp"

namespace Sim {

class Device {
  public:
    /** @p block: the controls (e.g. GenerateControls()) with their initial values. */
    explicit Device(StateBlock block);
    ~Device();
    Device(Device&&) noexcept;
    Device& operator=(Device&&) noexcept;

    /** The static part: names, types, ranges, items, TLVs, access words as created. */
    const StateBlock& Definition() const noexcept;
    std::size_t Size() const noexcept;
    const ControlState& State(std::size_t index) const;

    /**
     * A client's write, as the driver's put() would take it: 0, or -EPERM (not
     * writable now), -EINVAL (value out of range or wrong count). Appends an event for
     * every control that changed, the written one included; none when nothing did.
     */
    int Write(std::size_t index, std::span<const long long> values,
              std::vector<DeviceEvent>& events);
    int WriteBytes(std::size_t index, std::span<const unsigned char> bytes,
                   std::vector<DeviceEvent>& events);

    /**
     * A hardware action, as words: "knob 40" (percent), "press dim", "press mute",
     * "signal 1 -12" (input 1 at -12 dBFS; "signal 1 off"), "autogain 1",
     * "sync unlocked", ... Throws ActionError for an unknown or unsupported action.
     */
    void Act(std::span<const std::string> words, SimClock::time_point now,
             std::vector<DeviceEvent>& events);

    /** One line per action this model supports: "knob PERCENT  turn the monitor knob". */
    std::vector<std::string> ActionHelp() const;

    /** When Advance() has work to do (autogain finishing), nullopt when idle. */
    std::optional<SimClock::time_point> NextDeadline() const;
    /** Runs what is due at @p now. */
    void Advance(SimClock::time_point now, std::vector<DeviceEvent>& events);

    /**
     * The signal level at each channel of the volatile level meter, in dBFS (-inf for
     * silence), following inputs' signals through the routing. The plugin turns it
     * into meter readings with some movement, without a round trip per read.
     */
    std::vector<float> MeterLevels() const;
    /** Index of the "Level Meter" control, if the model has one. */
    std::optional<std::size_t> MeterIndex() const;

    /** Index of the control named @p name (any iface), if there is one. */
    std::optional<std::size_t> Find(std::string_view name) const;

    /**
     * What the hardware holds in control @p index, one value per channel. State() is
     * what the driver shows: on a 1st Gen, whose driver answers from its cache and skips
     * a write equal to it, the two differ after PowerCycle() until a write of another
     * value reaches the device. On every other model they are equal.
     */
    std::span<const long long> HardwareValues(std::size_t index) const;
    /** The controls whose HardwareValues() differ from State(), in order. */
    std::vector<std::size_t> HardwareDifferences() const;
    /** "NAME: driver VALUE, hardware VALUE" per difference, then "N differences". */
    std::string HardwareReport() const;
    /**
     * A 1st Gen loses its settings (a power blip) while its driver stays bound: the
     * hardware comes up with its power-on values, the driver keeps showing its cache
     * and sends no event. Only what the driver reads from the device on every get
     * (snd-usb-audio's extension units and clock selector) changes, as EVENT_NONE
     * entries of @p events. Throws ActionError on a model that stores its settings.
     */
    void PowerCycle(std::vector<DeviceEvent>& events);
    /**
     * What a 1st Gen comes back with from PowerCycle(): @p factory's values of the
     * controls it has too (by default, the values the device was made with).
     */
    void SetPowerOnValues(const StateBlock& factory);

  private:
    /* The behaviours, which refer to each other: kept in one place that a move keeps. */
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace Sim
