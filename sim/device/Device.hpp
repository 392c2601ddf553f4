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
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/StateFile.hpp"

namespace Sim {

/* The kernel's SND_CTL_EVENT_MASK_VALUE / _INFO bits. */
inline constexpr unsigned EVENT_VALUE = 1;
inline constexpr unsigned EVENT_INFO = 2;

struct DeviceEvent {
    std::size_t index;  // into Definition().controls
    unsigned mask;      // EVENT_VALUE | EVENT_INFO

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

    /** Index of the control named @p name (any iface), if there is one. */
    std::optional<std::size_t> Find(std::string_view name) const;

    /** How long autogain runs before the gain settles. */
    static constexpr std::chrono::seconds AUTOGAIN_TIME{3};

  private:
    /* A line output of the scarlett2 driver ("Line 01 (Monitor L) Playback Volume", ...). */
    struct Line {
        std::optional<std::size_t> volume, mute, hw_switch;
    };
    /* The per-input controls ("Line In N ..."), whichever the model has. */
    struct Input {
        std::optional<std::size_t> level, pad, air, mute, gain, autogain, status, safe, link, dsp;
        std::optional<std::size_t> phantom;  // may be shared by a group ("Line In 1-4 ...")
    };
    struct Autogain {
        unsigned input = 0;
        /* nullopt: started by a client write, which carries no time; Advance() stamps it. */
        std::optional<SimClock::time_point> deadline;
    };
    /* A signal source as the routing enums name it: ("analogue", 1), ("mix", 'A'), ... */
    using Source = std::pair<std::string, unsigned>;

    class Sink;

    void Scan();
    void ApplyAccessRules();
    bool Is(std::optional<std::size_t> slot, std::size_t index) const {
        return slot && *slot == index;
    }
    long long Value(std::size_t index) const { return state_[index].values.at(0); }
    std::optional<long long> ItemIndex(std::size_t index, std::string_view label) const;
    bool IsHw(const Line& line) const;
    bool AutogainRunning() const { return !autogain_.empty(); }

    /* Sets a value from the device side (no writability check); true when it changed. */
    bool Set(std::size_t index, long long value, Sink& sink, unsigned mask = EVENT_VALUE);
    void AfterWrite(std::size_t index, long long old_value, Sink& sink);
    void SetHwMode(Line& line, bool hw, Sink& sink);
    void AfterMuteChange(Sink& sink);
    void AfterSpeakerChange(long long old_value, Sink& sink);
    void MonitorOtherRefresh(Sink& sink);
    void AfterPhantomChange(Sink& sink);
    void AfterAutogainWrite(unsigned input, std::size_t index, Sink& sink);
    void StartAutogain(unsigned input, std::optional<SimClock::time_point> deadline, Sink& sink);
    void FinishAutogain(std::size_t running, bool cancelled, Sink& sink);
    void UpdateGating(Sink& sink, bool force_info);
    void InputGroupEvents(std::string_view kind, Sink& sink);

    void ActPress(std::span<const std::string> words, Sink& sink);
    void ActKnob(std::optional<std::size_t> target, std::span<const std::string> words, Sink& sink);
    void ActSignal(std::span<const std::string> words);
    void ActAutogain(std::span<const std::string> words, SimClock::time_point now, Sink& sink);
    void ActGain(std::span<const std::string> words, Sink& sink);
    void ActSync(std::span<const std::string> words, Sink& sink);
    void ActEnum(std::optional<std::size_t> index, std::string_view what,
                 std::span<const std::string> words, Sink& sink);
    unsigned ParseInput(std::span<const std::string> words, std::size_t at) const;
    Input& InputFor(unsigned input, std::string_view what);

    std::optional<double> Decibels(std::size_t index, long long value) const;
    std::optional<long long> ValueForDecibels(std::size_t index, double db) const;
    double InputGainDb(unsigned input) const;
    double SourceLevel(const Source& source, int depth) const;
    double RouteLevel(std::size_t route, int depth) const;

    StateBlock block_;
    std::vector<ControlState> state_;
    std::map<std::string, std::size_t, std::less<>> by_name_;

    bool gen1_ = false;        // mixer_scarlett.c: no front-panel notifications
    bool fcp_ = false;         // big 4th Gen: fcp-server's user controls
    bool gen4_style_ = false;  // Gen 4 small / Vocaster: per-kind notification groups

    std::map<unsigned, Line> lines_;
    std::map<unsigned, Input> inputs_;
    std::optional<std::size_t> master_, headphone_, mute_, dim_, speaker_, talkback_,
        talkback_enable_, sync_, input_select_, direct_monitor_, power_status_, bluetooth_,
        pcm_input_switch_, meter_, mean_target_, hot_target_;
    std::map<unsigned, std::size_t> talkback_mix_;  // by mix letter
    std::vector<std::size_t> ag_targets_;
    std::vector<std::size_t> routes_;                                 // mux destinations, in order
    std::map<Source, std::size_t> route_by_dest_;                     // ("mixer", n), ("dsp", n)
    std::map<std::pair<unsigned, unsigned>, std::size_t> mix_gains_;  // (letter, input)
    std::vector<Source> sources_;                             // the routing items, "Off" excluded
    std::map<std::size_t, std::vector<Source>> route_items_;  // each route's items, parsed
    unsigned talkback_input_ = 0;                             // analogue input of the talkback mic

    std::vector<std::size_t> gated_;       // WRITE cleared while autogain runs
    std::vector<std::size_t> gated_soft_;  // put refused while autogain runs, WRITE kept
    bool gated_now_ = false;
    std::vector<Autogain> autogain_;
    std::map<Source, double> signals_;  // dBFS before input gain and pad
};

}  // namespace Sim
