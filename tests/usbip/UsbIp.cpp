// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/UsbIp.hpp"

#include <cerrno>
#include <cstring>

namespace UsbIp {

namespace {

uint32_t Get32(const uint8_t* p) noexcept {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

void Put32(std::vector<uint8_t>& out, size_t at, uint32_t v) noexcept {
    out[at] = static_cast<uint8_t>(v >> 24);
    out[at + 1] = static_cast<uint8_t>(v >> 16);
    out[at + 2] = static_cast<uint8_t>(v >> 8);
    out[at + 3] = static_cast<uint8_t>(v);
}

/** A reply header: the basic part says only the command and the seqnum (devid,
 *  direction and ep are 0, as the kernel's own stub driver sends them). */
std::vector<uint8_t> ReplyHeader(uint32_t command, uint32_t seqnum) {
    std::vector<uint8_t> out(HEADER_SIZE, 0);
    Put32(out, 0, command);
    Put32(out, 4, seqnum);
    return out;
}

}  // namespace

std::optional<Command> Reader::Next() {
    const size_t available = buffer_.size() - offset_;
    if (available < HEADER_SIZE) return std::nullopt;
    const uint8_t* h = buffer_.data() + offset_;
    const uint32_t command = Get32(h);
    std::optional<Command> result;
    size_t used = HEADER_SIZE;
    if (command == CMD_SUBMIT) {
        Submit s;
        s.seqnum = Get32(h + 4);
        s.devid = Get32(h + 8);
        s.direction = Get32(h + 12);
        s.ep = Get32(h + 16);
        s.transfer_flags = Get32(h + 20);
        s.length = Get32(h + 24);
        const uint32_t packets = Get32(h + 32);
        s.interval = Get32(h + 36);
        std::memcpy(s.setup.data(), h + 40, s.setup.size());
        if (s.direction != DIR_IN && s.direction != DIR_OUT)
            throw ProtocolError("CMD_SUBMIT with direction " + std::to_string(s.direction));
        if (s.ep > 15) throw ProtocolError("CMD_SUBMIT to endpoint " + std::to_string(s.ep));
        /* The kernel sends 0 or 0xffffffff for a transfer that is not isochronous. */
        if (packets != NOT_ISO && packets != 0)
            throw ProtocolError("isochronous CMD_SUBMIT (" + std::to_string(packets) +
                                " packets): no audio streaming here");
        if (s.length > MAX_TRANSFER)
            throw ProtocolError("CMD_SUBMIT of " + std::to_string(s.length) + " bytes");
        if (s.direction == DIR_OUT) {
            if (available < HEADER_SIZE + s.length) return std::nullopt;
            s.data.assign(h + HEADER_SIZE, h + HEADER_SIZE + s.length);
            used += s.length;
        }
        result = std::move(s);
    } else if (command == CMD_UNLINK) {
        Unlink u;
        u.seqnum = Get32(h + 4);
        u.devid = Get32(h + 8);
        u.unlink_seqnum = Get32(h + 20);
        result = u;
    } else {
        throw ProtocolError("unknown USB/IP command " + std::to_string(command));
    }
    offset_ += used;
    /* Compact once everything read is consumed, or the buffer only grows. */
    if (offset_ == buffer_.size()) {
        buffer_.clear();
        offset_ = 0;
    } else if (offset_ > 64 * 1024) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
        offset_ = 0;
    }
    return result;
}

std::vector<uint8_t> EncodeRetSubmit(const Submit& submit, int32_t status,
                                     const std::vector<uint8_t>& data, uint32_t out_length) {
    if (submit.IsIn() && data.size() > submit.length)
        throw std::logic_error("RET_SUBMIT with more IN data than the host asked for");
    std::vector<uint8_t> out = ReplyHeader(RET_SUBMIT, submit.seqnum);
    const uint32_t actual = submit.IsIn() ? static_cast<uint32_t>(data.size()) : out_length;
    Put32(out, 20, static_cast<uint32_t>(status));
    Put32(out, 24, status == 0 ? actual : 0);
    /* vhci copies number_of_packets into the URB (usbip_pack_ret_submit): a transfer
     * that is not isochronous has none. */
    Put32(out, 32, 0);
    if (submit.IsIn() && status == 0) out.insert(out.end(), data.begin(), data.end());
    return out;
}

std::vector<uint8_t> EncodeRetUnlink(const Unlink& unlink, int32_t status) {
    std::vector<uint8_t> out = ReplyHeader(RET_UNLINK, unlink.seqnum);
    Put32(out, 20, static_cast<uint32_t>(status));
    return out;
}

std::optional<Submit> Pending::Take(uint32_t ep) {
    for (auto it = held_.begin(); it != held_.end(); ++it)
        if (it->second.ep == ep) {
            Submit s = std::move(it->second);
            held_.erase(it);
            return s;
        }
    return std::nullopt;
}

std::vector<uint8_t> Pending::Unlink(const UsbIp::Unlink& unlink) {
    const bool held = held_.erase(unlink.unlink_seqnum) > 0;
    return EncodeRetUnlink(unlink, held ? -ECONNRESET : 0);
}

}  // namespace UsbIp
