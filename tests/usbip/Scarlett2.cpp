// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/Scarlett2.hpp"

#include "tests/usbip/Bytes.hpp"

namespace UsbIp {

namespace {

constexpr uint8_t CLASS_INTERFACE_IN = 0xA1;
constexpr uint8_t CLASS_INTERFACE_OUT = 0x21;
constexpr uint8_t REQUEST_INIT = 0;
constexpr uint8_t REQUEST_COMMAND = 2;
constexpr uint8_t REQUEST_RESPONSE = 3;
constexpr size_t HEADER = 16;
/* The size of step 0's reply, whose content the driver ignores. */
constexpr size_t STEP_0_SIZE = 24;
/* INIT_2's reply: read, not looked at by the 6.1 driver. */
constexpr size_t INIT_2_SIZE = 84;

}  // namespace

std::optional<ControlReply> Scarlett2Device::Control(const Setup& setup,
                                                     const std::vector<uint8_t>& out) {
    if ((setup.index & 0xff) != interface_) return std::nullopt;
    if (setup.request_type == CLASS_INTERFACE_IN && setup.request == REQUEST_INIT)
        return ControlReply{false,
                            std::vector<uint8_t>(std::min<size_t>(setup.length, STEP_0_SIZE))};
    if (setup.request_type == CLASS_INTERFACE_OUT && setup.request == REQUEST_COMMAND) {
        if (out.size() < HEADER) return ControlReply::Stall();
        Command command{ReadLe32(out, 0), static_cast<uint16_t>(out[6] | out[7] << 8),
                        std::vector<uint8_t>(out.begin() + HEADER, out.end())};
        const size_t size = static_cast<size_t>(out[4] | out[5] << 8);
        if (size != command.payload.size()) return ControlReply::Stall();
        const auto payload = Execute(command);
        std::vector<uint8_t> response;
        AppendLe(response, command.cmd, 4);
        AppendLe(response, payload ? static_cast<uint32_t>(payload->size()) : 0, 2);
        /* The driver accepts its own sequence number back (INIT_1 and INIT_2 send 1). */
        AppendLe(response, command.seq, 2);
        AppendLe(response, payload ? 0 : 1, 4);
        AppendLe(response, 0, 4);
        if (payload) response.insert(response.end(), payload->begin(), payload->end());
        response_ = std::move(response);
        log_.push_back(std::move(command));
        return ControlReply{};
    }
    if (setup.request_type == CLASS_INTERFACE_IN && setup.request == REQUEST_RESPONSE) {
        if (!response_) return ControlReply::Stall();
        std::vector<uint8_t> data = std::move(*response_);
        response_.reset();
        if (data.size() > setup.length) data.resize(setup.length);
        return ControlReply{false, std::move(data)};
    }
    return ControlReply::Stall();
}

std::optional<std::vector<uint8_t>> Scarlett2Device::Execute(const Command& command) {
    const auto& p = command.payload;
    switch (command.cmd) {
        case Scarlett2Cmd::INIT_1:
            return std::vector<uint8_t>{};
        case Scarlett2Cmd::INIT_2:
            return std::vector<uint8_t>(INIT_2_SIZE);
        case Scarlett2Cmd::GET_SYNC: {
            std::vector<uint8_t> r;
            AppendLe(r, locked_ ? 1 : 0, 4);
            return r;
        }
        case Scarlett2Cmd::GET_DATA: {
            if (p.size() != 8) return std::nullopt;
            const size_t offset = ReadLe32(p, 0), size = ReadLe32(p, 4);
            if (offset + size > config_.size() || size > 1024) return std::nullopt;
            return std::vector<uint8_t>(
                config_.begin() + static_cast<std::ptrdiff_t>(offset),
                config_.begin() + static_cast<std::ptrdiff_t>(offset + size));
        }
        case Scarlett2Cmd::SET_DATA: {
            /* le32 offset, le32 byte count, then the value's bytes, little-endian. */
            if (p.size() < 8) return std::nullopt;
            const size_t offset = ReadLe32(p, 0), bytes = ReadLe32(p, 4);
            if (bytes == 0 || bytes > 4 || p.size() != 8 + bytes || offset + bytes > config_.size())
                return std::nullopt;
            for (size_t i = 0; i < bytes; ++i) config_[offset + i] = p[8 + i];
            return std::vector<uint8_t>{};
        }
        case Scarlett2Cmd::DATA_CMD:
            /* "Activate" a changed item, or save the configuration (6): the memory
             * already holds what was set. */
            if (p.size() != 4) return std::nullopt;
            return std::vector<uint8_t>{};
        default:
            return std::nullopt;
    }
}

}  // namespace UsbIp
