// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/Models.hpp"

namespace UsbIp {

namespace {

/* Both Gen 3 models have bcdDevice 6.45 in real dmesg logs. The memory reads 0 where
 * nothing else is said: MSD mode off (2i2: 0x04, 18i20: 0x9d; else the driver
 * creates only its switch), volumes at 0 dB, inputs at Line, no pad, Air or phantom
 * power, speaker switching and talkback off. */
std::vector<Model> MakeModels() {
    std::vector<Model> models;

    /* "No mixer" configuration set: 7 controls. */
    Model small;
    small.name = "2i2-gen3";
    small.product_id = 0x8210;
    small.bcd_device = 0x0645;
    small.product = "Scarlett 2i2 USB";
    small.serial = "S2I2EMU00001";
    small.config.assign(0x100, 0);
    small.panel.level_inputs = 2;
    small.panel.level_bits = 0x08;
    models.push_back(std::move(small));

    /* "Gen 3" set with mixer (12 mixes of 25 inputs), routing (65 destinations), meters,
     * monitor controls, speaker switching and talkback. */
    Model big;
    big.name = "18i20-gen3";
    big.product_id = 0x8215;
    big.bcd_device = 0x0645;
    big.product = "Scarlett 18i20 USB";
    big.serial = "S18I20EMU001";
    big.config.assign(0x100, 0);
    /* Lines 1-4 (the monitor pairs) follow the front panel's knob, as they come from
     * the factory: the volume and mute controls of those lines are read-only. One
     * byte per line from 0x66, 1 = hardware. */
    for (size_t line = 0; line < 4; ++line) big.config[0x66 + line] = 1;
    big.panel.level_inputs = 2;
    big.panel.level_bytes = 0x7c;
    big.panel.mute = 0x31;
    big.panel.dim = 0x32;
    big.panel.knob = 0x76;
    big.panel.monitor_buttons = 0x9f;
    big.panel.has_sync = true;
    models.push_back(std::move(big));
    return models;
}

const std::vector<Model>& Models() {
    static const std::vector<Model> models = MakeModels();
    return models;
}

}  // namespace

const Model* FindModel(const std::string& name) {
    for (const auto& m : Models())
        if (m.name == name) return &m;
    return nullptr;
}

std::vector<std::string> ModelNames() {
    std::vector<std::string> names;
    for (const auto& m : Models()) names.push_back(m.name);
    return names;
}

}  // namespace UsbIp
