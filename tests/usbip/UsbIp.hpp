// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

/**
 * The USB/IP wire protocol as the kernel's vhci-hcd speaks it on an attached socket
 * (Documentation/usb/usbip_protocol.rst; include/uapi/linux/usbip.h and
 * drivers/usb/usbip/usbip_common.h of 6.1): no OP_REQ_IMPORT handshake (the socket is
 * handed to /sys/devices/platform/vhci_hcd.0/attach), then commands from the host
 * (CMD_SUBMIT, CMD_UNLINK) and our replies (RET_SUBMIT, RET_UNLINK). Every header is
 * 48 bytes, big-endian: command, seqnum, devid, direction, ep, then 28 bytes that
 * depend on the command. Pure: bytes in, bytes out, no fds. For the emulated
 * Focusrite device of issue 13.
 */
namespace UsbIp {

constexpr size_t HEADER_SIZE = 48;
constexpr uint32_t CMD_SUBMIT = 1;
constexpr uint32_t CMD_UNLINK = 2;
constexpr uint32_t RET_SUBMIT = 3;
constexpr uint32_t RET_UNLINK = 4;
constexpr uint32_t DIR_OUT = 0;
constexpr uint32_t DIR_IN = 1;
/** number_of_packets of a transfer that is not isochronous, as the protocol document
 *  gives it; vhci itself sends the URB's own count, 0. Both are accepted. */
constexpr uint32_t NOT_ISO = 0xffffffff;
/** The largest transfer we accept: the device's control transfers are small. */
constexpr size_t MAX_TRANSFER = 64 * 1024;

/** The host sent something this emulator does not speak (or garbage). */
class ProtocolError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/** A URB submitted by the host. */
struct Submit {
    uint32_t seqnum = 0;
    uint32_t devid = 0;
    uint32_t direction = DIR_OUT;
    uint32_t ep = 0;
    uint32_t transfer_flags = 0;
    /** OUT: the bytes that follow (data); IN: how many the host can take. */
    uint32_t length = 0;
    uint32_t interval = 0;
    /** The SETUP packet of a control transfer (ep 0), as sent. */
    std::array<uint8_t, 8> setup{};
    /** OUT data. */
    std::vector<uint8_t> data;

    bool IsIn() const noexcept { return direction == DIR_IN; }
};

/** The host takes back a URB it submitted (usb_kill_urb, a timeout, a disconnect). */
struct Unlink {
    uint32_t seqnum = 0;
    uint32_t devid = 0;
    uint32_t unlink_seqnum = 0;
};

using Command = std::variant<Submit, Unlink>;

/** Splits the host's byte stream into commands; reads may end anywhere. */
class Reader {
  public:
    void Feed(const uint8_t* bytes, size_t size) {
        buffer_.insert(buffer_.end(), bytes, bytes + size);
    }
    /** The next complete command, if there is one. Throws ProtocolError. */
    std::optional<Command> Next();
    /** Bytes received and not yet a complete command. */
    size_t GetBuffered() const noexcept { return buffer_.size() - offset_; }

  private:
    std::vector<uint8_t> buffer_;
    size_t offset_ = 0;
};

/** RET_SUBMIT for @p submit: @p status 0 or a negative errno (-EPIPE: a STALL);
 *  @p data the IN bytes (empty for OUT), at most submit.length of them, or for OUT
 *  @p out_length the bytes taken. */
std::vector<uint8_t> EncodeRetSubmit(const Submit& submit, int32_t status,
                                     const std::vector<uint8_t>& data, uint32_t out_length = 0);

/** RET_UNLINK for @p unlink: @p status -ECONNRESET when the URB was still ours (and
 *  is dropped), 0 when it had been answered already. */
std::vector<uint8_t> EncodeRetUnlink(const Unlink& unlink, int32_t status);

/**
 * URBs held unanswered (an interrupt IN endpoint's, until there is something to
 * report: a NAK, in effect), and what an unlink of one means. Every CMD_UNLINK must
 * be answered, or the kernel waits for ever in usb_kill_urb (disconnect, rmmod).
 */
class Pending {
  public:
    void Hold(Submit submit) { held_.emplace(submit.seqnum, std::move(submit)); }
    /** The oldest held URB of endpoint @p ep, taken to be answered now. */
    std::optional<Submit> Take(uint32_t ep);
    /** Takes back @p unlink's URB: the RET_UNLINK to send. A URB still held is
     *  dropped (never answered by a RET_SUBMIT now): -ECONNRESET; one not held (answered
     *  before, or never seen): 0. */
    std::vector<uint8_t> Unlink(const UsbIp::Unlink& unlink);
    size_t GetCount() const noexcept { return held_.size(); }

  private:
    /* By seqnum: the host numbers its URBs in order, so the first is the oldest. */
    std::map<uint32_t, Submit> held_;
};

}  // namespace UsbIp
