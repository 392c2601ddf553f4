// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/**
 * The devices scarlett-usbip can be: what the 6.1 scarlett2 driver learns of a model
 * from the device itself (its USB ids and strings, and the configuration memory it
 * reads at probe). Port counts, names and the routing order are the driver's own
 * tables: the emulator only stores the mixes and routing the driver writes.
 */
namespace UsbIp {

/** Where the front panel's state lives in a model's configuration memory. */
struct PanelLayout {
    /* Inputs with a Line/Inst switch; their levels are a bit each from level_bits
     * (2i2) or a byte each from level_bytes (18i20). */
    unsigned level_inputs = 0;
    std::optional<size_t> level_bits, level_bytes;
    /* The monitor section (18i20): mute and dim buttons, a byte each; the knob, a
     * le16 dB value (0 = 0 dB, -127 = the least). */
    std::optional<size_t> mute, dim, knob;
    /* The speaker switching (Alt) and talkback buttons (18i20): bits 0 and 1 of a
     * byte; each only counts while the host has enabled it. */
    std::optional<size_t> monitor_buttons;
    /* Whether the device reports clock sync (GET_SYNC): the mixer models. */
    bool has_sync = false;
};

struct Model {
    std::string name;  // --model
    uint16_t product_id = 0;
    uint16_t bcd_device = 0;
    std::string product;  // iProduct
    std::string serial;   // iSerialNumber unless --serial
    std::vector<uint8_t> config;
    PanelLayout panel;
};

/** The model called @p name, or nullptr. */
const Model* FindModel(const std::string& name);
/** Every model's name, for --help. */
std::vector<std::string> ModelNames();

}  // namespace UsbIp
