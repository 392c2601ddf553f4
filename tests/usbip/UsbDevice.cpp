// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/UsbDevice.hpp"

#include <algorithm>

#include "tests/usbip/Bytes.hpp"

namespace UsbIp {

namespace {

/* USB 2.0 chapter 9: descriptor types and standard requests. */
constexpr uint8_t DEVICE = 1;
constexpr uint8_t CONFIGURATION = 2;
constexpr uint8_t STRING = 3;
constexpr uint8_t INTERFACE = 4;
constexpr uint8_t ENDPOINT = 5;
constexpr uint8_t INTERFACE_ASSOCIATION = 11;
constexpr uint8_t CS_INTERFACE = 0x24;

constexpr uint8_t GET_STATUS = 0;
constexpr uint8_t CLEAR_FEATURE = 1;
constexpr uint8_t SET_FEATURE = 3;
constexpr uint8_t GET_DESCRIPTOR = 6;
constexpr uint8_t GET_CONFIGURATION = 8;
constexpr uint8_t SET_CONFIGURATION = 9;
constexpr uint8_t GET_INTERFACE = 10;
constexpr uint8_t SET_INTERFACE = 11;

/** A string descriptor: UTF-16LE of @p text (ASCII here, as every string we use). */
std::vector<uint8_t> StringDescriptor(const std::string& text) {
    std::vector<uint8_t> out = {static_cast<uint8_t>(2 + 2 * text.size()), STRING};
    for (const char c : text) AppendLe(out, static_cast<uint8_t>(c), 2);
    return out;
}

std::vector<uint8_t> Truncated(std::vector<uint8_t> data, uint16_t length) {
    if (data.size() > length) data.resize(length);
    return data;
}

}  // namespace

Setup Setup::From(const std::array<uint8_t, 8>& b) noexcept {
    return {b[0], b[1], static_cast<uint16_t>(b[2] | b[3] << 8),
            static_cast<uint16_t>(b[4] | b[5] << 8), static_cast<uint16_t>(b[6] | b[7] << 8)};
}

Descriptors FocusriteDescriptors(uint16_t product_id, uint16_t bcd_device,
                                 const std::string& product, const std::string& serial) {
    Descriptors d;
    /* Miscellaneous class, common class, interface association: the device is made
     * of functions described by IADs. */
    d.device = {18, DEVICE, 0x00, 0x02, 0xEF, 0x02, 0x01, 64};
    AppendLe(d.device, 0x1235, 2);
    AppendLe(d.device, product_id, 2);
    AppendLe(d.device, bcd_device, 2);
    d.device.insert(d.device.end(), {1, 3, 2, 1});  // manufacturer, product, serial; 1 config

    std::vector<uint8_t> body;
    /* The audio function: the AudioControl interface alone (no streaming). */
    body.insert(body.end(), {8, INTERFACE_ASSOCIATION, 0, 1, 0x01, 0x00, 0x20, 0});
    body.insert(body.end(), {9, INTERFACE, 0, 0, 0, 0x01, 0x01, 0x20, 0});
    /* UAC2 class-specific AC header: ADC 2.00, category "pro audio" (8), no units. */
    body.insert(body.end(), {9, CS_INTERFACE, 0x01, 0x00, 0x02, 0x08});
    AppendLe(body, 9, 2);
    body.push_back(0);
    /* The vendor interface the mixer driver talks to, its interrupt endpoint first. */
    body.insert(body.end(), {9, INTERFACE, 1, 0, 1, 0xFF, 0x01, 0x10, 4});
    body.insert(body.end(), {7, ENDPOINT, 0x83, 0x03});
    AppendLe(body, 64, 2);
    body.push_back(8);

    d.configuration = {9, CONFIGURATION};
    AppendLe(d.configuration, static_cast<uint16_t>(9 + body.size()), 2);
    /* Two interfaces, value 1, no string, bus-powered, 500 mA. */
    d.configuration.insert(d.configuration.end(), {2, 1, 0, 0x80, 250});
    d.configuration.insert(d.configuration.end(), body.begin(), body.end());

    d.strings = {"Focusrite", serial, product, "Focusrite Control"};
    return d;
}

std::optional<ControlReply> DeviceCore::Standard(const Setup& setup) {
    if (setup.GetType() != 0) return std::nullopt;
    switch (setup.request) {
        case GET_DESCRIPTOR:
            if (setup.request_type != 0x80) break;
            return GetDescriptor(setup);
        case SET_CONFIGURATION:
            if (setup.request_type != 0x00 || setup.value > 1) break;
            configuration_ = static_cast<uint8_t>(setup.value);
            return ControlReply{};
        case GET_CONFIGURATION:
            if (setup.request_type != 0x80) break;
            return ControlReply{false, Truncated({configuration_}, setup.length)};
        case SET_INTERFACE:
            /* Every interface has only its alternate setting 0. */
            if (setup.request_type != 0x01 || setup.value != 0) break;
            return ControlReply{};
        case GET_INTERFACE:
            if (setup.request_type != 0x81) break;
            return ControlReply{false, Truncated({0}, setup.length)};
        case GET_STATUS:
            /* Device, interface or endpoint: bus-powered, no remote wakeup, not halted. */
            if (!setup.IsIn()) break;
            return ControlReply{false, Truncated({0, 0}, setup.length)};
        case CLEAR_FEATURE:
        case SET_FEATURE:
            /* Endpoint halt and device remote wakeup: accepted, nothing to do. */
            if (setup.IsIn()) break;
            return ControlReply{};
        default:
            break;
    }
    return ControlReply::Stall();
}

ControlReply DeviceCore::GetDescriptor(const Setup& setup) const {
    const uint8_t type = static_cast<uint8_t>(setup.value >> 8);
    const uint8_t index = static_cast<uint8_t>(setup.value);
    switch (type) {
        case DEVICE:
            return {false, Truncated(descriptors_.device, setup.length)};
        case CONFIGURATION:
            if (index != 0) break;
            return {false, Truncated(descriptors_.configuration, setup.length)};
        case STRING:
            /* String 0: the languages; one, US English. */
            if (index == 0) return {false, Truncated({4, STRING, 0x09, 0x04}, setup.length)};
            if (index <= descriptors_.strings.size())
                return {false,
                        Truncated(StringDescriptor(descriptors_.strings[index - 1]), setup.length)};
            break;
        default:
            /* Device qualifier, BOS, other speed: stalled. The kernel asks for BOS only
             * from bcdUSB 2.01 on, and for the qualifier only of a high-speed device
             * running at full speed; neither happens on a high-speed vhci port. */
            break;
    }
    return ControlReply::Stall();
}

}  // namespace UsbIp
