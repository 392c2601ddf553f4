// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "Parts.hpp"

using nlohmann::json;
using TestData::Parts;

namespace {

const std::string ID = "usb-1235-8215-METERS";

TestData::Device Metered() {
    auto controls = TestData::SmallControlSet();
    controls.push_back(TestData::LevelMeter(7, 4));
    return TestData::MakeDevice(TestData::ScarlettIdentity(ID, "METERS", 1), std::move(controls));
}

size_t MeterLines(TestData::Peer& peer) {
    size_t n = 0;
    for (const auto& m : peer.Take()) n += m.value("method", "") == "meters";
    return n;
}

}  // namespace

TEST_CASE("MeterPoller reads the Level Meter only while someone subscribes, at the highest rate") {
    Parts parts({Metered()});
    auto& device = *parts.cards_in_memory.devices[0].fake;
    parts.cards->Start();
    auto a = parts.Connect();
    ClientSession& session_a = *parts.last;
    auto b = parts.Connect();
    ClientSession& session_b = *parts.last;

    /* No subscription: no reads, no timer (a bounded wait has nothing to run). */
    parts.RunFor(200);
    CHECK(device.Reads(7) == 0);

    parts.meters->Add(session_a, 1, ID, 10);
    parts.meters->Add(session_b, 2, ID, 50);
    CHECK(parts.meters->Count(session_a) == 1);
    parts.RunFor(500);
    /* Until no reading is on the card's thread: each one done has been sent. */
    parts.Pump();
    /* 50 Hz for 0.5 s: at most 25 reads (fewer on a busy machine), each serving both
     * subscribers. */
    const size_t reads = device.Reads(7);
    CHECK(reads >= 5);
    CHECK(reads <= 27);
    CHECK(MeterLines(a) == reads);
    CHECK(MeterLines(b) == reads);

    /* The fast one leaves: 10 Hz. */
    CHECK(parts.meters->Remove(session_b, 2));
    CHECK_FALSE(parts.meters->Remove(session_b, 2));
    const size_t before = device.Reads(7);
    parts.RunFor(500);
    CHECK(device.Reads(7) - before <= 6);
    CHECK(MeterLines(b) == 0);

    /* Offline: the polling stops; online again: it resumes for the same subscriber. */
    device.Unplug();
    parts.Pump();
    const size_t unplugged = device.Reads(7);
    parts.RunFor(300);
    CHECK(device.Reads(7) == unplugged);
    device.Replug();
    parts.cards->Rescan();
    parts.RunFor(300);
    CHECK(device.Reads(7) > unplugged);

    /* The session goes: nothing polls any more. */
    parts.meters->RemoveAll(session_a);
    CHECK(parts.meters->Count(session_a) == 0);
    /* A reading already on the card's thread still comes back. */
    parts.Pump();
    const size_t gone = device.Reads(7);
    const auto wakeups = parts.loop.GetWakeups();
    parts.loop.RunOnce(300);
    CHECK(parts.loop.GetWakeups() == wakeups + 1);
    CHECK(device.Reads(7) == gone);
}
