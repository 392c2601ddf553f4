// SPDX-License-Identifier: GPL-3.0-or-later
/* The last state kept as text between records: always what encoding the whole device
 * again would write. */
#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "Harness.hpp"
#include "daemon/methods/PresetApply.hpp"
#include "daemon/methods/StateText.hpp"

using T = Alsa::ElemType;

namespace {

std::string Full(const Core::Device& device) {
    return State::SerializePreset(Methods::CurrentState(device));
}

std::vector<Core::Device> EveryDevice() {
    std::vector<Core::Device> devices;
    auto add = [&devices](const TestData::Device& d) {
        Core::Device device;
        device.identity = d.identity;
        device.online = true;
        for (const auto& [numid, info] : d.infos)
            device.controls[numid] = {info, d.fake->Get(numid)};
        devices.push_back(std::move(device));
    };
    add(TestData::MakeDevice(TestData::ScarlettIdentity("every-kind", "P1", 0),
                             TestData::EveryKindControlSet()));
    const std::filesystem::path dumps =
        std::filesystem::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";
    for (const auto& entry : std::filesystem::directory_iterator(dumps))
        if (entry.path().extension() == ".state")
            add(TestData::MakeStateDevice(entry.path().string(), "", 0));
    return devices;
}

/** Another value for @p c, as a change would bring. */
Alsa::Value Other(const Alsa::Control& c, std::mt19937& random) {
    Alsa::Value v = c.value;
    for (auto& n : v.numbers) {
        if (c.info.type == T::Boolean)
            n = !n;
        else if (c.info.type == T::Enumerated && !c.info.items.empty())
            n = static_cast<int64_t>(random() % c.info.items.size());
        else if (c.info.max > c.info.min)
            n = c.info.min +
                static_cast<int64_t>(random() % static_cast<uint64_t>(c.info.max - c.info.min + 1));
    }
    for (auto& b : v.bytes) b = static_cast<uint8_t>('a' + random() % 26);
    return v;
}

}  // namespace

TEST_CASE("StateText is the whole device encoded again, after any changes") {
    auto devices = EveryDevice();
    REQUIRE(devices.size() > 20);
    std::mt19937 random(7);
    size_t changes = 0;
    for (auto& device : devices) {
        CAPTURE(device.identity.id);
        Methods::StateText text;
        CHECK(text.Text(device) == Full(device));
        for (int round = 0; round < 3; ++round) {
            /* Some controls change, some of them twice; every kind, kept or not. */
            for (auto& [numid, c] : device.controls) {
                if (random() % 4 != 0) continue;
                c.value = Other(c, random);
                text.Changed(numid);
                if (random() % 2 == 0) {
                    c.value = Other(c, random);
                    text.Changed(numid);
                }
                ++changes;
            }
            CHECK(text.Text(device) == Full(device));
        }
        /* A control that stops being a setting (locked) leaves after a Reset. */
        for (auto& [numid, c] : device.controls) {
            if (!Methods::IsPresetEntry(c.info)) continue;
            c.info.access.locked = true;
            break;
        }
        text.Reset();
        CHECK(text.Text(device) == Full(device));
        /* A control gone without a Reset: the text is built again, not left stale. */
        if (!device.controls.empty()) {
            for (auto& [numid, c] : device.controls) text.Changed(numid);
            device.controls.erase(device.controls.begin()->first);
            CHECK(text.Text(device) == Full(device));
        }
    }
    CHECK(changes > 1000);
}

TEST_CASE(
    "StateText: a change nobody reports is not in the text (only changed lines are encoded)") {
    Core::Device device;
    device.identity = TestData::ScarlettIdentity("small", "P2", 0);
    for (auto& c : TestData::SmallControlSet()) device.controls[c.info.id.numid] = c;
    Methods::StateText text;
    const std::string before = text.Text(device);
    REQUIRE(before == Full(device));
    device.controls[1].value.numbers = {99};
    CHECK(text.Text(device) == before);
    text.Changed(1);
    const std::string after = text.Text(device);
    CHECK(after == Full(device));
    CHECK(after.find("=99\n") != std::string::npos);
}
