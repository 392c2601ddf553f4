// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/device/DeviceTypes.hpp"
#include "sim/device/EventSink.hpp"

namespace Sim::DeviceDetail {

/** BYTES and IEC958 controls hold bytes, every other type numbers. */
bool IsBytes(const StateControl& control);

/** The live state @p control's values and access words describe. */
ControlState InitialState(const StateControl& control);

/**
 * The model's controls: the definition, the live state of each, and the device-side
 * changes the behaviours make (no writability check: the device may change anything).
 */
class Controls {
  public:
    /** The values of @p block become the initial state; its access words the flags. */
    explicit Controls(StateBlock block);

    const StateBlock& Definition() const noexcept { return block_; }
    const StateControl& Control(std::size_t index) const { return block_.controls[index]; }
    std::size_t Size() const noexcept { return block_.controls.size(); }
    const ControlState& State(std::size_t index) const { return state_.at(index); }
    /** The first channel's value. */
    long long Value(std::size_t index) const { return state_[index].values.at(0); }

    /** Index of the control named @p name (any iface), if there is one. */
    std::optional<std::size_t> Find(std::string_view name) const;
    /** The item of an ENUMERATED control labelled @p label, ignoring case. */
    std::optional<long long> ItemIndex(std::size_t index, std::string_view label) const;

    /** Sets every channel, adding an event with @p mask when it changed; true then. */
    bool Set(std::size_t index, long long value, EventSink& sink, unsigned mask = EVENT_VALUE);
    /** Sets every channel without an event: the caller adds the one it needs. */
    void Fill(std::size_t index, long long value);
    /** A button press: a switch toggles, an enum steps to its next item. */
    void Step(std::size_t index, EventSink& sink);
    void SetWritable(std::size_t index, bool writable) { state_[index].writable = writable; }

    /** Takes a client's values (or bytes), already checked. */
    void Store(std::size_t index, std::span<const long long> values);
    void StoreBytes(std::size_t index, std::span<const unsigned char> bytes);

  private:
    StateBlock block_;
    std::vector<ControlState> state_;
    std::map<std::string, std::size_t, std::less<>> by_name_;
};

}  // namespace Sim::DeviceDetail
