// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <vector>

#include "tests/usbip/UsbDevice.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

UsbIp::Setup In(uint8_t type, uint8_t request, uint16_t value, uint16_t index, uint16_t length) {
    return {type, request, value, index, length};
}

UsbIp::DeviceCore Scarlett2i2() {
    return UsbIp::DeviceCore(
        UsbIp::FocusriteDescriptors(0x8210, 0x0645, "Scarlett 2i2 USB", "Y8ABC123456789"));
}

/** The configuration's descriptors, each as its bytes, in order. */
std::vector<Bytes> Walk(const Bytes& configuration) {
    std::vector<Bytes> out;
    for (size_t at = 0; at < configuration.size();) {
        const size_t length = configuration[at];
        REQUIRE(length >= 2);
        REQUIRE(at + length <= configuration.size());
        out.emplace_back(configuration.begin() + static_cast<std::ptrdiff_t>(at),
                         configuration.begin() + static_cast<std::ptrdiff_t>(at + length));
        at += length;
    }
    return out;
}

}  // namespace

TEST_CASE("USB device: SETUP packets decode little-endian") {
    const auto s = UsbIp::Setup::From({0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x40, 0x00});
    CHECK(s.IsIn());
    CHECK(s.GetType() == 0);
    CHECK(s.request == 6);
    CHECK(s.value == 0x0100);
    CHECK(s.length == 64);
    CHECK(UsbIp::Setup::From({0x21, 0x02, 0, 0, 0x05, 0, 0x10, 0}).GetType() == 1);
}

TEST_CASE("USB device: the descriptors a Focusrite device needs for the scarlett2 driver") {
    auto device = Scarlett2i2();
    /* Enumeration asks for 64 bytes of the device descriptor first, then 18. */
    const auto first = device.Standard(In(0x80, 6, 0x0100, 0, 64));
    REQUIRE(first);
    CHECK_FALSE(first->stall);
    REQUIRE(first->data.size() == 18);
    const Bytes& d = first->data;
    CHECK(d[1] == 1);
    CHECK((d[2] | d[3] << 8) == 0x0200);
    CHECK(d[4] == 0xEF);  // functions described by interface associations
    CHECK(d[7] == 64);
    CHECK((d[8] | d[9] << 8) == 0x1235);
    CHECK((d[10] | d[11] << 8) == 0x8210);
    CHECK(d[17] == 1);
    CHECK(device.Standard(In(0x80, 6, 0x0100, 0, 8))->data.size() == 8);

    /* The configuration: its header first (9 bytes), then all of it. */
    const auto header = device.Standard(In(0x80, 6, 0x0200, 0, 9));
    REQUIRE(header);
    REQUIRE(header->data.size() == 9);
    const uint16_t total = static_cast<uint16_t>(header->data[2] | header->data[3] << 8);
    const auto whole = device.Standard(In(0x80, 6, 0x0200, 0, 0xffff));
    REQUIRE(whole);
    REQUIRE(whole->data.size() == total);
    const auto descriptors = Walk(whole->data);
    CHECK(descriptors[0][4] == 2);  // two interfaces

    /* What snd-usb-audio and mixer_scarlett2.c look for, in this order: an interface
     * association covering a UAC2 AudioControl interface with no endpoint, and a
     * vendor interface whose first endpoint is interrupt IN. */
    REQUIRE(descriptors.size() == 6);
    const Bytes& iad = descriptors[1];
    CHECK(iad[1] == 11);
    CHECK(iad[2] == 0);     // first interface
    CHECK(iad[4] == 1);     // audio
    CHECK(iad[6] == 0x20);  // UAC2
    const Bytes& ac = descriptors[2];
    CHECK(ac[1] == 4);
    CHECK(ac[4] == 0);  // no endpoint
    CHECK(ac[5] == 1);
    CHECK(ac[6] == 1);
    CHECK(ac[7] == 0x20);
    CHECK(descriptors[3][1] == 0x24);  // its class-specific header
    const Bytes& vendor = descriptors[4];
    CHECK(vendor[1] == 4);
    CHECK(vendor[4] == 1);
    CHECK(vendor[5] == 0xFF);
    const Bytes& endpoint = descriptors[5];
    CHECK(endpoint[1] == 5);
    CHECK(endpoint[2] == 0x83);     // IN, 3
    CHECK((endpoint[3] & 3) == 3);  // interrupt
    CHECK((endpoint[4] | endpoint[5] << 8) >= 8);

    /* Strings: the languages, then UTF-16LE; the serial is what sysfs shows. */
    CHECK(device.Standard(In(0x80, 6, 0x0300, 0, 255))->data == Bytes{4, 3, 0x09, 0x04});
    const auto serial = device.Standard(In(0x80, 6, 0x0302, 0x0409, 255));
    REQUIRE(serial);
    REQUIRE(serial->data.size() == 2 + 2 * 14);
    CHECK(serial->data[2] == 'Y');
    CHECK(serial->data[3] == 0);
    CHECK(device.Standard(In(0x80, 6, 0x0304, 0x0409, 255))->data.size() == 2 + 2 * 17);
    CHECK(device.Standard(In(0x80, 6, 0x0309, 0x0409, 255))->stall);
}

TEST_CASE("USB device: configuration, the other standard requests, and what is not ours") {
    auto device = Scarlett2i2();
    CHECK(device.GetConfiguration() == 0);
    const auto set = device.Standard(In(0x00, 9, 1, 0, 0));
    REQUIRE(set);
    CHECK_FALSE(set->stall);
    CHECK(device.GetConfiguration() == 1);
    CHECK(device.Standard(In(0x80, 8, 0, 0, 1))->data == Bytes{1});
    CHECK(device.Standard(In(0x00, 9, 2, 0, 0))->stall);
    CHECK(device.GetConfiguration() == 1);
    CHECK_FALSE(device.Standard(In(0x01, 11, 0, 1, 0))->stall);  // SET_INTERFACE alt 0
    CHECK(device.Standard(In(0x01, 11, 1, 1, 0))->stall);        // no alt 1
    CHECK(device.Standard(In(0x80, 0, 0, 0, 2))->data == Bytes{0, 0});
    CHECK_FALSE(device.Standard(In(0x02, 1, 0, 0x83, 0))->stall);  // CLEAR_FEATURE halt
    /* Device qualifier and BOS are stalled; so is a request we do not know. */
    CHECK(device.Standard(In(0x80, 6, 0x0600, 0, 10))->stall);
    CHECK(device.Standard(In(0x80, 6, 0x0F00, 0, 5))->stall);
    CHECK(device.Standard(In(0x00, 7, 0x0100, 0, 18))->stall);  // SET_DESCRIPTOR
    /* Class and vendor requests (the scarlett2 protocol) are the caller's. */
    CHECK_FALSE(device.Standard(In(0xA1, 0, 0, 1, 24)));
    CHECK_FALSE(device.Standard(In(0x21, 2, 0, 1, 16)));
    CHECK_FALSE(device.Standard(In(0xC0, 1, 0, 0, 4)));
}
