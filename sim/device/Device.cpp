// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Device.hpp"

#include <algorithm>

#include "sim/device/ActionWords.hpp"
#include "sim/device/Autogain.hpp"
#include "sim/device/Controls.hpp"
#include "sim/device/DriverCache.hpp"
#include "sim/device/InputPanel.hpp"
#include "sim/device/Layout.hpp"
#include "sim/device/Monitor.hpp"
#include "sim/device/Signals.hpp"
#include "sim/device/Status.hpp"
#include "sim/device/WriteRules.hpp"

namespace Sim {

using DeviceDetail::EventSink;

struct Device::Parts {
    explicit Parts(StateBlock block)
        : controls(std::move(block)),
          layout(DeviceDetail::ScanLayout(controls)),
          signals(controls, layout),
          autogain(controls, layout, signals),
          monitor(controls, layout),
          panel(controls, layout, autogain),
          status(controls, layout),
          cache(controls, layout) {
        // The dynamic access flags follow the values the block starts with.
        monitor.ApplyAccess();
        autogain.ApplyAccess();
    }

    void AfterWrite(std::size_t index, long long old_value, EventSink& sink);
    void Press(std::span<const std::string> words, EventSink& sink);
    std::vector<std::string> Help() const;
    /** The help lines that start with @p prefix, each on a line of its own. */
    std::string Listed(std::string_view prefix) const;

    DeviceDetail::Controls controls;
    const DeviceDetail::Layout layout;
    DeviceDetail::Signals signals;
    DeviceDetail::Autogain autogain;
    DeviceDetail::Monitor monitor;
    DeviceDetail::InputPanel panel;
    DeviceDetail::Status status;
    DeviceDetail::DriverCache cache;
};

Device::Device(StateBlock block) : parts_(std::make_unique<Parts>(std::move(block))) {}
Device::~Device() = default;
Device::Device(Device&&) noexcept = default;
Device& Device::operator=(Device&&) noexcept = default;

const StateBlock& Device::Definition() const noexcept {
    return parts_->controls.Definition();
}

std::size_t Device::Size() const noexcept {
    return parts_->controls.Size();
}

const ControlState& Device::State(std::size_t index) const {
    return parts_->controls.State(index);
}

std::optional<std::size_t> Device::Find(std::string_view name) const {
    return parts_->controls.Find(name);
}

std::span<const long long> Device::HardwareValues(std::size_t index) const {
    return parts_->cache.Hardware(index);
}

std::vector<std::size_t> Device::HardwareDifferences() const {
    return parts_->cache.Differences();
}

std::string Device::HardwareReport() const {
    return parts_->cache.Report();
}

void Device::PowerCycle(std::vector<DeviceEvent>& events) {
    EventSink sink(events);
    parts_->cache.PowerCycle(sink);
}

void Device::SetPowerOnValues(const StateBlock& factory) {
    parts_->cache.SetPowerOn(factory);
}

std::optional<std::size_t> Device::MeterIndex() const {
    return parts_->layout.meter;
}

std::vector<float> Device::MeterLevels() const {
    return parts_->signals.MeterLevels();
}

int Device::Write(std::size_t index, std::span<const long long> values,
                  std::vector<DeviceEvent>& events) {
    Parts& p = *parts_;
    if (const int error = CheckWrite(p.controls, p.autogain, index, values); error != 0) {
        return error;
    }
    const ControlState& s = p.controls.State(index);
    if (std::equal(values.begin(), values.end(), s.values.begin())) return 0;
    const long long old_value = s.values.at(0);
    p.cache.Write(index, values);
    p.controls.Store(index, values);
    EventSink sink(events);
    sink.Add(index, EVENT_VALUE);
    p.AfterWrite(index, old_value, sink);
    return 0;
}

int Device::WriteBytes(std::size_t index, std::span<const unsigned char> bytes,
                       std::vector<DeviceEvent>& events) {
    Parts& p = *parts_;
    if (const int error = CheckWriteBytes(p.controls, index, bytes); error != 0) return error;
    const ControlState& s = p.controls.State(index);
    if (std::equal(bytes.begin(), bytes.end(), s.bytes.begin())) return 0;
    p.controls.StoreBytes(index, bytes);
    EventSink sink(events);
    sink.Add(index, EVENT_VALUE);
    return 0;
}

/* The side effects the driver's put() (or the device's answer to it) has. */
void Device::Parts::AfterWrite(std::size_t index, long long old_value, EventSink& sink) {
    if (!layout.fcp) {
        monitor.AfterWrite(index, old_value, sink);
        signals.AfterWrite(index, sink);
        autogain.AfterPhantomWrite(index, sink);
    }
    // fcp-server mirrors writes to the device one by one; only autogain has a visible run.
    autogain.AfterSwitchWrite(index, sink);
}

void Device::Act(std::span<const std::string> words, SimClock::time_point now,
                 std::vector<DeviceEvent>& events) {
    Parts& p = *parts_;
    EventSink sink(events);
    if (words.empty()) throw ActionError("no action given; this model supports:" + p.Listed(""));
    const std::string verb = DeviceDetail::Lower(words[0]);
    if (verb == "press") {
        p.Press(words, sink);
        return;
    }
    if (p.monitor.Act(verb, words, sink) || p.signals.Act(verb, words) ||
        p.autogain.Act(verb, words, now, sink) || p.status.Act(verb, words, sink)) {
        return;
    }
    throw ActionError("unknown action '" + std::string(words[0]) +
                      "'; this model supports:" + p.Listed(""));
}

void Device::Parts::Press(std::span<const std::string> words, EventSink& sink) {
    if (words.size() < 2) throw ActionError("press what? e.g. 'press dim'");
    const std::string button = DeviceDetail::Lower(words[1]);
    if (monitor.Press(button, words, sink) || panel.Press(button, words, sink)) return;
    const std::string valid = Listed("press ");
    throw ActionError("this model has no '" + std::string(words[1]) + "' button" +
                      (valid.empty() ? std::string(" (it has no buttons the driver sees)")
                                     : "; its buttons:" + valid));
}

std::vector<std::string> Device::ActionHelp() const {
    return parts_->Help();
}

std::vector<std::string> Device::Parts::Help() const {
    std::vector<std::string> help;
    monitor.Help(help);
    panel.Help(help);
    signals.Help(help);
    autogain.Help(help);
    status.Help(help);
    return help;
}

std::string Device::Parts::Listed(std::string_view prefix) const {
    std::string text;
    for (const auto& line : Help()) {
        if (line.rfind(prefix, 0) == 0) text += "\n  " + line;
    }
    return text;
}

std::optional<SimClock::time_point> Device::NextDeadline() const {
    return parts_->autogain.NextDeadline();
}

void Device::Advance(SimClock::time_point now, std::vector<DeviceEvent>& events) {
    EventSink sink(events);
    parts_->autogain.Advance(now, sink);
}

}  // namespace Sim
