// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "alsa/Tlv.hpp"

using namespace Alsa;

namespace {

using Words = std::vector<uint32_t>;

constexpr double INF = std::numeric_limits<double>::infinity();

uint32_t W(int32_t v) {
    return static_cast<uint32_t>(v);
}

Words Scale(int32_t min_cdb, uint32_t step_cdb, bool mute) {
    return {TLV_DB_SCALE, 8, W(min_cdb), step_cdb | (mute ? TLV_DB_SCALE_MUTE : 0)};
}
Words MinMax(uint32_t type, int32_t min_cdb, int32_t max_cdb) {
    return {type, 8, W(min_cdb), W(max_cdb)};
}
struct Item {
    int32_t min;
    int32_t max;
    Words entry;
};
/* DB_RANGE from (min, max, entry) items. */
Words Range(std::initializer_list<Item> items) {
    Words payload;
    for (const auto& item : items) {
        payload.push_back(W(item.min));
        payload.push_back(W(item.max));
        payload.insert(payload.end(), item.entry.begin(), item.entry.end());
    }
    Words out{TLV_DB_RANGE, static_cast<uint32_t>(payload.size() * 4)};
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

void CheckRoundTrip(const Words& tlv, int64_t min, int64_t max) {
    for (int64_t raw = min; raw <= max; ++raw) {
        const auto db = RawToDb(tlv, min, max, raw);
        const auto back = DbToRaw(tlv, min, max, db ? *db : -INF);
        REQUIRE(back.has_value());
        if (*back != raw)
            FAIL_CHECK("raw " << raw << " -> " << (db ? *db : -INF) << " dB -> " << *back);
    }
}

}  // namespace

TEST_CASE("FindDbTlv finds dB entries and rejects malformed TLVs") {
    const Words scale = Scale(-6300, 100, false);
    CHECK(FindDbTlv(scale).size() == 4);
    CHECK(HasDbTlv(scale));

    SUBCASE("inside a container, after a non-dB entry") {
        Words container{TLV_CONTAINER, 0, 0x101, 8, 3, 4};
        container.insert(container.end(), scale.begin(), scale.end());
        container[1] = static_cast<uint32_t>((container.size() - 2) * 4);
        const auto found = FindDbTlv(container);
        REQUIRE(found.size() == 4);
        CHECK(found[0] == TLV_DB_SCALE);
        CHECK(static_cast<int32_t>(found[2]) == -6300);
        const auto range = GetDbRange(container, 0, 63);
        REQUIRE(range);
        CHECK(range->min == doctest::Approx(-63.0));
    }
    SUBCASE("trailing words after the entry are ignored") {
        Words padded = scale;
        padded.push_back(0xdeadbeef);
        CHECK(FindDbTlv(padded).size() == 4);
    }
    SUBCASE("not a dB type") {
        CHECK_FALSE(HasDbTlv(Words{0x101, 8, 3, 4}));
        CHECK_FALSE(HasDbTlv(Words{0x53434b54, 8, 1, 2}));  // fcp-server's 'SCKT'
    }
    SUBCASE("truncated or too short") {
        CHECK_FALSE(HasDbTlv(Words{}));
        CHECK_FALSE(HasDbTlv(Words{TLV_DB_SCALE}));
        CHECK_FALSE(HasDbTlv(Words{TLV_DB_SCALE, 8, W(-6300)}));
        CHECK_FALSE(HasDbTlv(Words{TLV_DB_SCALE, 4, W(-6300)}));
        CHECK_FALSE(HasDbTlv(Words{TLV_DB_RANGE, 8, 0, 0}));
        CHECK_FALSE(HasDbTlv(Words{TLV_CONTAINER, 16, TLV_DB_SCALE, 8}));
    }
    SUBCASE("larger than alsa-lib accepts") {
        Words big{TLV_DB_MINMAX, 260};
        big.resize(2 + 65, 0);
        CHECK_FALSE(HasDbTlv(big));
    }
    SUBCASE("conversions without a dB TLV") {
        CHECK_FALSE(GetDbRange(Words{}, 0, 10));
        CHECK_FALSE(RawToDb(Words{}, 0, 10, 5));
        CHECK_FALSE(DbToRaw(Words{}, 0, 10, 0.0));
    }
}

TEST_CASE("DB_SCALE without mute") {
    const Words tlv = Scale(-6300, 100, false);
    const auto range = GetDbRange(tlv, 0, 63);
    REQUIRE(range);
    CHECK(*range == DbRange{-63.0, 0.0, false});

    CHECK(RawToDb(tlv, 0, 63, 0) == doctest::Approx(-63.0));
    CHECK(RawToDb(tlv, 0, 63, 30) == doctest::Approx(-33.0));
    CHECK(RawToDb(tlv, 0, 63, 63) == doctest::Approx(0.0));
    SUBCASE("raw values are clamped to the range") {
        CHECK(RawToDb(tlv, 0, 63, -5) == doctest::Approx(-63.0));
        CHECK(RawToDb(tlv, 0, 63, 99) == doctest::Approx(0.0));
    }
    SUBCASE("nearest raw value") {
        CHECK(DbToRaw(tlv, 0, 63, -33.0) == 30);
        CHECK(DbToRaw(tlv, 0, 63, -32.6) == 30);
        CHECK(DbToRaw(tlv, 0, 63, -32.4) == 31);
        CHECK(DbToRaw(tlv, 0, 63, -32.5) == 31);  // ties round up, like alsa-lib
        CHECK(DbToRaw(tlv, 0, 63, -63.0) == 0);
        CHECK(DbToRaw(tlv, 0, 63, 0.0) == 63);
    }
    SUBCASE("outside the range") {
        CHECK_FALSE(DbToRaw(tlv, 0, 63, 1.0));
        CHECK_FALSE(DbToRaw(tlv, 0, 63, -63.5));
        CHECK_FALSE(DbToRaw(tlv, 0, 63, -INF));
        CHECK_FALSE(DbToRaw(tlv, 0, 63, INF));
        CHECK_FALSE(DbToRaw(tlv, 0, 63, std::nan("")));
        CHECK(DbToRaw(tlv, 0, 63, 0.004) == 63);  // within rounding of 0.01 dB
        CHECK(DbToRaw(tlv, 0, 63, -63.004) == 0);
    }
    SUBCASE("negative raw range") {
        const auto r = GetDbRange(tlv, -30, 0);
        REQUIRE(r);
        CHECK(*r == DbRange{-63.0, -33.0, false});
        CHECK(RawToDb(tlv, -30, 0, -10) == doctest::Approx(-43.0));
        CHECK(DbToRaw(tlv, -30, 0, -43.0) == -10);
    }
    CheckRoundTrip(tlv, 0, 63);
}

TEST_CASE("DB_SCALE with mute") {
    const Words tlv = Scale(-4650, 150, true);
    const auto range = GetDbRange(tlv, 0, 31);
    REQUIRE(range);
    CHECK(range->mute);
    CHECK(range->min == doctest::Approx(-45.0));  // lowest finite step
    CHECK(range->max == doctest::Approx(0.0));

    CHECK_FALSE(RawToDb(tlv, 0, 31, 0));
    CHECK(RawToDb(tlv, 0, 31, 1) == doctest::Approx(-45.0));
    CHECK(RawToDb(tlv, 0, 31, 31) == doctest::Approx(0.0));

    CHECK(DbToRaw(tlv, 0, 31, -INF) == 0);
    CHECK(DbToRaw(tlv, 0, 31, -45.0) == 1);
    CHECK(DbToRaw(tlv, 0, 31, -44.0) == 2);  // -43.5 is nearer than -45
    CHECK_FALSE(DbToRaw(tlv, 0, 31, -46.0));
    CheckRoundTrip(tlv, 0, 31);

    SUBCASE("a single muting value has no dB range") {
        CHECK_FALSE(GetDbRange(tlv, 0, 0));
    }
}

TEST_CASE("DB_MINMAX as scarlett2 uses it") {
    SUBCASE("mixer gain, -80..+12 dB over 0..172") {
        const Words tlv = MinMax(TLV_DB_MINMAX, -8000, 1200);
        CHECK(GetDbRange(tlv, 0, 172) == DbRange{-80.0, 12.0, false});
        CHECK(RawToDb(tlv, 0, 172, 0) == doctest::Approx(-80.0));
        CHECK(RawToDb(tlv, 0, 172, 172) == doctest::Approx(12.0));
        /* alsa-lib truncates this to 5.57 dB; we keep the exact value. */
        CHECK(RawToDb(tlv, 0, 172, 160) == doctest::Approx(-80.0 + 92.0 * 160 / 172));
        CHECK(DbToRaw(tlv, 0, 172, 5.57) == 160);
        CHECK(DbToRaw(tlv, 0, 172, 0.0) == 150);  // -0.233 (150) is nearer than 0.302 (151)
        CheckRoundTrip(tlv, 0, 172);
    }
    SUBCASE("line out volume, -127..0 dB over 0..127") {
        const Words tlv = MinMax(TLV_DB_MINMAX, -12700, 0);
        CHECK(GetDbRange(tlv, 0, 127) == DbRange{-127.0, 0.0, false});
        CHECK(RawToDb(tlv, 0, 127, 100) == doctest::Approx(-27.0));
        CHECK(DbToRaw(tlv, 0, 127, -27.0) == 100);
        CheckRoundTrip(tlv, 0, 127);
    }
    SUBCASE("an empty raw range is the minimum") {
        const Words tlv = MinMax(TLV_DB_MINMAX, -1000, 0);
        CHECK(RawToDb(tlv, 5, 5, 5) == doctest::Approx(-10.0));
    }
}

TEST_CASE("DB_MINMAX_MUTE") {
    const Words tlv = MinMax(TLV_DB_MINMAX_MUTE, -9000, 0);
    const auto range = GetDbRange(tlv, 0, 90);
    REQUIRE(range);
    CHECK(*range == DbRange{-89.0, 0.0, true});
    CHECK_FALSE(RawToDb(tlv, 0, 90, 0));
    CHECK(RawToDb(tlv, 0, 90, 1) == doctest::Approx(-89.0));
    CHECK(RawToDb(tlv, 0, 90, 90) == doctest::Approx(0.0));
    CHECK(DbToRaw(tlv, 0, 90, -INF) == 0);
    CHECK(DbToRaw(tlv, 0, 90, -10.2) == 80);
    CheckRoundTrip(tlv, 0, 90);
}

TEST_CASE("DB_LINEAR") {
    SUBCASE("muting minimum, as on fine-grained linear gains") {
        const Words tlv = MinMax(TLV_DB_LINEAR, TLV_DB_GAIN_MUTE, 0);
        const auto range = GetDbRange(tlv, 0, 32613);
        REQUIRE(range);
        CHECK(range->mute);
        CHECK(range->min == doctest::Approx(20.0 * std::log10(1.0 / 32613)));
        CHECK(range->max == doctest::Approx(0.0));
        CHECK_FALSE(RawToDb(tlv, 0, 32613, 0));
        CHECK(RawToDb(tlv, 0, 32613, 32613) == doctest::Approx(0.0));
        CHECK(RawToDb(tlv, 0, 32613, 16307) == doctest::Approx(20.0 * std::log10(16307.0 / 32613)));
        CHECK(DbToRaw(tlv, 0, 32613, -6.0206) == 16306);
        CHECK(DbToRaw(tlv, 0, 32613, -INF) == 0);
        CheckRoundTrip(tlv, 0, 32613);
    }
    SUBCASE("muting minimum with a positive maximum") {
        const Words tlv = MinMax(TLV_DB_LINEAR, TLV_DB_GAIN_MUTE, 600);
        CHECK(RawToDb(tlv, 0, 100, 50) == doctest::Approx(20.0 * std::log10(0.5) + 6.0));
        CheckRoundTrip(tlv, 0, 100);
    }
    SUBCASE("finite minimum") {
        const Words tlv = MinMax(TLV_DB_LINEAR, -4000, 0);
        CHECK(GetDbRange(tlv, 0, 100) == DbRange{-40.0, 0.0, false});
        CHECK(RawToDb(tlv, 0, 100, 0) == doctest::Approx(-40.0));
        CHECK(RawToDb(tlv, 0, 100, 50) == doctest::Approx(20.0 * std::log10(0.99 * 0.5 + 0.01)));
        CHECK(RawToDb(tlv, 0, 100, 100) == doctest::Approx(0.0));
        CheckRoundTrip(tlv, 0, 100);
    }
}

TEST_CASE("DB_RANGE") {
    SUBCASE("mute item then a scale, as HDA codecs declare it") {
        const Words tlv = Range({{0, 0, Scale(0, 0, true)}, {1, 63, Scale(-6200, 100, false)}});
        const auto range = GetDbRange(tlv, 0, 63);
        REQUIRE(range);
        CHECK(*range == DbRange{-62.0, 0.0, true});
        CHECK_FALSE(RawToDb(tlv, 0, 63, 0));
        CHECK(RawToDb(tlv, 0, 63, 1) == doctest::Approx(-62.0));
        CHECK(RawToDb(tlv, 0, 63, 63) == doctest::Approx(0.0));
        CHECK(DbToRaw(tlv, 0, 63, -INF) == 0);
        CHECK(DbToRaw(tlv, 0, 63, -30.0) == 33);
        CheckRoundTrip(tlv, 0, 63);
    }
    SUBCASE("two slopes") {
        const Words tlv = Range({{0, 9, MinMax(TLV_DB_MINMAX, -9000, -4500)},
                                 {10, 20, MinMax(TLV_DB_MINMAX, -2000, 0)}});
        CHECK(GetDbRange(tlv, 0, 20) == DbRange{-90.0, 0.0, false});
        CHECK(RawToDb(tlv, 0, 20, 9) == doctest::Approx(-45.0));
        CHECK(RawToDb(tlv, 0, 20, 10) == doctest::Approx(-20.0));
        CHECK(RawToDb(tlv, 0, 20, 15) == doctest::Approx(-10.0));
        SUBCASE("a dB value in the gap between items goes to the nearest side") {
            CHECK(DbToRaw(tlv, 0, 20, -30.0) == 10);
            CHECK(DbToRaw(tlv, 0, 20, -40.0) == 9);
        }
        CheckRoundTrip(tlv, 0, 20);
    }
    SUBCASE("items beyond the control's range are clipped") {
        const Words tlv =
            Range({{0, 10, Scale(-2000, 100, false)}, {11, 40, Scale(-1000, 100, false)}});
        CHECK(GetDbRange(tlv, 0, 15) == DbRange{-20.0, -6.0, false});
        CHECK(GetDbRange(tlv, 0, 5) == DbRange{-20.0, -15.0, false});
        CHECK_FALSE(DbToRaw(tlv, 0, 15, 0.0));
        CHECK(DbToRaw(tlv, 0, 15, -6.0) == 15);
    }
    SUBCASE("raw values no item covers") {
        const Words tlv = Range({{5, 10, Scale(-1000, 100, false)}});
        CHECK_FALSE(RawToDb(tlv, 0, 10, 2));
        CHECK(RawToDb(tlv, 0, 10, 7) == doctest::Approx(-8.0));
    }
    SUBCASE("malformed items") {
        Words tlv = Range({{0, 10, Scale(-1000, 100, false)}});
        tlv.push_back(0);
        tlv.push_back(1);
        tlv[1] += 8;  // an item with no entry
        CHECK_FALSE(GetDbRange(tlv, 0, 10));
    }
}

TEST_CASE("dB conversion over an integer64 range") {
    const Words tlv = MinMax(TLV_DB_MINMAX, -10000, 0);
    const int64_t min = std::numeric_limits<int64_t>::min();
    const int64_t max = std::numeric_limits<int64_t>::max();
    const auto range = GetDbRange(tlv, min, max);
    REQUIRE(range);
    CHECK(range->min == doctest::Approx(-100.0));
    CHECK(RawToDb(tlv, min, max, 0) == doctest::Approx(-50.0));
    const auto raw = DbToRaw(tlv, min, max, -25.0);
    REQUIRE(raw);
    CHECK(RawToDb(tlv, min, max, *raw) == doctest::Approx(-25.0));
}

TEST_CASE("FCP channel labels: NUL-separated, aligned, padding dropped") {
    /* "In 1\0\0PCM 3\0" padded to 16 bytes: an unlabelled second channel. */
    const char text[16] = {'I', 'n', ' ', '1', 0, 0, 'P', 'C', 'M', ' ', '3', 0, 0, 0, 0, 0};
    std::vector<uint32_t> tlv(2 + 4);
    tlv[0] = Alsa::TLV_FCP_CHANNEL_LABELS;
    tlv[1] = 16;
    std::memcpy(tlv.data() + 2, text, 16);
    CHECK(Alsa::ParseChannelLabels(tlv) == std::vector<std::string>{"In 1", "", "PCM 3"});
    tlv[0] = Alsa::TLV_DB_SCALE;
    CHECK(Alsa::ParseChannelLabels(tlv).empty());
    CHECK(Alsa::ParseChannelLabels(std::vector<uint32_t>{}).empty());
}
