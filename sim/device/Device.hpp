// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The virtual device's behaviour, as the kernel driver documents it: client writes
 * (range checks, read-only controls, HW/SW volume switching writability, speaker
 * switching, ...) and hardware actions (monitor knob, dim/mute buttons, input signal,
 * autogain, sync). Pure C++ over a StateBlock, no I/O and no clock of its own: the
 * simulator process owns transport and time and mirrors State() into shared memory.
 */

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/StateFile.hpp"

namespace Sim {

/* The kernel's SND_CTL_EVENT_MASK_VALUE / _INFO bits. */
inline constexpr unsigned kEventValue = 1;
inline constexpr unsigned kEventInfo = 2;

struct DeviceEvent {
    std::size_t index;  // into Definition().controls
    unsigned mask;      // kEventValue | kEventInfo

    bool operator==(const DeviceEvent&) const = default;
};

/** The live part of a control. */
struct ControlState {
    /* BOOLEAN (0/1), INTEGER, ENUMERATED (item index): one per channel. */
    std::vector<long long> values;
    /* BYTES (and IEC958) controls. */
    std::vector<unsigned char> bytes;
    bool readable = true;
    bool writable = true;
};

/** A hardware action the device cannot do; what() is a message for the user. */
class ActionError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using SimClock = std::chrono::steady_clock;

class Device {
public:
    /** @p block: the controls (e.g. GenerateControls()) with their initial values. */
    explicit Device(StateBlock block);

    /** The static part: names, types, ranges, items, TLVs, access words as created. */
    const StateBlock& Definition() const noexcept { return block_; }
    std::size_t Size() const noexcept { return block_.controls.size(); }
    const ControlState& State(std::size_t index) const { return state_.at(index); }

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

private:
    StateBlock block_;
    std::vector<ControlState> state_;
};

}  // namespace Sim
