// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/**
 * The standard part of an emulated USB device (USB 2.0 chapter 9): its descriptors,
 * and the standard control requests the kernel sends on endpoint 0 while it
 * enumerates and configures it. Class and vendor requests are the caller's (the
 * scarlett2 protocol). Pure: no fds. For the emulated Focusrite device of issue 13.
 */
namespace UsbIp {

/** A control transfer's SETUP packet, decoded (little-endian fields). */
struct Setup {
    uint8_t request_type = 0;
    uint8_t request = 0;
    uint16_t value = 0;
    uint16_t index = 0;
    uint16_t length = 0;

    static Setup From(const std::array<uint8_t, 8>& bytes) noexcept;
    bool IsIn() const noexcept { return (request_type & 0x80) != 0; }
    /** Bits 5-6: 0 standard, 1 class, 2 vendor. */
    unsigned GetType() const noexcept { return (request_type >> 5) & 3; }
};

/** What a control transfer gets back. */
struct ControlReply {
    /** The device refuses the request (a STALL: -EPIPE in the RET_SUBMIT). */
    bool stall = false;
    /** IN: the data, at most the request's wLength. */
    std::vector<uint8_t> data;

    static ControlReply Stall() { return {true, {}}; }
};

/** A device's descriptors: the device descriptor, the whole configuration (the
 *  configuration descriptor and all that follows it), and its strings (index 1 on). */
struct Descriptors {
    std::vector<uint8_t> device;
    std::vector<uint8_t> configuration;
    std::vector<std::string> strings;
};

/**
 * What a Focusrite interface served by the 6.1 scarlett2 driver must present
 * (snd-usb-audio's card.c and mixer.c, mixer_scarlett2.c): an interface association
 * holding one UAC2 AudioControl interface (protocol 0x20, no endpoint: an interrupt
 * endpoint there would take the mixer's URB), and a vendor-class interface whose first
 * endpoint is interrupt IN (0x83, 64 bytes, every 8 microframes), "Focusrite Control".
 * No streaming interfaces: the card then has the mixer controls and no PCM. The
 * strings and numbers are those of the real devices (vendor 0x1235).
 */
Descriptors FocusriteDescriptors(uint16_t product_id, uint16_t bcd_device,
                                 const std::string& product, const std::string& serial);

/** The standard requests, on Descriptors. */
class DeviceCore {
  public:
    explicit DeviceCore(Descriptors descriptors) : descriptors_(std::move(descriptors)) {}

    /** The reply to a standard request (std::nullopt for a class or vendor request:
     *  not ours); a request we do not know is stalled, as a device does. */
    std::optional<ControlReply> Standard(const Setup& setup);
    /** SET_CONFIGURATION's value, 0 until the host configured the device. */
    uint8_t GetConfiguration() const noexcept { return configuration_; }

  private:
    ControlReply GetDescriptor(const Setup& setup) const;

    Descriptors descriptors_;
    uint8_t configuration_ = 0;
};

}  // namespace UsbIp
