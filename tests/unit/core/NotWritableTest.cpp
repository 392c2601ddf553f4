// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "Fixtures.hpp"
#include "daemon/core/NotWritable.hpp"

using TestData::Integer;

namespace {

Alsa::Control Enum(unsigned numid, const std::string& name, std::vector<std::string> items,
                   int64_t value) {
    Alsa::Control c = Integer(numid, name, value);
    c.info.type = Alsa::ElemType::Enumerated;
    c.info.items = std::move(items);
    return c;
}

Alsa::Control ReadOnly(Alsa::Control c) {
    c.info.access.write = false;
    return c;
}

std::string Why(const Core::Device& device, unsigned numid) {
    const auto why = Core::WhyNotWritable(device, device.controls.at(numid));
    return why ? why->reason + (why->control ? " " + *why->control : "") : "writable";
}

}  // namespace

TEST_CASE("WhyNotWritable names what the device's other controls say") {
    Core::Device device;
    auto add = [&](Alsa::Control c) { device.controls.emplace(c.info.id.numid, std::move(c)); };
    add(Enum(1, "Line Out 01 Volume Control Playback Enum", {"SW", "HW"}, 1));
    add(ReadOnly(Integer(2, "Line 01 (Monitor L) Playback Volume", 0)));
    add(ReadOnly(Integer(3, "Line 01 Mute Playback Switch", 0)));
    add(Enum(4, "Line Out 02 Volume Control Playback Enum", {"SW", "HW"}, 0));
    add(ReadOnly(Integer(5, "Line 02 (Monitor R) Playback Volume", 0)));
    add(ReadOnly(Integer(6, "Sync Status", 0)));
    add(Integer(7, "Mix A Input 01 Playback Volume", 0));
    CHECK(Why(device, 2) == "hardware_control Line Out 01 Volume Control Playback Enum");
    CHECK(Why(device, 3) == "hardware_control Line Out 01 Volume Control Playback Enum");
    CHECK(Why(device, 5) == "read_only"); /* its line is SW: the driver's own reason */
    CHECK(Why(device, 6) == "read_only");
    CHECK(Why(device, 7) == "writable");
    device.controls.at(7).info.access.locked = true;
    CHECK(Why(device, 7) == "locked");

    SUBCASE("speaker switching keeps the monitor lines' HW/SW switches") {
        add(Enum(8, "Speaker Switching Playback Enum", {"Off", "Main", "Alt"}, 1));
        device.controls.at(1).info.access.write = false;
        CHECK(Why(device, 1) == "speaker_switching Speaker Switching Playback Enum");
        device.controls.at(8).value.numbers = {0};
        CHECK(Why(device, 1) == "read_only");
    }
    SUBCASE("autogain holds the inputs' settings while it runs") {
        add(Integer(9, "Line In 2 Autogain Capture Switch", 1));
        add(ReadOnly(Integer(10, "Line In 1 Gain Capture Volume", 0)));
        add(ReadOnly(Integer(11, "Input Select Capture Enum", 0)));
        CHECK(Why(device, 10) == "autogain Line In 2 Autogain Capture Switch");
        CHECK(Why(device, 11) == "autogain Line In 2 Autogain Capture Switch");
        CHECK(Why(device, 6) == "read_only");
        device.controls.at(9).value.numbers = {0};
        CHECK(Why(device, 10) == "read_only");
    }
}
