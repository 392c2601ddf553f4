// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "tests/usbip/Models.hpp"
#include "tests/usbip/Scarlett2.hpp"

/**
 * What a hand on the device does: a button, the monitor knob, the Inst switch, a
 * clock that loses sync. Each changes the configuration memory as the device would
 * and gives the interrupt notification bits it would raise (the 6.1 driver reads
 * them as in mixer_scarlett2.c: 0x8 sync, 0x200000 dim/mute, 0x400000 monitor knob,
 * 0x800000 "input other", 0x1000000 "monitor other"). Pure: the emulator sends the notification.
 */
namespace UsbIp {

namespace Notify {
constexpr uint32_t SYNC = 0x00000008;
constexpr uint32_t DIM_MUTE = 0x00200000;
constexpr uint32_t MONITOR = 0x00400000;
constexpr uint32_t INPUT_OTHER = 0x00800000;
constexpr uint32_t MONITOR_OTHER = 0x01000000;
}  // namespace Notify

/** The bits to notify, or why @p action cannot be done on this model. */
using PanelResult = std::variant<uint32_t, std::string>;

/**
 * One action, as a line of the control channel:
 *   knob DB          the monitor knob to DB (-127..0)
 *   mute 0|1, dim 0|1   the monitor buttons
 *   alt 0|1, talk 0|1   the speaker switching (Alt) and talkback buttons
 *   inst N 0|1       input N to Inst (1) or Line (0)
 *   sync 0|1         clock locked (1) or lost (0)
 */
PanelResult ApplyPanel(const Model& model, Scarlett2Device& device, const std::string& action);

}  // namespace UsbIp
