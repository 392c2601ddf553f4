// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <vector>

#include "tests/usbip/Scarlett2.hpp"

namespace {

using Bytes = std::vector<uint8_t>;
using UsbIp::Scarlett2Device;
namespace Cmd = UsbIp::Scarlett2Cmd;

constexpr uint8_t IFACE = 1;

void Le(Bytes& out, uint32_t v, size_t bytes) {
    for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint32_t Le32(const Bytes& b, size_t at) {
    return uint32_t{b[at]} | uint32_t{b[at + 1]} << 8 | uint32_t{b[at + 2]} << 16 |
           uint32_t{b[at + 3]} << 24;
}

/** One command as scarlett2_usb() sends it, and the response it then reads:
 *  16 + @p expected bytes. */
Bytes Exchange(Scarlett2Device& device, uint32_t cmd, uint16_t seq, const Bytes& payload,
               size_t expected) {
    Bytes request;
    Le(request, cmd, 4);
    Le(request, static_cast<uint32_t>(payload.size()), 2);
    Le(request, seq, 2);
    Le(request, 0, 8);
    request.insert(request.end(), payload.begin(), payload.end());
    const auto sent =
        device.Control({0x21, 2, 0, IFACE, static_cast<uint16_t>(request.size())}, request);
    REQUIRE(sent);
    REQUIRE_FALSE(sent->stall);
    const auto response =
        device.Control({0xA1, 3, 0, IFACE, static_cast<uint16_t>(16 + expected)}, {});
    REQUIRE(response);
    REQUIRE_FALSE(response->stall);
    /* What the driver checks: length, command, sequence, size, error, padding. */
    REQUIRE(response->data.size() == 16 + expected);
    CHECK(Le32(response->data, 0) == cmd);
    CHECK((response->data[4] | response->data[5] << 8) == expected);
    CHECK((response->data[6] | response->data[7] << 8) == seq);
    CHECK(Le32(response->data, 8) == 0);
    CHECK(Le32(response->data, 12) == 0);
    return Bytes(response->data.begin() + 16, response->data.end());
}

Bytes GetData(uint32_t offset, uint32_t size) {
    Bytes p;
    Le(p, offset, 4);
    Le(p, size, 4);
    return p;
}

}  // namespace

TEST_CASE("scarlett2: the 6.1 driver's initialisation, then reads and writes of the memory") {
    Bytes memory(0x100, 0);
    memory[0x07] = 2;  // direct monitor: stereo
    Scarlett2Device device(IFACE, memory);

    /* Step 0: 24 bytes, whatever they hold. */
    const auto step0 = device.Control({0xA1, 0, 0, IFACE, 24}, {});
    REQUIRE(step0);
    CHECK(step0->data.size() == 24);

    CHECK(Exchange(device, Cmd::INIT_1, 1, {}, 0).empty());
    CHECK(Exchange(device, Cmd::INIT_2, 1, {}, 84).size() == 84);
    /* MSD mode must read 0, or the driver makes only its switch. */
    CHECK(Exchange(device, Cmd::GET_DATA, 2, GetData(0x04, 1), 1) == Bytes{0});
    CHECK(Exchange(device, Cmd::GET_DATA, 3, GetData(0x07, 1), 1) == Bytes{2});
    CHECK(Le32(Exchange(device, Cmd::GET_SYNC, 4, {}, 4), 0) == 1);

    /* "Line In 1 Air Capture Switch" on: SET_DATA of one byte, then "activate". */
    Bytes set = GetData(0x09, 1);
    set.push_back(1);
    CHECK(Exchange(device, Cmd::SET_DATA, 5, set, 0).empty());
    Bytes activate;
    Le(activate, 8, 4);
    CHECK(Exchange(device, Cmd::DATA_CMD, 6, activate, 0).empty());
    CHECK(device.GetConfig()[0x09] == 1);
    CHECK(Exchange(device, Cmd::GET_DATA, 7, GetData(0x08, 2), 2) == Bytes{0, 1});

    /* A two-byte value (a volume) is little-endian. */
    Bytes volume = GetData(0x34, 2);
    Le(volume, 0xFFF6, 2);  // -10
    CHECK(Exchange(device, Cmd::SET_DATA, 8, volume, 0).empty());
    CHECK(device.GetConfig()[0x34] == 0xF6);
    CHECK(device.GetConfig()[0x35] == 0xFF);

    REQUIRE(device.GetLog().size() == 9);
    CHECK(device.GetLog()[5].cmd == Cmd::SET_DATA);
    CHECK(device.GetLog()[6].payload == activate);
}

TEST_CASE("scarlett2: what is not ours, malformed or unknown gets what the driver would see") {
    Scarlett2Device device(IFACE, Bytes(0x100, 0));
    /* Another interface, or a standard request: not the vendor protocol's. */
    CHECK_FALSE(device.Control({0xA1, 0, 0, 0, 24}, {}));
    /* A response with no command before it, a command shorter than its header, a
     * size field that disagrees with the payload: stalled. */
    CHECK(device.Control({0xA1, 3, 0, IFACE, 16}, {})->stall);
    CHECK(device.Control({0x21, 2, 0, IFACE, 8}, Bytes(8, 0))->stall);
    Bytes lying;
    Le(lying, Cmd::GET_DATA, 4);
    Le(lying, 8, 2);
    Le(lying, 2, 2);
    Le(lying, 0, 8);
    CHECK(device.Control({0x21, 2, 0, IFACE, 16}, lying)->stall);
    /* An unknown command, or a read beyond the memory: the error field is set, which
     * the driver reports as an invalid response. */
    for (const uint32_t cmd : {0x00009999u, Cmd::GET_DATA}) {
        Bytes request;
        Le(request, cmd, 4);
        Le(request, 8, 2);
        Le(request, 9, 2);
        Le(request, 0, 8);
        const Bytes beyond = GetData(0xFF, 2);
        request.insert(request.end(), beyond.begin(), beyond.end());
        REQUIRE_FALSE(device.Control({0x21, 2, 0, IFACE, 24}, request)->stall);
        const auto response = device.Control({0xA1, 3, 0, IFACE, 16}, {});
        REQUIRE(response);
        CHECK(Le32(response->data, 8) != 0);
    }
}

TEST_CASE("scarlett2: mixes, routing and meters keep what the driver writes") {
    Scarlett2Device device(IFACE, Bytes(0x100, 0));
    /* Never written: a mix of 25 inputs reads all 0 (-80 dB), routing all 0 (Off). */
    Bytes get_mix;
    Le(get_mix, 3, 2);
    Le(get_mix, 25, 2);
    CHECK(Exchange(device, Cmd::GET_MIX, 1, get_mix, 50) == Bytes(50, 0));
    Bytes get_mux;
    Le(get_mux, 0, 2);
    Le(get_mux, 65, 2);
    CHECK(Exchange(device, Cmd::GET_MUX, 2, get_mux, 260) == Bytes(260, 0));

    /* SET_MIX of mix 3: input 1 at 0 dB (8192). */
    Bytes set_mix;
    Le(set_mix, 3, 2);
    Le(set_mix, 8192, 2);
    for (int i = 1; i < 25; ++i) Le(set_mix, 0, 2);
    CHECK(Exchange(device, Cmd::SET_MIX, 3, set_mix, 0).empty());
    REQUIRE(device.GetMix(3).size() == 25);
    CHECK(device.GetMix(3)[0] == 8192);
    const Bytes mix = Exchange(device, Cmd::GET_MIX, 4, get_mix, 50);
    CHECK((mix[0] | mix[1] << 8) == 8192);

    /* SET_MUX tables 0 and 1; GET_MUX reads table 0: Analogue 1 out <- PCM 1. */
    for (uint16_t table = 0; table < 2; ++table) {
        Bytes set_mux;
        Le(set_mux, 0, 2);
        Le(set_mux, table, 2);
        Le(set_mux, 0x080 | (0x600 + table) << 12, 4);
        CHECK(Exchange(device, Cmd::SET_MUX, 5, set_mux, 0).empty());
    }
    CHECK(device.GetMux(1) == std::vector<uint32_t>{0x601080});
    const Bytes mux = Exchange(device, Cmd::GET_MUX, 6, get_mux, 260);
    CHECK(Le32(mux, 0) == 0x600080);
    CHECK(Le32(mux, 4) == 0);

    /* GET_METER: the level set, for as many meters as asked (magic 1 only). */
    device.SetMeterLevel(1234);
    Bytes get_meter;
    Le(get_meter, 0, 2);
    Le(get_meter, 65, 2);
    Le(get_meter, 1, 4);
    const Bytes levels = Exchange(device, Cmd::GET_METER, 7, get_meter, 260);
    CHECK(Le32(levels, 0) == 1234);
    CHECK(Le32(levels, 256) == 1234);

    /* The log's one-line form, which the VM tests match. */
    Bytes set_volume = GetData(0x34, 2);
    Le(set_volume, 0xFFF6, 2);
    CHECK(UsbIp::Describe(Cmd::SET_DATA, set_volume) == "SET_DATA offset 0x34 size 2 value -10");
    CHECK(UsbIp::Describe(Cmd::GET_DATA, GetData(0x31, 71)) == "GET_DATA offset 0x31 size 71");
    CHECK(UsbIp::Describe(Cmd::SET_MIX, set_mix).rfind("SET_MIX mix 3 gains 8192 0 0", 0) == 0);
    CHECK(UsbIp::Describe(Cmd::GET_METER, get_meter) == "GET_METER count 65");
    CHECK(UsbIp::Describe(0x9999, Bytes(3, 0)) == "command 0x9999 payload 3 bytes");
}
