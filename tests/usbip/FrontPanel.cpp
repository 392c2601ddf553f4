// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/FrontPanel.hpp"

#include <sstream>

namespace UsbIp {

PanelResult ApplyPanel(const Model& model, Scarlett2Device& device, const std::string& action) {
    std::istringstream in(action);
    std::string verb;
    in >> verb;
    long a = 0, b = 0;
    const bool one = static_cast<bool>(in >> a);
    const bool two = one && static_cast<bool>(in >> b);
    std::string rest;
    if (in >> rest) return "too many words in '" + action + "'";
    const PanelLayout& panel = model.panel;
    std::vector<uint8_t>& memory = device.GetConfig();
    auto on_off = [](long v) { return v == 0 || v == 1; };

    if (verb == "knob") {
        if (!panel.knob) return model.name + " has no monitor knob";
        if (!one || two || a < -127 || a > 0) return "knob takes a dB value from -127 to 0";
        const auto value = static_cast<uint16_t>(static_cast<int16_t>(a));
        memory[*panel.knob] = static_cast<uint8_t>(value);
        memory[*panel.knob + 1] = static_cast<uint8_t>(value >> 8);
        return Notify::MONITOR;
    }
    if (verb == "mute" || verb == "dim") {
        const auto& at = verb == "mute" ? panel.mute : panel.dim;
        if (!at) return model.name + " has no " + verb + " button";
        if (!one || two || !on_off(a)) return verb + " takes 0 or 1";
        memory[*at] = static_cast<uint8_t>(a);
        return Notify::DIM_MUTE;
    }
    if (verb == "alt" || verb == "talk") {
        if (!panel.monitor_buttons) return model.name + " has no " + verb + " button";
        if (!one || two || !on_off(a)) return verb + " takes 0 or 1";
        const auto bit = static_cast<uint8_t>(verb == "alt" ? 1 : 2);
        uint8_t& buttons = memory[*panel.monitor_buttons];
        buttons = static_cast<uint8_t>(a ? buttons | bit : buttons & ~bit);
        return Notify::MONITOR_OTHER;
    }
    if (verb == "inst") {
        if (!two || a < 1 || a > static_cast<long>(panel.level_inputs) || !on_off(b))
            return "inst takes an input (1-" + std::to_string(panel.level_inputs) + ") and 0 or 1";
        const auto input = static_cast<size_t>(a - 1);
        if (panel.level_bytes) {
            memory[*panel.level_bytes + input] = static_cast<uint8_t>(b);
        } else if (panel.level_bits) {
            const auto bit = static_cast<uint8_t>(1u << input);
            memory[*panel.level_bits] = static_cast<uint8_t>(b ? memory[*panel.level_bits] | bit
                                                               : memory[*panel.level_bits] & ~bit);
        }
        return Notify::INPUT_OTHER;
    }
    if (verb == "sync") {
        if (!panel.has_sync) return model.name + " reports no clock sync";
        if (!one || two || !on_off(a)) return "sync takes 0 or 1";
        device.SetLocked(a == 1);
        return Notify::SYNC;
    }
    return "unknown action '" + verb + "' (knob, mute, dim, alt, talk, inst, sync)";
}

}  // namespace UsbIp
