// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The vocabulary of Device's interface, which its parts share. */

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace Sim {

/* The kernel's SND_CTL_EVENT_MASK_VALUE / _INFO bits. */
inline constexpr unsigned EVENT_VALUE = 1;
inline constexpr unsigned EVENT_INFO = 2;
/* A value changed without an event: one the driver reads from the device on every get
 * (a volatile status), which clients see when they next read it. */
inline constexpr unsigned EVENT_NONE = 0;

/** A control that changed; clients get an event unless its mask is EVENT_NONE. */
struct DeviceEvent {
    std::size_t index;  // into Definition().controls
    unsigned mask;      // EVENT_VALUE | EVENT_INFO, or EVENT_NONE

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

/** How long autogain runs before the gain settles. */
inline constexpr std::chrono::seconds AUTOGAIN_TIME{3};

}  // namespace Sim
