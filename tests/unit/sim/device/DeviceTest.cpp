// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/device/Device.hpp"
#include "sim/models/Models.hpp"

namespace fs = std::filesystem;
using Sim::ActionError;
using Sim::Device;
using Sim::DeviceEvent;
using Sim::EVENT_INFO;
using Sim::EVENT_NONE;
using Sim::EVENT_VALUE;
using Sim::SimClock;

namespace {

const fs::path FIXTURES = fs::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";

/* The dump's block as a Device, or nullopt (with a message) when the fixtures are absent. */
std::optional<Device> Load(const std::string& file, std::string_view block = {}) {
    const fs::path path = FIXTURES / file;
    if (!fs::exists(path)) {
        MESSAGE("SKIPPED: " << path.string() << " not found (set SCARLETTD_SHARED_DIR)");
        return std::nullopt;
    }
    return Device(Sim::SelectBlock(Sim::LoadStateFile(path), block));
}

std::size_t Idx(const Device& d, std::string_view name) {
    const auto index = d.Find(name);
    REQUIRE_MESSAGE(index.has_value(), "no control '" << name << "'");
    return *index;
}

long long Val(const Device& d, std::string_view name) {
    return d.State(Idx(d, name)).values.at(0);
}

bool Writable(const Device& d, std::string_view name) {
    return d.State(Idx(d, name)).writable;
}

unsigned MaskOf(const std::vector<DeviceEvent>& events, std::size_t index) {
    unsigned mask = 0;
    for (const auto& e : events) {
        if (e.index == index) mask |= e.mask;
    }
    return mask;
}

unsigned MaskOf(const Device& d, const std::vector<DeviceEvent>& events, std::string_view name) {
    return MaskOf(events, Idx(d, name));
}

std::vector<std::string> Words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    return words;
}

const SimClock::time_point T0 = SimClock::time_point{} + std::chrono::hours(1);

std::vector<DeviceEvent> Act(Device& d, const std::string& text, SimClock::time_point now = T0) {
    std::vector<DeviceEvent> events;
    d.Act(Words(text), now, events);
    return events;
}

int Write(Device& d, std::string_view name, long long value, std::vector<DeviceEvent>& events) {
    const std::vector<long long> values(d.State(Idx(d, name)).values.size(), value);
    return d.Write(Idx(d, name), values, events);
}

std::string ActError(Device& d, const std::string& text) {
    try {
        Act(d, text);
    } catch (const ActionError& e) {
        return e.what();
    }
    return "";
}

struct Dump {
    const char* file;
    const char* block;
};
const Dump DUMPS[] = {
    {"scarlett-gen1-18i8.state", ""},
    {"scarlett-gen2-6i6.state", "USB_1"},
    {"scarlett-gen2-18i20.state", ""},
    {"scarlett-gen3-solo.state", "USB_1"},
    {"scarlett-gen3-18i20.state", "USB_1"},
    {"scarlett-gen3-18i20.state", "USB"},
    {"scarlett-gen3-18i8.state", "USB_2"},
    {"scarlett-gen4-2i2.state", ""},
    {"scarlett-gen4-4i4.state", "Gen"},
    {"scarlett-gen4-solo.state", ""},
    {"scarlett-gen4-18i20.state", ""},
    {"clarett-plus-8pre.state", ""},
    {"clarett-8pre.state", ""},
    {"vocaster-one.state", ""},
    {"vocaster-two.state", ""},
};

}  // namespace

TEST_CASE("Write: range, count, read-only and unchanged rules on every model") {
    for (const auto& dump : DUMPS) {
        const std::string where = std::string(dump.file) + " " + dump.block;
        CAPTURE(where);
        auto d = Load(dump.file, dump.block);
        if (!d) return;
        const auto& controls = d->Definition().controls;
        for (std::size_t i = 0; i < d->Size(); ++i) {
            const auto& c = controls[i];
            const auto& s = d->State(i);
            CAPTURE(c.name);
            std::vector<DeviceEvent> events;
            if (c.type == "BYTES" || c.type == "IEC958") {
                CHECK(d->Write(i, std::vector<long long>{0}, events) == -EINVAL);
                continue;
            }
            if (!s.writable) {
                CHECK(d->Write(i, s.values, events) == -EPERM);
                CHECK(events.empty());
                continue;
            }
            const std::vector<long long> same = s.values;
            CHECK(d->Write(i, same, events) == 0);
            CHECK(events.empty());
            std::vector<long long> longer = same;
            longer.push_back(0);
            CHECK(d->Write(i, longer, events) == -EINVAL);
            std::vector<long long> bad = same;
            if (c.type == "BOOLEAN") {
                bad[0] = 2;
            } else if (c.type == "ENUMERATED") {
                bad[0] = static_cast<long long>(c.items.size());
            } else if (c.range && c.range->max < (1LL << 40)) {
                bad[0] = c.range->max + 1;
            } else {
                continue;
            }
            CHECK(d->Write(i, bad, events) == -EINVAL);
            CHECK(events.empty());
        }
        if (const auto meter = d->Find("Level Meter")) {
            CHECK(d->MeterIndex() == meter);
            CHECK(d->MeterLevels().size() == controls[*meter].count);
            std::vector<DeviceEvent> events;
            CHECK(d->Write(*meter, d->State(*meter).values, events) == -EPERM);
        } else {
            CHECK(d->MeterLevels().empty());
        }
        CHECK_FALSE(d->NextDeadline().has_value());
    }
}

TEST_CASE("Write: a changed value gives one VALUE event") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    std::vector<DeviceEvent> events;
    CHECK(Write(*d, "Line In 3 Pad Capture Switch", 1, events) == 0);
    REQUIRE(events.size() == 1);
    CHECK(events[0] == DeviceEvent{Idx(*d, "Line In 3 Pad Capture Switch"), EVENT_VALUE});
    CHECK(Val(*d, "Line In 3 Pad Capture Switch") == 1);
}

TEST_CASE("HW/SW volume switch toggles the line's writability with INFO events") {
    for (const auto& dump :
         {Dump{"scarlett-gen3-18i20.state", "USB_1"}, Dump{"clarett-plus-8pre.state", ""},
          Dump{"scarlett-gen2-18i20.state", ""}}) {
        const std::string where = dump.file;
        CAPTURE(where);
        auto d = Load(dump.file, dump.block);
        if (!d) return;
        const std::string sw = "Line Out 07 Volume Control Playback Enum";
        const auto& controls = d->Definition().controls;
        const auto line = std::find_if(controls.begin(), controls.end(), [](const auto& c) {
            return c.name.starts_with("Line 07 (") || c.name == "Line 07 Playback Volume";
        });
        REQUIRE(line != controls.end());
        const std::size_t volume = static_cast<std::size_t>(line - controls.begin());
        const std::size_t mute = Idx(*d, "Line 07 Mute Playback Switch");
        std::vector<DeviceEvent> events;
        REQUIRE(Write(*d, sw, 0, events) == 0);  // SW
        events.clear();
        REQUIRE(Write(*d, "Mute Playback Switch", 1, events) == 0);
        events.clear();

        REQUIRE(Write(*d, sw, 1, events) == 0);  // HW
        CHECK(MaskOf(*d, events, sw) == EVENT_VALUE);
        CHECK(MaskOf(events, volume) == (EVENT_VALUE | EVENT_INFO));
        CHECK(MaskOf(events, mute) == (EVENT_VALUE | EVENT_INFO));
        CHECK_FALSE(d->State(volume).writable);
        CHECK_FALSE(d->State(mute).writable);
        CHECK(d->State(volume).values[0] == Val(*d, "Master HW Playback Volume"));
        CHECK(d->State(mute).values[0] == 1);  // follows the Mute button
        events.clear();
        CHECK(d->Write(volume, std::vector<long long>{10}, events) == -EPERM);
        CHECK(events.empty());

        REQUIRE(Write(*d, sw, 0, events) == 0);  // back to SW
        CHECK(MaskOf(events, volume) == (EVENT_VALUE | EVENT_INFO));
        CHECK(MaskOf(events, mute) == (EVENT_VALUE | EVENT_INFO));
        CHECK(d->State(volume).writable);
        CHECK(d->State(mute).writable);
        events.clear();
        CHECK(d->Write(volume, std::vector<long long>{10}, events) == 0);
        CHECK(MaskOf(events, volume) == EVENT_VALUE);
    }
}

TEST_CASE("knob on the 18i20 Gen 3 moves the master and the HW-controlled lines only") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    // In the dump lines 1-2 are HW, 3-10 SW.
    REQUIRE_FALSE(Writable(*d, "Line 01 (Monitor 1 L) Playback Volume"));
    const long long sw_before = Val(*d, "Line 03 (Monitor 2 L) Playback Volume");
    auto events = Act(*d, "knob 50");
    CHECK(Val(*d, "Master HW Playback Volume") == 64);
    CHECK(Val(*d, "Line 01 (Monitor 1 L) Playback Volume") == 64);
    CHECK(Val(*d, "Line 02 (Monitor 1 R) Playback Volume") == 64);
    CHECK(Val(*d, "Line 03 (Monitor 2 L) Playback Volume") == sw_before);
    CHECK(MaskOf(*d, events, "Master HW Playback Volume") == EVENT_VALUE);
    CHECK(MaskOf(*d, events, "Line 01 (Monitor 1 L) Playback Volume") == EVENT_VALUE);
    CHECK(MaskOf(*d, events, "Line 02 (Monitor 1 R) Playback Volume") == EVENT_VALUE);
    CHECK(MaskOf(*d, events, "Line 03 (Monitor 2 L) Playback Volume") == 0);
    CHECK(MaskOf(*d, events, "Line 07 (Headphones 1 L) Playback Volume") == 0);
    CHECK(Act(*d, "knob 50").empty());  // not moved: no notification
    Act(*d, "knob 100");
    CHECK(Val(*d, "Master HW Playback Volume") == 127);
    Act(*d, "knob 0");
    CHECK(Val(*d, "Line 02 (Monitor 1 R) Playback Volume") == 0);
    CHECK(ActError(*d, "knob 101").find("percent") != std::string::npos);
    CHECK(ActError(*d, "knob loud").find("percent") != std::string::npos);
}

TEST_CASE("dim and mute buttons") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    auto events = Act(*d, "press dim");
    CHECK(Val(*d, "Dim Playback Switch") == 1);
    CHECK(MaskOf(*d, events, "Dim Playback Switch") == EVENT_VALUE);
    Act(*d, "press dim");
    CHECK(Val(*d, "Dim Playback Switch") == 0);

    events = Act(*d, "press mute");
    CHECK(Val(*d, "Mute Playback Switch") == 1);
    CHECK(MaskOf(*d, events, "Mute Playback Switch") == EVENT_VALUE);
    CHECK(Val(*d, "Line 01 Mute Playback Switch") == 1);  // HW line follows
    CHECK(MaskOf(*d, events, "Line 01 Mute Playback Switch") == EVENT_VALUE);
    CHECK(Val(*d, "Line 03 Mute Playback Switch") == 0);  // SW line does not
    CHECK(MaskOf(*d, events, "Line 03 Mute Playback Switch") == 0);

    // A client's write of the Mute switch does the same to the HW lines.
    events.clear();
    REQUIRE(Write(*d, "Mute Playback Switch", 0, events) == 0);
    CHECK(Val(*d, "Line 02 Mute Playback Switch") == 0);
    CHECK(MaskOf(*d, events, "Line 02 Mute Playback Switch") == EVENT_VALUE);

    auto vocaster = Load("vocaster-one.state");
    if (!vocaster) return;
    CHECK(ActError(*vocaster, "press dim") == "this model has no dim button");
    events = Act(*vocaster, "press mute 1");
    CHECK(Val(*vocaster, "Line In 1 Mute Capture Switch") == 1);
    CHECK(MaskOf(*vocaster, events, "Line In 1 Mute Capture Switch") == EVENT_VALUE);
}

TEST_CASE("speaker switching and talkback on the 18i20 Gen 3") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    CHECK(ActError(*d, "press speaker").find("speaker switching is off") != std::string::npos);
    CHECK(ActError(*d, "press talkback").find("talkback is disabled") != std::string::npos);

    std::vector<DeviceEvent> events;
    REQUIRE(Write(*d, "Speaker Switching Playback Enum", 1, events) == 0);  // Main
    for (const char* n :
         {"Line Out 01 Volume Control Playback Enum", "Line Out 03 Volume Control Playback Enum"}) {
        CAPTURE(n);
        CHECK(Val(*d, n) == 1);  // HW
        CHECK_FALSE(Writable(*d, n));
        CHECK((MaskOf(*d, events, n) & EVENT_INFO) != 0);
    }
    CHECK(Writable(*d, "Line Out 05 Volume Control Playback Enum"));
    CHECK(MaskOf(*d, events, "Line 03 (Monitor 2 L) Playback Volume") ==
          (EVENT_VALUE | EVENT_INFO));
    CHECK_FALSE(Writable(*d, "Line 03 (Monitor 2 L) Playback Volume"));
    CHECK(MaskOf(*d, events, "PCM 01 Capture Enum") == EVENT_VALUE);  // routing refreshed
    events.clear();
    CHECK(Write(*d, "Line Out 03 Volume Control Playback Enum", 0, events) == -EPERM);

    events = Act(*d, "press speaker");
    CHECK(Val(*d, "Speaker Switching Playback Enum") == 2);  // Alt
    CHECK(MaskOf(*d, events, "Speaker Switching Playback Enum") == EVENT_VALUE);

    events.clear();
    REQUIRE(Write(*d, "Speaker Switching Playback Enum", 0, events) == 0);  // Off
    CHECK(Writable(*d, "Line Out 03 Volume Control Playback Enum"));
    CHECK(MaskOf(*d, events, "Line Out 03 Volume Control Playback Enum") == EVENT_INFO);

    events.clear();
    REQUIRE(Write(*d, "Talkback Playback Enum", 1, events) == 0);  // enabled, off
    events = Act(*d, "press talkback");
    CHECK(Val(*d, "Talkback Playback Enum") == 2);
    CHECK(MaskOf(*d, events, "Talkback Playback Enum") == EVENT_VALUE);
}

TEST_CASE("front-panel input buttons") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    auto events = Act(*d, "press phantom 6");
    CHECK(Val(*d, "Line In 5-8 Phantom Power Capture Switch") == 1);
    // Gen 3's "input other" notification refreshes all level/pad/air/phantom elements.
    CHECK(MaskOf(*d, events, "Line In 5-8 Phantom Power Capture Switch") == EVENT_VALUE);
    CHECK(MaskOf(*d, events, "Line In 8 Air Capture Switch") == EVENT_VALUE);
    Act(*d, "press air 3");
    CHECK(Val(*d, "Line In 3 Air Capture Switch") == 1);
    Act(*d, "press inst 2");
    CHECK(Val(*d, "Line In 2 Level Capture Enum") == 1);
    CHECK(ActError(*d, "press inst 3") ==
          "this model has no Inst (line/instrument) button for input 3");
    CHECK(ActError(*d, "press safe 1") == "this model has no Safe button");
    CHECK(ActError(*d, "press air").find("input number") != std::string::npos);

    auto g4 = Load("scarlett-gen4-2i2.state");
    if (!g4) return;
    const long long air = Val(*g4, "Line In 2 Air Capture Enum");
    events = Act(*g4, "press air 2");
    CHECK(Val(*g4, "Line In 2 Air Capture Enum") == (air + 1) % 3);
    CHECK(MaskOf(*g4, events, "Line In 1 Air Capture Enum") == EVENT_VALUE);
    CHECK(MaskOf(*g4, events, "Line In 1 Gain Capture Volume") == 0);
    events = Act(*g4, "press phantom 1");
    CHECK(MaskOf(*g4, events, "Line In 1 Autogain Capture Switch") == EVENT_INFO);
    events = Act(*g4, "press select");
    CHECK(MaskOf(*g4, events, "Input Select Capture Enum") == (EVENT_VALUE | EVENT_INFO));
    Act(*g4, "press safe 2");
    CHECK(Val(*g4, "Line In 2 Safe Capture Switch") == 1);
}

namespace {

void CheckAutogain(Device& d, const char* status_success) {
    const std::size_t gain = Idx(d, "Line In 1 Gain Capture Volume");
    const std::size_t other_gain = Idx(d, "Line In 2 Gain Capture Volume");
    const std::size_t status = Idx(d, "Line In 1 Autogain Status Capture Enum");
    Act(d, "signal 1 -40");
    const auto meter = d.MeterLevels();
    REQUIRE_FALSE(meter.empty());
    CHECK(*std::max_element(meter.begin(), meter.end()) == doctest::Approx(-40.0));

    auto events = Act(d, "autogain 1", T0);
    CHECK(Val(d, "Line In 1 Autogain Capture Switch") == 1);
    CHECK(d.Definition().controls[status].items.at(d.State(status).values[0]) == "Running");
    CHECK(MaskOf(events, status) == EVENT_VALUE);
    CHECK(MaskOf(events, gain) == EVENT_INFO);
    CHECK(MaskOf(events, other_gain) == EVENT_INFO);
    CHECK_FALSE(d.State(gain).writable);
    CHECK_FALSE(d.State(other_gain).writable);
    events.clear();
    CHECK(d.Write(gain, std::vector<long long>{20}, events) == -EPERM);
    CHECK(ActError(d, "autogain 1").find("already running") != std::string::npos);
    CHECK(ActError(d, "press phantom 1").find("autogain") != std::string::npos);

    REQUIRE(d.NextDeadline() == T0 + Sim::AUTOGAIN_TIME);
    d.Advance(T0 + std::chrono::seconds(1), events);
    CHECK(events.empty());
    CHECK(Val(d, "Line In 1 Autogain Capture Switch") == 1);

    const long long before = d.State(gain).values[0];
    d.Advance(T0 + Sim::AUTOGAIN_TIME, events);
    CHECK_FALSE(d.NextDeadline().has_value());
    CHECK(Val(d, "Line In 1 Autogain Capture Switch") == 0);
    CHECK(d.Definition().controls[status].items.at(d.State(status).values[0]) == status_success);
    CHECK(d.State(gain).values[0] > before);
    CHECK(MaskOf(events, gain) == (EVENT_VALUE | EVENT_INFO));
    CHECK(MaskOf(events, other_gain) == EVENT_INFO);
    CHECK(MaskOf(events, status) == EVENT_VALUE);
    CHECK(d.State(gain).writable);
    CHECK(d.State(other_gain).writable);
    // The gain brought input 1 to about the target (-18 dBFS in these dumps).
    const auto after = d.MeterLevels();
    CHECK(*std::max_element(after.begin(), after.end()) == doctest::Approx(-18.0).epsilon(0.05));

    // Started by a client's write: no time yet, so Advance() is due at once and stamps it.
    events.clear();
    REQUIRE(Write(d, "Line In 2 Autogain Capture Switch", 1, events) == 0);
    CHECK(MaskOf(events, other_gain) == EVENT_INFO);
    REQUIRE(d.NextDeadline() == SimClock::time_point::min());
    d.Advance(T0 + std::chrono::seconds(10), events);
    REQUIRE(d.NextDeadline() == T0 + std::chrono::seconds(10) + Sim::AUTOGAIN_TIME);
    // No signal on input 2: the gain ends at its maximum.
    d.Advance(T0 + std::chrono::seconds(20), events);
    CHECK_FALSE(d.NextDeadline().has_value());
    CHECK(d.State(other_gain).values[0] == d.Definition().controls[other_gain].range->max);
    CHECK(d.State(other_gain).writable);

    // Cancelled by writing the switch off.
    events.clear();
    REQUIRE(Write(d, "Line In 1 Autogain Capture Switch", 1, events) == 0);
    REQUIRE(Write(d, "Line In 1 Autogain Capture Switch", 0, events) == 0);
    CHECK(d.Definition().controls[status].items.at(d.State(status).values[0]) == "Cancelled");
    CHECK_FALSE(d.NextDeadline().has_value());
    CHECK(d.State(gain).writable);
}

}  // namespace

TEST_CASE("autogain on the 2i2 Gen 4") {
    auto d = Load("scarlett-gen4-2i2.state");
    if (!d) return;
    CheckAutogain(*d, "Success");
    CHECK_FALSE(Writable(*d, "Line In 1 Autogain Status Capture Enum"));
}

TEST_CASE("autogain on the Vocaster Two") {
    auto d = Load("vocaster-two.state");
    if (!d) return;
    CheckAutogain(*d, "Success");
    // The compressor refuses puts while autogain runs, without losing its WRITE bit.
    std::vector<DeviceEvent> events;
    Act(*d, "autogain 2");
    CHECK(Writable(*d, "Line In 1 Compressor Threshold"));
    CHECK(Write(*d, "Line In 1 Compressor Threshold", -10, events) == -EPERM);
    Act(*d, "autogain 2 cancel");
    CHECK(Write(*d, "Line In 1 Compressor Threshold", -10, events) == 0);
}

TEST_CASE("actions a model lacks, and unknown actions, throw ActionError") {
    auto d = Load("scarlett-gen2-6i6.state", "USB_1");
    if (!d) return;
    CHECK(ActError(*d, "press dim") == "this model has no dim button");
    CHECK(ActError(*d, "knob 50").find("no monitor knob") != std::string::npos);
    CHECK(ActError(*d, "autogain 1") == "this model has no autogain");
    CHECK(ActError(*d, "press talkback") == "this model has no talkback button");
    const std::string unknown = ActError(*d, "fly away");
    CHECK(unknown.find("unknown action 'fly'") != std::string::npos);
    CHECK(unknown.find("signal INPUT") != std::string::npos);
    CHECK(ActError(*d, "").find("no action") != std::string::npos);
    CHECK(ActError(*d, "signal 9 -10").find("no analogue input 9") != std::string::npos);
    CHECK(ActError(*d, "signal 1 loud").find("dBFS") != std::string::npos);

    auto gen1 = Load("scarlett-gen1-18i8.state");
    if (!gen1) return;
    CHECK_THROWS_AS(Act(*gen1, "knob 10"), ActionError);
    CHECK_THROWS_AS(Act(*gen1, "press mute"), ActionError);
}

TEST_CASE("ActionHelp lists what the model has") {
    auto has = [](const std::vector<std::string>& help, std::string_view start) {
        return std::any_of(help.begin(), help.end(),
                           [&](const auto& l) { return l.starts_with(start); });
    };
    if (auto d = Load("scarlett-gen3-18i20.state", "USB_1")) {
        const auto help = d->ActionHelp();
        for (const char* a : {"knob ", "press dim", "press mute", "press talkback", "press speaker",
                              "press phantom INPUT", "press air INPUT", "press pad INPUT",
                              "press inst INPUT", "signal INPUT", "sync "}) {
            CHECK_MESSAGE(has(help, a), a);
        }
        CHECK_FALSE(has(help, "autogain"));
    }
    if (auto d = Load("scarlett-gen4-2i2.state")) {
        const auto help = d->ActionHelp();
        for (const char* a :
             {"autogain INPUT", "press select", "press direct", "press safe INPUT", "gain INPUT"}) {
            CHECK_MESSAGE(has(help, a), a);
        }
        CHECK_FALSE(has(help, "knob"));
        CHECK_FALSE(has(help, "press dim"));
    }
}

TEST_CASE("meters follow the signals through the routing") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    const auto silent = d->MeterLevels();
    REQUIRE(silent.size() == 65);
    CHECK(
        std::all_of(silent.begin(), silent.end(), [](float l) { return std::isinf(l) && l < 0; }));

    Act(*d, "signal 1 -12");
    auto levels = d->MeterLevels();
    // The meter channels are the routing destinations in order; PCM 01 records Analogue 1.
    const auto& controls = d->Definition().controls;
    std::size_t channel = 0;
    for (const auto& c : controls) {
        if (c.name == "PCM 01 Capture Enum") break;
        if (c.type == "ENUMERATED" &&
            (c.name.ends_with("Output 01 Playback Enum") ||
             c.name.find(" Output ") != std::string::npos || c.name.starts_with("Mixer Input "))) {
            ++channel;
        }
    }
    REQUIRE(channel == 45);
    CHECK(levels[channel] == doctest::Approx(-12.0));

    Act(*d, "press pad 1");
    CHECK(d->MeterLevels()[channel] == doctest::Approx(-22.0));
    Act(*d, "press pad 1");

    // Routing PCM 02 from Analogue 1 too moves its meter.
    std::vector<DeviceEvent> events;
    REQUIRE(Write(*d, "PCM 02 Capture Enum", 1, events) == 0);
    CHECK(d->MeterLevels()[channel + 1] == doctest::Approx(-12.0));
    REQUIRE(Write(*d, "PCM 02 Capture Enum", 0, events) == 0);  // Off
    CHECK(std::isinf(d->MeterLevels()[channel + 1]));

    // A mixer input fed by Analogue 1 reaches the outputs routed from its mix.
    REQUIRE(Write(*d, "Mixer Input 01 Capture Enum", 1, events) == 0);
    REQUIRE(Write(*d, "Mix A Input 01 Playback Volume", 160, events) == 0);  // 0 dB
    REQUIRE(Write(*d, "Analogue Output 01 Playback Enum",
                  static_cast<long long>(
                      std::find(controls[Idx(*d, "Analogue Output 01 Playback Enum")].items.begin(),
                                controls[Idx(*d, "Analogue Output 01 Playback Enum")].items.end(),
                                "Mix A") -
                      controls[Idx(*d, "Analogue Output 01 Playback Enum")].items.begin()),
                  events) == 0);
    levels = d->MeterLevels();
    CHECK(levels[0] >= -12.0f);
    CHECK(levels[0] <= 0.0f);

    Act(*d, "signal 1 off");
    levels = d->MeterLevels();
    CHECK(std::all_of(levels.begin(), levels.end(), [](float l) { return std::isinf(l); }));

    Act(*d, "signal pcm 3 -6");
    CHECK(ActError(*d, "signal pcm 99 -6").find("no pcm input 99") != std::string::npos);
}

TEST_CASE("sync status") {
    auto d = Load("scarlett-gen3-18i20.state", "USB_1");
    if (!d) return;
    auto events = Act(*d, "sync unlocked");
    CHECK(Val(*d, "Sync Status") == 0);
    CHECK(MaskOf(*d, events, "Sync Status") == EVENT_VALUE);
    CHECK(Act(*d, "sync unlocked").empty());
    Act(*d, "sync locked");
    CHECK(Val(*d, "Sync Status") == 1);
    CHECK(ActError(*d, "sync maybe").find("usage") != std::string::npos);

    // The 1st Gen's status is volatile: the value changes (clients read it), no event.
    auto gen1 = Load("scarlett-gen1-18i8.state");
    if (!gen1) return;
    events = Act(*gen1, "sync unlocked");
    CHECK(Val(*gen1, "Sample Clock Sync Status") == 0);
    CHECK(events == std::vector<DeviceEvent>{{Idx(*gen1, "Sample Clock Sync Status"), EVENT_NONE}});
}

TEST_CASE("big 4th Gen (fcp-server controls)") {
    auto d = Load("scarlett-gen4-18i20.state");
    if (!d) return;
    auto events = Act(*d, "knob 50");
    CHECK(Val(*d, "Master Playback Volume") == -63);
    CHECK(MaskOf(*d, events, "Master Playback Volume") == EVENT_VALUE);
    Act(*d, "press dim");
    CHECK(Val(*d, "Dim Playback Switch") == 1);
    std::vector<DeviceEvent> none;
    CHECK(Write(*d, "Sync Status", 0, none) == -EPERM);  // locked by fcp-server
    CHECK(d->MeterLevels().size() == 79);
    Act(*d, "signal 1 -20");
    const auto levels = d->MeterLevels();
    CHECK(*std::max_element(levels.begin(), levels.end()) > -21.0f);
}

TEST_CASE("4th Gen 4i4: read-only knobs move, power status") {
    auto d = Load("scarlett-gen4-4i4.state", "Gen");
    if (!d) return;
    auto events = Act(*d, "headphones 10");
    CHECK(Val(*d, "Headphone Playback Volume") == 13);
    CHECK(MaskOf(*d, events, "Headphone Playback Volume") == EVENT_VALUE);
    CHECK(MaskOf(*d, events, "Master HW Playback Volume") == EVENT_VALUE);
    Act(*d, "knob 0");
    CHECK(Val(*d, "Master HW Playback Volume") == 0);
    events = Act(*d, "power fail");
    CHECK(d->Definition().controls[Idx(*d, "Power Status Card Enum")].items.at(
              Val(*d, "Power Status Card Enum")) == "Fail");
    CHECK(ActError(*d, "power nuclear").find("usage: power") != std::string::npos);
}

namespace {

/* A concrete command for a help line: "press air INPUT  toggle Air on input 1-8" -> "press air 1".
 */
std::string Example(const std::string& line) {
    const std::size_t gap = line.find("  ");
    const std::string usage = line.substr(0, gap);
    const std::string what = gap == std::string::npos ? "" : line.substr(gap);
    std::string first_input = "1";
    if (const auto at = what.rfind("input "); at != std::string::npos) {
        first_input.clear();
        for (std::size_t i = at + 6;
             i < what.size() && std::isdigit(static_cast<unsigned char>(what[i])); ++i) {
            first_input += what[i];
        }
    }
    std::string out;
    for (const auto& w : Words(usage)) {
        std::string word = w;
        if (w == "PERCENT") word = "30";
        if (w == "INPUT") word = first_input;
        if (w == "DBFS|off") word = "-20";
        if (w == "DB") word = "10";
        if (w == "VOLUME") word = "5";
        if (w == "[cancel]") continue;
        if (w != "DBFS|off" && w.find('|') != std::string::npos) word = w.substr(0, w.find('|'));
        if (w == "N") word = "1";
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

}  // namespace

TEST_CASE("every action ActionHelp lists works on that model") {
    for (const auto& dump : DUMPS) {
        const std::string where = std::string(dump.file) + " " + dump.block;
        CAPTURE(where);
        auto d = Load(dump.file, dump.block);
        if (!d) return;
        for (const auto& line : d->ActionHelp()) {
            const std::string command = Example(line);
            CAPTURE(command);
            const std::string error = ActError(*d, command);
            // Talkback and speaker buttons only work once enabled in software.
            const bool precondition = error.find("disabled") != std::string::npos ||
                                      error.find("is Off") != std::string::npos;
            CHECK_MESSAGE((error.empty() || precondition), error);
            if (command.starts_with("autogain")) {
                std::vector<DeviceEvent> events;
                d->Advance(T0 + Sim::AUTOGAIN_TIME, events);
                CHECK_FALSE(d->NextDeadline().has_value());
            }
        }
    }
}

TEST_CASE("small models: direct monitor, PCM input switch, 3rd Gen Solo") {
    if (auto d = Load("scarlett-gen3-solo.state", "USB_1")) {
        CHECK_FALSE(d->MeterIndex().has_value());
        auto events = Act(*d, "press direct");
        CHECK(MaskOf(*d, events, "Direct Monitor Playback Switch") == EVENT_VALUE);
        Act(*d, "press phantom 1");
        CHECK(Val(*d, "Line In 1 Phantom Power Capture Switch") == 1);
        CHECK(ActError(*d, "press inst 1") ==
              "this model has no Inst (line/instrument) button for input 1");
        Act(*d, "press inst 2");
        CHECK(Val(*d, "Line In 2 Level Capture Enum") == 1);
        CHECK(ActError(*d, "sync locked") == "this model has no sync status");
    }
    if (auto d = Load("scarlett-gen4-solo.state")) {
        std::vector<DeviceEvent> events;
        const long long old_value = Val(*d, "PCM Input Capture Switch");
        REQUIRE(Write(*d, "PCM Input Capture Switch", 1 - old_value, events) == 0);
        CHECK(MaskOf(*d, events, "PCM 01 Capture Enum") == EVENT_VALUE);
        CHECK(MaskOf(*d, events, "Analogue Output 01 Playback Enum") == EVENT_VALUE);
        events = Act(*d, "press direct");
        CHECK(MaskOf(*d, events, "Mix A Input 01 Playback Volume") == EVENT_VALUE);
    }
}

namespace {

/* A model straight from the factory, as `scarlett-sim serve MODEL` serves it. */
Device Factory(const std::string& id) {
    const Sim::Model* model = Sim::FindModel(id);
    REQUIRE(model != nullptr);
    return Device(Sim::GenerateControls(*model));
}

int Write(Device& d, std::string_view name, std::vector<long long> values,
          std::vector<DeviceEvent>& events) {
    return d.Write(Idx(d, name), values, events);
}

std::vector<long long> Hardware(const Device& d, std::string_view name) {
    const auto values = d.HardwareValues(Idx(d, name));
    return {values.begin(), values.end()};
}

/* Another valid value of every channel: what a restore writes first. */
std::vector<long long> Other(const Sim::StateControl& c, std::vector<long long> values) {
    for (auto& v : values) {
        if (c.type == "BOOLEAN") {
            v = 1 - v;
        } else if (c.type == "ENUMERATED") {
            v = (v + 1) % static_cast<long long>(c.items.size());
        } else {
            const long long step = std::max<long long>(c.range->step, 1);
            v = v + step <= c.range->max ? v + step : v - step;
        }
    }
    return values;
}

/* Writes @p wanted into every writable control, @p nudge: another value first. */
void Restore(Device& d, const std::vector<std::vector<long long>>& wanted, bool nudge) {
    for (std::size_t i = 0; i < d.Size(); ++i) {
        if (!d.State(i).writable || d.State(i).values.empty()) continue;
        CAPTURE(d.Definition().controls[i].name);
        std::vector<DeviceEvent> events;
        if (nudge) REQUIRE(d.Write(i, Other(d.Definition().controls[i], wanted[i]), events) == 0);
        REQUIRE(d.Write(i, wanted[i], events) == 0);
    }
}

std::vector<DeviceEvent> PowerCycle(Device& d) {
    std::vector<DeviceEvent> events;
    d.PowerCycle(events);
    return events;
}

std::vector<std::vector<long long>> Values(const Device& d) {
    std::vector<std::vector<long long>> values;
    for (std::size_t i = 0; i < d.Size(); ++i) values.push_back(d.State(i).values);
    return values;
}

}  // namespace

TEST_CASE("1st Gen: after a power cycle the driver's cache hides what the device lost") {
    Device d = Factory("scarlett-gen1-18i8");
    CHECK(d.HardwareDifferences().empty());
    CHECK(d.HardwareReport() == "0 differences\n");

    std::vector<DeviceEvent> events;
    REQUIRE(Write(d, "Master 1 (Monitor) Playback Volume", {100, 100}, events) == 0);
    REQUIRE(Write(d, "Master 1 (Monitor) Playback Switch", 0, events) == 0);
    REQUIRE(Write(d, "Input 1 Pad Switch", 1, events) == 0);
    REQUIRE(Write(d, "Matrix 01 Mix A Playback Volume", 120, events) == 0);
    REQUIRE(Write(d, "Sample Clock Source", 1, events) == 0);
    REQUIRE(Write(d, "Scarlett 18i8 USB-Sync Clock Source", 1, events) == 0);
    // Every write of a new value reaches the device.
    CHECK(d.HardwareDifferences().empty());
    CHECK(Hardware(d, "Master 1 (Monitor) Playback Volume") == std::vector<long long>{100, 100});
    const auto wanted = Values(d);

    events = PowerCycle(d);
    // The driver keeps its cache and sends nothing. snd-usb-audio's clock selector reads
    // the device: it shows the power-on value, without an event.
    const std::size_t selector = Idx(d, "Scarlett 18i8 USB-Sync Clock Source");
    CHECK(events == std::vector<DeviceEvent>{{selector, EVENT_NONE}});
    CHECK(d.State(selector).values == std::vector<long long>{0});
    CHECK(Val(d, "Input 1 Pad Switch") == 1);
    CHECK(d.State(Idx(d, "Master 1 (Monitor) Playback Volume")).values ==
          std::vector<long long>{100, 100});
    CHECK(Hardware(d, "Master 1 (Monitor) Playback Volume") == std::vector<long long>{128, 128});
    CHECK(Hardware(d, "Input 1 Pad Switch") == std::vector<long long>{0});
    CHECK(d.HardwareDifferences().size() == 5);
    CHECK(d.HardwareReport() ==
          "Master 1 (Monitor) Playback Switch: driver off,off, hardware on,on\n"
          "Master 1 (Monitor) Playback Volume: driver 100,100, hardware 128,128\n"
          "Input 1 Pad Switch: driver -10dB, hardware 0dB\n"
          "Matrix 01 Mix A Playback Volume: driver 120, hardware 0\n"
          "Sample Clock Source: driver SPDIF, hardware Internal\n"
          "5 differences\n");

    SUBCASE("a write equal to the cache changes nothing and sends nothing") {
        events.clear();
        CHECK(Write(d, "Input 1 Pad Switch", 1, events) == 0);
        CHECK(events.empty());
        CHECK(Hardware(d, "Input 1 Pad Switch") == std::vector<long long>{0});
    }
    SUBCASE("the driver compares and sends channel by channel") {
        events.clear();
        CHECK(Write(d, "Master 1 (Monitor) Playback Volume", {100, 90}, events) == 0);
        CHECK(MaskOf(d, events, "Master 1 (Monitor) Playback Volume") == EVENT_VALUE);
        CHECK(Hardware(d, "Master 1 (Monitor) Playback Volume") == std::vector<long long>{128, 90});
    }
    SUBCASE("a restore that writes the wanted values leaves the device as it came up") {
        Restore(d, wanted, false);
        CHECK(Values(d) == wanted);
        CHECK(d.HardwareDifferences().size() == 5);
    }
    SUBCASE("a restore that writes another value first makes every value reach the device") {
        Restore(d, wanted, true);
        CHECK(Values(d) == wanted);
        CHECK(d.HardwareDifferences().empty());
        CHECK(d.HardwareReport() == "0 differences\n");
        for (std::size_t i = 0; i < d.Size(); ++i) {
            const auto hardware = d.HardwareValues(i);
            CHECK(std::vector<long long>(hardware.begin(), hardware.end()) == wanted[i]);
        }
    }
}

TEST_CASE("1st Gen: a power cycle brings back the power-on values, not the ones served") {
    const Sim::Model* model = Sim::FindModel("scarlett-gen1-6i6");
    REQUIRE(model != nullptr);
    const Sim::StateBlock factory = Sim::GenerateControls(*model);
    Sim::StateBlock mine = factory;
    for (auto& c : mine.controls) {
        if (c.name == "Input 1 Impedance Switch") c.values = {"Hi-Z"};
    }

    Device served(mine);
    PowerCycle(served);
    CHECK(served.HardwareDifferences().empty());  // by default, the values it was made with

    Device d(mine);
    d.SetPowerOnValues(factory);
    PowerCycle(d);
    CHECK(d.HardwareReport() ==
          "Input 1 Impedance Switch: driver Hi-Z, hardware Line\n1 difference\n");
}

TEST_CASE("only the 1st Gen's driver hides the hardware behind a cache") {
    for (const auto& model : Sim::Models()) {
        CAPTURE(model.id);
        Device d(Sim::GenerateControls(model));
        if (model.family == Sim::ModelFamily::Gen1) {
            CHECK_NOTHROW(PowerCycle(d));
            continue;
        }
        CHECK_THROWS_WITH_AS(PowerCycle(d),
                             "this model stores its settings: only a 1st Gen comes back from a "
                             "power cycle without them",
                             ActionError);
        CHECK(d.HardwareReport() == "0 differences\n");
        for (std::size_t i = 0; i < d.Size(); ++i) {
            const auto hardware = d.HardwareValues(i);
            CHECK(std::equal(hardware.begin(), hardware.end(), d.State(i).values.begin(),
                             d.State(i).values.end()));
        }
    }
}
