// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/usbip/UsbDevice.hpp"

/**
 * The Focusrite "scarlett2" vendor protocol as Debian 12's kernel (6.1) speaks it to
 * the vendor interface, all on endpoint 0 (sound/usb/mixer_scarlett2.c): class
 * request 0 IN ("step 0", 24 bytes), 2 OUT (a command), 3 IN (its response). A
 * command and its response are a 16-byte header (le32 command, le16 payload size,
 * le16 sequence number, le32 error, le32 padding) and a payload. The device keeps a
 * configuration memory that GET_DATA reads and SET_DATA writes. For the emulated
 * Focusrite device of issue 13; models fill the memory.
 */
namespace UsbIp {

namespace Scarlett2Cmd {
constexpr uint32_t INIT_1 = 0x00000000;
constexpr uint32_t INIT_2 = 0x00000002;
constexpr uint32_t GET_METER = 0x00001001;
constexpr uint32_t GET_MIX = 0x00002001;
constexpr uint32_t SET_MIX = 0x00002002;
constexpr uint32_t GET_MUX = 0x00003001;
constexpr uint32_t SET_MUX = 0x00003002;
constexpr uint32_t GET_SYNC = 0x00006004;
constexpr uint32_t GET_DATA = 0x00800000;
constexpr uint32_t SET_DATA = 0x00800001;
constexpr uint32_t DATA_CMD = 0x00800002;
}  // namespace Scarlett2Cmd

/** @p command in one line for the emulator's log: its name and decoded fields
 *  ("SET_DATA offset 0x8c size 1 value 1", "SET_MIX mix 0 gains 8192 0 ..."), which
 *  the VM tests match. */
std::string Describe(uint32_t cmd, const std::vector<uint8_t>& payload);

class Scarlett2Device {
  public:
    /** A command as received, for the emulator's log and the tests. */
    struct Command {
        uint32_t cmd;
        uint16_t seq;
        std::vector<uint8_t> payload;
    };

    /** @p vendor_interface: the interface number requests must name (wIndex);
     *  @p config: the configuration memory. */
    Scarlett2Device(uint8_t vendor_interface, std::vector<uint8_t> config)
        : interface_(vendor_interface), config_(std::move(config)) {}

    /** A class request to the vendor interface (std::nullopt when it is not one). A
     *  malformed command, or a response asked for with none due, is stalled. */
    std::optional<ControlReply> Control(const Setup& setup, const std::vector<uint8_t>& out);

    const std::vector<uint8_t>& GetConfig() const noexcept { return config_; }
    std::vector<uint8_t>& GetConfig() noexcept { return config_; }
    bool IsLocked() const noexcept { return locked_; }
    void SetLocked(bool locked) noexcept { locked_ = locked; }
    const std::vector<Command>& GetLog() const noexcept { return log_; }
    /** Mix @p mix's gains as SET_MIX left them (u16, 8192 = 0 dB; empty if never). */
    const std::vector<uint16_t>& GetMix(uint16_t mix) { return mixes_[mix]; }
    /** Routing table @p table as SET_MUX left it: u32 entries, bits 0-11 the
     *  destination's port id, 12-23 the source's. GET_MUX answers from table 0. */
    const std::vector<uint32_t>& GetMux(uint16_t table) { return mux_[table]; }
    /** What GET_METER answers for every meter. */
    void SetMeterLevel(uint32_t level) noexcept { meter_level_ = level; }

  private:
    /** The response payload of @p command; std::nullopt for one we do not know (it
     *  is answered with a non-zero error field, which the driver reports). */
    std::optional<std::vector<uint8_t>> Execute(const Command& command);

    uint8_t interface_;
    std::vector<uint8_t> config_;
    bool locked_ = true;
    std::optional<std::vector<uint8_t>> response_;
    std::vector<Command> log_;
    std::map<uint16_t, std::vector<uint16_t>> mixes_;
    std::map<uint16_t, std::vector<uint32_t>> mux_;
    uint32_t meter_level_ = 0;
};

}  // namespace UsbIp
