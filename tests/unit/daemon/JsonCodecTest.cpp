// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <filesystem>

#include "Harness.hpp"
#include "daemon/JsonCodec.hpp"
#include "ipc/Error.hpp"
#include "ipc/Json.hpp"

using nlohmann::json;
using T = Alsa::ElemType;
using TestData::MakeControl;

namespace {
std::string DataCodeOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Ipc::RpcError& e) {
        return Ipc::DataCode(e.code);
    }
    return "no error";
}
}  // namespace

TEST_CASE("values encode per type as protocol-v1 arrays") {
    SUBCASE("boolean") {
        auto c = MakeControl(1, "Phantom", T::Boolean, 2, {1, 0});
        CHECK(Codec::ValueToJson(c.info, c.value) == json::array({true, false}));
    }
    SUBCASE("integer and integer64") {
        auto c = MakeControl(1, "Gain", T::Integer, 2, {-5, 70});
        CHECK(Codec::ValueToJson(c.info, c.value) == json::array({-5, 70}));
        c.info.type = T::Integer64;
        c.value.numbers = {int64_t{1} << 40};
        CHECK(Codec::ValueToJson(c.info, c.value) == json::array({int64_t{1} << 40}));
    }
    SUBCASE("enumerated as labels, an undeclared index as a number") {
        auto c = MakeControl(1, "Mux", T::Enumerated, 2, {2, 7});
        CHECK(Codec::ValueToJson(c.info, c.value) == json::array({"Analogue 2", 7}));
    }
    SUBCASE("bytes and iec958 as one lowercase hex string") {
        auto c = MakeControl(1, "Name", T::Bytes, 3, {});
        c.value.bytes = {0x00, 0xab, 0x7f};
        CHECK(Codec::ValueToJson(c.info, c.value) == json::array({"00ab7f"}));
        c.info.type = T::Iec958;
        CHECK(Codec::ValueToJson(c.info, c.value) == json::array({"00ab7f"}));
    }
}

TEST_CASE("values decode per type, and bad ones name the valid range or items") {
    SUBCASE("boolean takes true/false only") {
        auto c = MakeControl(1, "Air", T::Boolean, 1, {0});
        CHECK(Codec::ResolveChange(c, {{"value", true}}).numbers == std::vector<int64_t>{1});
        CHECK(Codec::ResolveChange(c, {{"toggle", true}}).numbers == std::vector<int64_t>{1});
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", "on"}}); }) == "value.invalid");
        CHECK(DataCodeOf([&] {
                  Codec::ResolveChange(c, {{"toggle", false}});
              }) == "params.invalid");
    }
    SUBCASE("integer: range, step, scalar broadcast, channel count") {
        auto c = MakeControl(1, "Vol", T::Integer, 2, {0, 0});
        CHECK(Codec::ResolveChange(c, {{"value", 3}}).numbers == std::vector<int64_t>{3, 3});
        CHECK(Codec::ResolveChange(c, {{"value", {1, 2}}}).numbers == std::vector<int64_t>{1, 2});
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", {1}}}); }) == "value.invalid");
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", 1.5}}); }) == "value.invalid");
        CHECK(DataCodeOf([&] {
                  Codec::ResolveChange(c, {{"value", 18446744073709551615u}});
              }) == "value.invalid");
        c.info.step = 2;
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", 3}}); }) == "value.invalid");
        c.value.numbers = {170, 2};
        CHECK(Codec::ResolveChange(c, {{"step", 2}}).numbers == std::vector<int64_t>{172, 6});
        CHECK(Codec::ResolveChange(c, {{"step", {-100, -100}}}).numbers ==
              std::vector<int64_t>{0, 0});
        /* Saturates instead of overflowing (a fuzzer finding). */
        CHECK(Codec::ResolveChange(c, {{"step", INT64_MAX}}).numbers ==
              std::vector<int64_t>{172, 172});
        CHECK(Codec::ResolveChange(c, {{"step", INT64_MIN}}).numbers == std::vector<int64_t>{0, 0});
        /* Every integer step saturates alike, beyond int64 too. */
        CHECK(Codec::ResolveChange(c, {{"step", 18446744073709551615u}}).numbers ==
              std::vector<int64_t>{172, 172});
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"step", 1.5}}); }) == "params.invalid");
        try {
            Codec::ResolveChange(c, {{"value", 999}});
            FAIL("no error");
        } catch (const Ipc::RpcError& e) {
            CHECK(e.data["min"] == 0);
            CHECK(e.data["max"] == 172);
            CHECK(std::string(e.what()) == "999 is out of range for 'Vol' (0..172)");
        }
    }
    SUBCASE("enumerated by label or index") {
        auto c = MakeControl(1, "Mux", T::Enumerated, 1, {0});
        CHECK(Codec::ResolveChange(c, {{"value", "Analogue 1"}}).numbers ==
              std::vector<int64_t>{1});
        CHECK(Codec::ResolveChange(c, {{"value", 2}}).numbers == std::vector<int64_t>{2});
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", 3}}); }) == "value.invalid");
        CHECK(DataCodeOf([&] {
                  Codec::ResolveChange(c, {{"value", "analogue 1"}});
              }) == "value.invalid");
    }
    SUBCASE("bytes from hex") {
        auto c = MakeControl(1, "Name", T::Bytes, 2, {});
        CHECK(Codec::ResolveChange(c, {{"value", "0aFF"}}).bytes ==
              std::vector<uint8_t>{0x0a, 0xff});
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", "0a"}}); }) == "value.invalid");
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"value", "zzzz"}}); }) == "value.invalid");
    }
    SUBCASE("exactly one kind of change") {
        auto c = MakeControl(1, "Vol", T::Integer, 1, {0});
        CHECK(DataCodeOf([&] { Codec::ResolveChange(c, json::object()); }) == "params.invalid");
        CHECK(DataCodeOf([&] {
                  Codec::ResolveChange(c, {{"value", 1}, {"db", 0}});
              }) == "params.invalid");
    }
}

TEST_CASE("dB conversions go through the control's TLV") {
    auto c = TestData::SmallControlSet()[0]; /* 0..172 over -80..+6 dB */
    auto full = Codec::ControlToJson(c);
    CHECK(full["db"]["mute"] == false);
    CHECK(Codec::ResolveChange(c, {{"db", -80.0}}).numbers == std::vector<int64_t>{0});
    CHECK(Codec::ResolveChange(c, {{"db", 6.0}}).numbers == std::vector<int64_t>{172});
    CHECK(Codec::ResolveChange(c, {{"db_step", 100.0}}).numbers == std::vector<int64_t>{172});
    CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"db", 6.5}}); }) == "value.invalid");
    CHECK(DataCodeOf([&] { Codec::ResolveChange(c, {{"db", "loud"}}); }) == "params.invalid");
}

TEST_CASE("invalid UTF-8 in ALSA names survives encoding") {
    auto c = MakeControl(1, std::string("Bad \xff name"), T::Boolean, 1, {0});
    const json j = Codec::ControlToJson(c);
    const std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
    CHECK(s.find("Bad \xef\xbf\xbd name") != std::string::npos);
}

TEST_CASE("ValueText writes, byte for byte, what the tree of ControlValueToJson encodes") {
    /* Every kind of control, and every control of every real device's dump. */
    std::vector<std::vector<Alsa::Control>> sets = {TestData::EveryKindControlSet()};
    const std::filesystem::path dumps =
        std::filesystem::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";
    for (const auto& entry : std::filesystem::directory_iterator(dumps)) {
        if (entry.path().extension() != ".state") continue;
        const auto device = TestData::MakeStateDevice(entry.path().string(), "", 0);
        std::vector<Alsa::Control> controls;
        for (const auto& [numid, info] : device.infos)
            controls.push_back({info, device.fake->Get(numid)});
        sets.push_back(std::move(controls));
    }
    REQUIRE(sets.size() > 20);

    size_t compared = 0;
    for (const auto& controls : sets) {
        for (const Alsa::Control& original : controls) {
            Codec::ValueText text(original.info);
            /* The value as it is, then others: each end of the range, each item, an
             * index no item has, other bytes; twice each (the second from what is kept). */
            std::vector<Alsa::Value> values = {original.value};
            const auto& info = original.info;
            auto every = [&](int64_t n) {
                Alsa::Value v = original.value;
                for (auto& x : v.numbers) x = n;
                values.push_back(v);
            };
            if (info.type == T::Integer || info.type == T::Integer64) {
                every(info.min);
                every(info.max);
                every(info.min + (info.max - info.min) / 3);
            } else if (info.type == T::Enumerated) {
                for (size_t i = 0; i <= info.items.size(); ++i) every(static_cast<int64_t>(i));
            } else if (info.type == T::Boolean) {
                every(1);
                every(0);
            } else {
                Alsa::Value v = original.value;
                for (auto& b : v.bytes) b = static_cast<uint8_t>(b ^ 0xA5);
                values.push_back(v);
            }
            for (int pass = 0; pass < 2; ++pass) {
                for (const auto& value : values) {
                    Alsa::Control control = original;
                    control.value = value;
                    std::string out;
                    text.Append(out, control);
                    INFO(info.id.name);
                    CHECK(out == Ipc::Encode(Codec::ControlValueToJson(control)));
                    ++compared;
                }
            }
        }
    }
    MESSAGE(compared, " values compared");
}
