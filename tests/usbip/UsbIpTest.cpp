// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <cerrno>
#include <vector>

#include "tests/usbip/UsbIp.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

void Put(Bytes& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

uint32_t At(const Bytes& b, size_t offset) {
    return uint32_t{b[offset]} << 24 | uint32_t{b[offset + 1]} << 16 |
           uint32_t{b[offset + 2]} << 8 | uint32_t{b[offset + 3]};
}

/** A CMD_SUBMIT as vhci-hcd sends it. */
Bytes CmdSubmit(uint32_t seqnum, uint32_t direction, uint32_t ep, uint32_t length,
                const std::array<uint8_t, 8>& setup, const Bytes& data = {}, uint32_t packets = 0) {
    Bytes b;
    for (uint32_t v :
         {UsbIp::CMD_SUBMIT, seqnum, 0x10002u, direction, ep, 0x200u, length, 0u, packets, 4u})
        Put(b, v);
    b.insert(b.end(), setup.begin(), setup.end());
    b.insert(b.end(), data.begin(), data.end());
    return b;
}

Bytes CmdUnlink(uint32_t seqnum, uint32_t victim) {
    Bytes b;
    for (uint32_t v : {UsbIp::CMD_UNLINK, seqnum, 0x10002u, 0u, 0u, victim}) Put(b, v);
    b.resize(UsbIp::HEADER_SIZE, 0);
    return b;
}

const std::array<uint8_t, 8> GET_DEVICE_DESCRIPTOR = {0x80, 0x06, 0x00, 0x01,
                                                      0x00, 0x00, 0x40, 0x00};
const std::array<uint8_t, 8> VENDOR_OUT = {0x21, 0x02, 0x00, 0x00, 0x05, 0x00, 0x04, 0x00};

}  // namespace

TEST_CASE("USB/IP: commands are read whole, however the stream is cut") {
    Bytes stream = CmdSubmit(1, UsbIp::DIR_IN, 0, 64, GET_DEVICE_DESCRIPTOR);
    const Bytes out = CmdSubmit(2, UsbIp::DIR_OUT, 0, 4, VENDOR_OUT, {1, 2, 3, 4});
    const Bytes unlink = CmdUnlink(3, 1);
    stream.insert(stream.end(), out.begin(), out.end());
    stream.insert(stream.end(), unlink.begin(), unlink.end());

    for (const size_t step : {size_t{1}, size_t{7}, size_t{48}, stream.size()}) {
        CAPTURE(step);
        UsbIp::Reader reader;
        std::vector<UsbIp::Command> commands;
        for (size_t at = 0; at < stream.size(); at += step) {
            reader.Feed(stream.data() + at, std::min(step, stream.size() - at));
            while (auto c = reader.Next()) commands.push_back(std::move(*c));
        }
        REQUIRE(commands.size() == 3);
        CHECK(reader.GetBuffered() == 0);

        const auto& in = std::get<UsbIp::Submit>(commands[0]);
        CHECK(in.seqnum == 1);
        CHECK(in.devid == 0x10002);
        CHECK(in.IsIn());
        CHECK(in.ep == 0);
        CHECK(in.length == 64);
        CHECK(in.transfer_flags == 0x200);
        CHECK(in.interval == 4);
        CHECK(in.setup == GET_DEVICE_DESCRIPTOR);
        CHECK(in.data.empty());

        const auto& o = std::get<UsbIp::Submit>(commands[1]);
        CHECK_FALSE(o.IsIn());
        CHECK(o.setup == VENDOR_OUT);
        CHECK(o.data == Bytes{1, 2, 3, 4});

        const auto& u = std::get<UsbIp::Unlink>(commands[2]);
        CHECK(u.seqnum == 3);
        CHECK(u.unlink_seqnum == 1);
    }
}

TEST_CASE("USB/IP: what the emulator does not speak is refused, not guessed") {
    const auto refuse = [](const Bytes& bytes) {
        UsbIp::Reader reader;
        reader.Feed(bytes.data(), bytes.size());
        CHECK_THROWS_AS(reader.Next(), UsbIp::ProtocolError);
    };
    Bytes unknown = CmdUnlink(1, 0);
    unknown[3] = 7;
    refuse(unknown);
    refuse(CmdSubmit(1, UsbIp::DIR_IN, 1, 192, {}, {}, 8));   // isochronous
    refuse(CmdSubmit(1, 2, 0, 8, {}));                        // no such direction
    refuse(CmdSubmit(1, UsbIp::DIR_IN, 16, 8, {}));           // no such endpoint
    refuse(CmdSubmit(1, UsbIp::DIR_IN, 0, 1024 * 1024, {}));  // too big
    /* The protocol document's marker for "not isochronous" is accepted too. */
    UsbIp::Reader reader;
    const Bytes marked = CmdSubmit(1, UsbIp::DIR_IN, 3, 8, {}, {}, UsbIp::NOT_ISO);
    reader.Feed(marked.data(), marked.size());
    CHECK(reader.Next().has_value());
    /* An OUT transfer waits for all of its data. */
    const Bytes out = CmdSubmit(2, UsbIp::DIR_OUT, 0, 4, VENDOR_OUT, {9, 9, 9, 9});
    reader.Feed(out.data(), out.size() - 1);
    CHECK_FALSE(reader.Next().has_value());
    reader.Feed(out.data() + out.size() - 1, 1);
    CHECK(reader.Next().has_value());
}

TEST_CASE("USB/IP: RET_SUBMIT carries the IN data, a STALL, or what OUT took") {
    UsbIp::Submit in;
    in.seqnum = 0x01020304;
    in.direction = UsbIp::DIR_IN;
    in.length = 18;
    const Bytes reply = UsbIp::EncodeRetSubmit(in, 0, {0x12, 0x01, 0x00, 0x02});
    REQUIRE(reply.size() == UsbIp::HEADER_SIZE + 4);
    CHECK(At(reply, 0) == UsbIp::RET_SUBMIT);
    CHECK(At(reply, 4) == 0x01020304);
    CHECK(At(reply, 8) == 0);   // devid
    CHECK(At(reply, 12) == 0);  // direction
    CHECK(At(reply, 16) == 0);  // ep
    CHECK(At(reply, 20) == 0);  // status
    CHECK(At(reply, 24) == 4);  // actual_length
    CHECK(At(reply, 32) == 0);  // number_of_packets: not isochronous
    CHECK(Bytes(reply.begin() + 48, reply.end()) == Bytes{0x12, 0x01, 0x00, 0x02});

    const Bytes stall = UsbIp::EncodeRetSubmit(in, -EPIPE, {});
    CHECK(stall.size() == UsbIp::HEADER_SIZE);
    CHECK(static_cast<int32_t>(At(stall, 20)) == -EPIPE);
    CHECK(At(stall, 24) == 0);

    /* More than the host asked for would be taken as malicious by vhci. */
    CHECK_THROWS_AS(UsbIp::EncodeRetSubmit(in, 0, Bytes(19, 0)), std::logic_error);

    UsbIp::Submit out;
    out.seqnum = 9;
    out.length = 4;
    out.data = {1, 2, 3, 4};
    const Bytes taken = UsbIp::EncodeRetSubmit(out, 0, {}, 4);
    CHECK(taken.size() == UsbIp::HEADER_SIZE);
    CHECK(At(taken, 24) == 4);
}

TEST_CASE("USB/IP: a held URB is dropped on unlink; every unlink is answered") {
    UsbIp::Pending pending;
    UsbIp::Submit interrupt;
    interrupt.direction = UsbIp::DIR_IN;
    interrupt.ep = 3;
    interrupt.length = 8;
    interrupt.seqnum = 5;
    pending.Hold(interrupt);
    interrupt.seqnum = 6;
    pending.Hold(interrupt);
    CHECK(pending.GetCount() == 2);

    /* Unlinked while held: -ECONNRESET, and it is never answered now. */
    const Bytes dropped = pending.Unlink({.seqnum = 7, .devid = 0, .unlink_seqnum = 5});
    CHECK(At(dropped, 0) == UsbIp::RET_UNLINK);
    CHECK(At(dropped, 4) == 7);
    CHECK(static_cast<int32_t>(At(dropped, 20)) == -ECONNRESET);
    CHECK(pending.GetCount() == 1);

    /* The oldest one left is the one to answer. */
    const auto next = pending.Take(3);
    REQUIRE(next);
    CHECK(next->seqnum == 6);
    CHECK_FALSE(pending.Take(3));

    /* Already answered (or never seen): 0, still answered. */
    const Bytes late = pending.Unlink({.seqnum = 8, .devid = 0, .unlink_seqnum = 6});
    CHECK(static_cast<int32_t>(At(late, 20)) == 0);
    CHECK(late.size() == UsbIp::HEADER_SIZE);
}
