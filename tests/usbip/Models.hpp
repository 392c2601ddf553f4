// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

/**
 * The devices scarlett-usbip can be: what the 6.1 scarlett2 driver learns of a model
 * from the device itself (its USB ids and strings, and the configuration memory it
 * reads at probe). Port counts, names and the routing order are the driver's own
 * tables: the emulator only stores the mixes and routing the driver writes.
 */
namespace UsbIp {

struct Model {
    std::string name;  // --model
    uint16_t product_id;
    uint16_t bcd_device;
    std::string product;  // iProduct
    std::string serial;   // iSerialNumber unless --serial
    std::vector<uint8_t> config;
};

/** The model called @p name, or nullptr. */
const Model* FindModel(const std::string& name);
/** Every model's name, for --help. */
std::vector<std::string> ModelNames();

}  // namespace UsbIp
