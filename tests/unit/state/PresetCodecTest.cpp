// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>

#include "daemon/state/KeyFile.hpp"
#include "daemon/state/PresetCodec.hpp"

using State::DecodePresetValue;
using State::EncodePresetValue;

namespace {

Alsa::ControlInfo Info(Alsa::ElemType type, unsigned count, int64_t min = 0, int64_t max = 1,
                       std::vector<std::string> items = {}) {
    Alsa::ControlInfo info;
    info.type = type;
    info.count = count;
    info.min = min;
    info.max = max;
    info.items = std::move(items);
    return info;
}

Alsa::Value Numbers(std::vector<int64_t> n) {
    Alsa::Value v;
    v.numbers = std::move(n);
    return v;
}

/** The decoded numbers, or the error as a string. */
std::string Decode(const Alsa::ControlInfo& info, std::string_view text) {
    const auto result = DecodePresetValue(info, text);
    if (const auto* error = std::get_if<std::string>(&result)) return "error: " + *error;
    std::string out;
    for (int64_t n : std::get<Alsa::Value>(result).numbers)
        out += (out.empty() ? "" : " ") + std::to_string(n);
    return out;
}

}  // namespace

TEST_CASE("Preset values are written as alsa-scarlett-gui writes them") {
    const auto sw = Info(Alsa::ElemType::Boolean, 1);
    CHECK(EncodePresetValue(sw, Numbers({1})) == "true");
    CHECK(EncodePresetValue(sw, Numbers({0})) == "false");
    const auto stereo_sw = Info(Alsa::ElemType::Boolean, 2);
    CHECK(EncodePresetValue(stereo_sw, Numbers({1, 1})) == "true");
    CHECK(EncodePresetValue(stereo_sw, Numbers({1, 0})) == "true,false");
    const auto route = Info(Alsa::ElemType::Enumerated, 1, 0, 0, {"Off", "Analogue 1", "Mix A"});
    CHECK(EncodePresetValue(route, Numbers({2})) == "Mix A");
    const auto gain = Info(Alsa::ElemType::Integer, 2, 0, 172);
    CHECK(EncodePresetValue(gain, Numbers({160, -3})) == "160,-3");
    auto name = Info(Alsa::ElemType::Bytes, 8);
    Alsa::Value text;
    text.bytes = {'V', 'o', 'x', 0, 'z', 0, 0, 0};
    CHECK(EncodePresetValue(name, text) == "Vox");
    CHECK(EncodePresetValue(Info(Alsa::ElemType::Iec958, 1), {}) == std::nullopt);
}

TEST_CASE("Preset values are read back, and what does not fit is refused with a reason") {
    const auto sw = Info(Alsa::ElemType::Boolean, 2);
    CHECK(Decode(sw, "true") == "1 1");
    CHECK(Decode(sw, "1") == "1 1");
    CHECK(Decode(sw, "true,false") == "1 0");
    CHECK(Decode(sw, "yes") == "error: not a boolean (true or false)");
    CHECK(Decode(sw, "true,true,true") == "error: 3 channels for a control of 2 channels");

    const auto route = Info(Alsa::ElemType::Enumerated, 1, 0, 0, {"Off", "Analogue 1", "Mix A"});
    CHECK(Decode(route, "Mix A") == "2");
    CHECK(Decode(route, "1") == "1");
    CHECK(Decode(route, "mix a") == "error: not one of the control's items");
    CHECK(Decode(route, "3") == "error: not one of the control's items");

    const auto gain = Info(Alsa::ElemType::Integer, 2, 0, 172);
    CHECK(Decode(gain, "160,20") == "160 20");
    CHECK(Decode(gain, "160") == "160 160");
    CHECK(Decode(gain, "173") == "error: out of range (0 to 172)");
    CHECK(Decode(gain, "-1") == "error: out of range (0 to 172)");
    CHECK(Decode(gain, "12dB") == "error: not an integer");
    CHECK(Decode(gain, "") == "error: not an integer");
    CHECK(Decode(gain, "99999999999999999999") == "error: not an integer");

    const auto name = Info(Alsa::ElemType::Bytes, 4);
    const auto bytes = std::get<Alsa::Value>(DecodePresetValue(name, "ab"));
    CHECK(bytes.bytes == std::vector<uint8_t>{'a', 'b', 0, 0});
    CHECK(std::get<std::string>(DecodePresetValue(name, "abcde")) ==
          "longer than the control's 4 bytes");
}

TEST_CASE("Every value a control can hold survives a preset's round trip") {
    const auto gain = Info(Alsa::ElemType::Integer, 2, -128, 127);
    for (int64_t a : {-128, -1, 0, 1, 127})
        for (int64_t b : {-128, 0, 127}) {
            const auto text = EncodePresetValue(gain, Numbers({a, b}));
            REQUIRE(text);
            CHECK(std::get<Alsa::Value>(DecodePresetValue(gain, *text)).numbers ==
                  std::vector<int64_t>{a, b});
        }
}

TEST_CASE("Preset files: [device] and [controls] as alsa-scarlett-gui writes them") {
    State::Preset preset;
    preset.serial = "P9ABCDEF";
    preset.model = "Scarlett 2i2 USB";
    preset.controls = {{"Line In 1-2 Phantom Power Capture Switch", "false", 0},
                       {"Analogue Output 01 Playback Enum", "PCM 1", 0},
                       {"PCM Out 1 Name", " Vocals", 0}};
    const std::string text = State::SerializePreset(preset);
    CHECK(text ==
          "[device]\nserial=P9ABCDEF\nmodel=Scarlett 2i2 USB\n\n[controls]\n"
          "Line In 1-2 Phantom Power Capture Switch=false\n"
          "Analogue Output 01 Playback Enum=PCM 1\nPCM Out 1 Name=\\sVocals\n");
    const State::Preset back = State::ParsePreset(text);
    CHECK(back.serial == "P9ABCDEF");
    CHECK(back.model == "Scarlett 2i2 USB");
    REQUIRE(back.controls.size() == 3);
    CHECK(back.controls[1].name == "Analogue Output 01 Playback Enum");
    CHECK(back.controls[2].value == " Vocals");
    CHECK(back.controls[2].line == 8);

    /* Without a serial (File > Save of the GUI), and with no controls at all. */
    CHECK(State::ParsePreset("[controls]\nA=1\n").serial == std::nullopt);
    CHECK(State::ParsePreset(State::SerializePreset({})).controls.empty());
}

TEST_CASE(
    "Preset files: a repeated control counts once, in its last place; no [controls] "
    "group is not a preset") {
    const State::Preset p = State::ParsePreset("[controls]\nA=1\nB=2\nA=3\n");
    REQUIRE(p.controls.size() == 2);
    CHECK(p.controls[0].name == "B");
    CHECK(p.controls[1].name == "A");
    CHECK(p.controls[1].value == "3");
    CHECK(p.duplicates == std::vector<std::string>{"A"});
    try {
        State::ParsePreset("[device]\nserial=1\n");
        FAIL("parsed");
    } catch (const State::KeyFileError& e) {
        CHECK(e.GetReason() == "no [controls] group: not a preset");
    }
}
