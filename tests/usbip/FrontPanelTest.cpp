// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "tests/usbip/FrontPanel.hpp"

namespace {

using UsbIp::ApplyPanel;
namespace Notify = UsbIp::Notify;

uint32_t Bits(const UsbIp::PanelResult& result) {
    INFO((std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : ""));
    REQUIRE(std::holds_alternative<uint32_t>(result));
    return std::get<uint32_t>(result);
}

}  // namespace

TEST_CASE("front panel: each action changes the memory where the driver reads it, and says so") {
    const UsbIp::Model& big = *UsbIp::FindModel("18i20-gen3");
    UsbIp::Scarlett2Device device(1, big.config);
    const auto& memory = device.GetConfig();

    /* The knob: le16 dB at 0x76, the "monitor" bit. */
    CHECK(Bits(ApplyPanel(big, device, "knob -20")) == Notify::MONITOR);
    CHECK(memory[0x76] == 0xEC);
    CHECK(memory[0x77] == 0xFF);
    CHECK(Bits(ApplyPanel(big, device, "dim 1")) == Notify::DIM_MUTE);
    CHECK(memory[0x32] == 1);
    CHECK(Bits(ApplyPanel(big, device, "mute 1")) == Notify::DIM_MUTE);
    CHECK(memory[0x31] == 1);
    /* Alt and Talkback: bits 0 and 1 at 0x9f, "monitor other". */
    CHECK(Bits(ApplyPanel(big, device, "talk 1")) == Notify::MONITOR_OTHER);
    CHECK(Bits(ApplyPanel(big, device, "alt 1")) == Notify::MONITOR_OTHER);
    CHECK(memory[0x9f] == 3);
    CHECK(Bits(ApplyPanel(big, device, "talk 0")) == Notify::MONITOR_OTHER);
    CHECK(memory[0x9f] == 1);
    /* Inst: a byte per input from 0x7c. */
    CHECK(Bits(ApplyPanel(big, device, "inst 2 1")) == Notify::INPUT_OTHER);
    CHECK(memory[0x7d] == 1);
    CHECK(memory[0x7c] == 0);
    CHECK(device.IsLocked());
    CHECK(Bits(ApplyPanel(big, device, "sync 0")) == Notify::SYNC);
    CHECK_FALSE(device.IsLocked());

    /* The 2i2: Inst is a bit per input at 0x08; it has no monitor section or sync. */
    const UsbIp::Model& small = *UsbIp::FindModel("2i2-gen3");
    UsbIp::Scarlett2Device little(1, small.config);
    CHECK(Bits(ApplyPanel(small, little, "inst 2 1")) == Notify::INPUT_OTHER);
    CHECK(little.GetConfig()[0x08] == 0x02);
    CHECK(Bits(ApplyPanel(small, little, "inst 1 1")) == Notify::INPUT_OTHER);
    CHECK(Bits(ApplyPanel(small, little, "inst 2 0")) == Notify::INPUT_OTHER);
    CHECK(little.GetConfig()[0x08] == 0x01);

    /* What cannot be done changes nothing and says why. */
    const auto before = little.GetConfig();
    for (const char* bad : {"knob -20", "dim 1", "alt 1", "sync 0", "inst 3 1", "inst 1 2",
                            "inst 1", "knob", "spin 1", "inst 1 1 1"}) {
        INFO(bad);
        CHECK(std::holds_alternative<std::string>(ApplyPanel(small, little, bad)));
    }
    CHECK(little.GetConfig() == before);
    CHECK(std::holds_alternative<std::string>(ApplyPanel(big, device, "knob 1")));
    CHECK(std::holds_alternative<std::string>(ApplyPanel(big, device, "knob -128")));
}
