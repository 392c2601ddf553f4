// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/Scarlett2.hpp"

#include <cstdio>

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
        case Scarlett2Cmd::GET_MIX: {
            /* le16 mix, le16 input count -> count x le16 gain. */
            if (p.size() != 4) return std::nullopt;
            const uint16_t mix = ReadLe16(p, 0), count = ReadLe16(p, 2);
            std::vector<uint16_t>& gains = mixes_[mix];
            if (gains.size() < count) gains.resize(count, 0);
            std::vector<uint8_t> r;
            for (size_t i = 0; i < count; ++i) AppendLe(r, gains[i], 2);
            return r;
        }
        case Scarlett2Cmd::SET_MIX: {
            /* le16 mix, then one le16 gain per input. */
            if (p.size() < 4 || p.size() % 2) return std::nullopt;
            std::vector<uint16_t>& gains = mixes_[ReadLe16(p, 0)];
            gains.clear();
            for (size_t at = 2; at < p.size(); at += 2) gains.push_back(ReadLe16(p, at));
            return std::vector<uint8_t>{};
        }
        case Scarlett2Cmd::GET_MUX: {
            /* le16 0, le16 count -> count x le32 entry of table 0. */
            if (p.size() != 4) return std::nullopt;
            const uint16_t count = ReadLe16(p, 2);
            const std::vector<uint32_t>& table = mux_[0];
            std::vector<uint8_t> r;
            for (size_t i = 0; i < count; ++i) AppendLe(r, i < table.size() ? table[i] : 0, 4);
            return r;
        }
        case Scarlett2Cmd::SET_MUX: {
            /* le16 pad, le16 table (one per sample rate band), le32 entries. */
            if (p.size() < 4 || p.size() % 4) return std::nullopt;
            std::vector<uint32_t>& table = mux_[ReadLe16(p, 2)];
            table.clear();
            for (size_t at = 4; at < p.size(); at += 4) table.push_back(ReadLe32(p, at));
            return std::vector<uint8_t>{};
        }
        case Scarlett2Cmd::GET_METER: {
            /* le16 pad, le16 meter count, le32 magic 1 -> count x le32 level. */
            if (p.size() != 8 || ReadLe32(p, 4) != 1) return std::nullopt;
            std::vector<uint8_t> r;
            for (size_t i = 0, n = ReadLe16(p, 2); i < n; ++i) AppendLe(r, meter_level_, 4);
            return r;
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

std::string Describe(uint32_t cmd, const std::vector<uint8_t>& p) {
    char text[64];
    const auto hex = [&](uint32_t v) {
        std::snprintf(text, sizeof(text), "0x%x", v);
        return std::string(text);
    };
    std::string out;
    switch (cmd) {
        case Scarlett2Cmd::INIT_1:
            return "INIT_1";
        case Scarlett2Cmd::INIT_2:
            return "INIT_2";
        case Scarlett2Cmd::GET_SYNC:
            return "GET_SYNC";
        case Scarlett2Cmd::GET_DATA:
            if (p.size() != 8) break;
            return "GET_DATA offset " + hex(ReadLe32(p, 0)) + " size " +
                   std::to_string(ReadLe32(p, 4));
        case Scarlett2Cmd::SET_DATA: {
            if (p.size() < 8 || p.size() > 12) break;
            /* The value as the signed little-endian number of its width. */
            const size_t bytes = p.size() - 8;
            int64_t value = 0;
            for (size_t i = 0; i < bytes; ++i) value |= int64_t{p[8 + i]} << (8 * i);
            if (bytes > 0 && bytes < 8 && (p.back() & 0x80)) value -= int64_t{1} << (8 * bytes);
            return "SET_DATA offset " + hex(ReadLe32(p, 0)) + " size " +
                   std::to_string(ReadLe32(p, 4)) + " value " + std::to_string(value);
        }
        case Scarlett2Cmd::DATA_CMD:
            if (p.size() != 4) break;
            return "DATA_CMD " + std::to_string(ReadLe32(p, 0));
        case Scarlett2Cmd::GET_MIX:
            if (p.size() != 4) break;
            return "GET_MIX mix " + std::to_string(ReadLe16(p, 0)) + " count " +
                   std::to_string(ReadLe16(p, 2));
        case Scarlett2Cmd::SET_MIX:
            if (p.size() < 2) break;
            out = "SET_MIX mix " + std::to_string(ReadLe16(p, 0)) + " gains";
            for (size_t at = 2; at + 1 < p.size(); at += 2)
                out += ' ' + std::to_string(ReadLe16(p, at));
            return out;
        case Scarlett2Cmd::GET_MUX:
            if (p.size() != 4) break;
            return "GET_MUX count " + std::to_string(ReadLe16(p, 2));
        case Scarlett2Cmd::SET_MUX:
            if (p.size() < 4) break;
            out = "SET_MUX table " + std::to_string(ReadLe16(p, 2)) + " entries";
            for (size_t at = 4; at + 3 < p.size(); at += 4) out += ' ' + hex(ReadLe32(p, at));
            return out;
        case Scarlett2Cmd::GET_METER:
            if (p.size() != 8) break;
            return "GET_METER count " + std::to_string(ReadLe16(p, 2));
        default:
            break;
    }
    return "command " + hex(cmd) + " payload " + std::to_string(p.size()) + " bytes";
}

}  // namespace UsbIp
