// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <vector>

#include "Fixtures.hpp"
#include "daemon/core/StateCache.hpp"

using Core::Change;
using TestData::Identity;
using TestData::Integer;

namespace {
struct Recorder {
    std::vector<std::pair<Change::Kind, unsigned>> changes;
    Core::StateCache cache{[this](const Change& c) {
        changes.emplace_back(c.kind, c.control ? c.control->numid : 0);
    }};
};
Alsa::Value V(int64_t n) {
    return Alsa::Value{{n}, {}};
}
}  // namespace

TEST_CASE("StateCache suppresses echo of identical values") {
    Recorder r;
    r.cache.SetOnline(Identity("dev"), {Integer(1, "Mix A", 100), Integer(2, "Mix B", 0)});
    REQUIRE(r.cache.GetSeq() == 1);

    SUBCASE("same value: nothing reported, seq unchanged") {
        CHECK_FALSE(r.cache.ApplyValue("dev", 1, V(100)));
        CHECK(r.cache.GetSeq() == 1);
        CHECK(r.changes.size() == 1);
    }
    SUBCASE("new value: reported once, seq bumped, stored") {
        CHECK(r.cache.ApplyValue("dev", 1, V(120)));
        CHECK_FALSE(r.cache.ApplyValue("dev", 1, V(120)));
        CHECK(r.cache.GetSeq() == 2);
        REQUIRE(r.changes.size() == 2);
        CHECK(r.changes[1] == std::pair{Change::Kind::Value, 1u});
        CHECK(r.cache.FindDevice("dev")->Find(1)->value == V(120));
    }
    SUBCASE("multi-channel values compare every channel") {
        CHECK(r.cache.ApplyValue("dev", 2, Alsa::Value{{0, 5}, {}}));
        CHECK_FALSE(r.cache.ApplyValue("dev", 2, Alsa::Value{{0, 5}, {}}));
        CHECK(r.cache.ApplyValue("dev", 2, Alsa::Value{{0, 6}, {}}));
    }
    SUBCASE("bytes values") {
        CHECK(r.cache.ApplyValue("dev", 2, Alsa::Value{{}, {1, 2}}));
        CHECK_FALSE(r.cache.ApplyValue("dev", 2, Alsa::Value{{}, {1, 2}}));
    }
    SUBCASE("unknown device or control changes nothing") {
        CHECK_FALSE(r.cache.ApplyValue("other", 1, V(3)));
        CHECK_FALSE(r.cache.ApplyValue("dev", 99, V(3)));
        CHECK(r.cache.GetSeq() == 1);
    }
}

TEST_CASE("StateCache reports info changes such as a write bit cleared") {
    Recorder r;
    auto c = Integer(1, "Line 01 Playback Volume", 10);
    r.cache.SetOnline(Identity("dev"), {c});
    CHECK_FALSE(r.cache.ApplyInfo("dev", c.info, c.value));
    c.info.access.write = false;
    CHECK(r.cache.ApplyInfo("dev", c.info, c.value));
    CHECK(r.changes.back() == std::pair{Change::Kind::Info, 1u});
    CHECK_FALSE(r.cache.FindDevice("dev")->Find(1)->info.access.IsWritable());
    SUBCASE("an INFO event that only changed the value reports a value change") {
        CHECK(r.cache.ApplyInfo("dev", c.info, V(11)));
        CHECK(r.changes.back() == std::pair{Change::Kind::Value, 1u});
    }
}

TEST_CASE("StateCache adds and removes controls") {
    Recorder r;
    r.cache.SetOnline(Identity("dev"), {Integer(1, "A", 0)});
    CHECK(r.cache.AddControl("dev", Integer(7, "B", 3).info, V(3)));
    /* Beside the daemon's own `Name` (a card without routing has no ports). */
    CHECK(r.cache.FindDevice("dev")->controls.size() == 3);
    CHECK(r.cache.RemoveControl("dev", 7));
    CHECK_FALSE(r.cache.RemoveControl("dev", 7));
    CHECK(r.cache.FindDevice("dev")->controls.size() == 2);
    CHECK(r.changes[1].first == Change::Kind::Added);
    CHECK(r.changes[2] == std::pair{Change::Kind::Removed, 7u});
    CHECK(r.cache.GetSeq() == 3);
}

TEST_CASE("StateCache keeps an unplugged device offline under its id") {
    Recorder r;
    r.cache.SetOnline(Identity("dev"), {Integer(1, "A", 0)});
    r.cache.SetOffline("dev");
    const auto* d = r.cache.FindDevice("dev");
    REQUIRE(d);
    CHECK_FALSE(d->online);
    CHECK(d->identity.card == -1);
    CHECK_FALSE(r.cache.ApplyValue("dev", 1, V(5)));
    r.cache.SetOffline("dev");
    CHECK(r.changes.size() == 2);
    r.cache.SetOnline(Identity("dev"), {Integer(1, "A", 9)});
    CHECK(r.cache.FindDevice("dev")->online);
    CHECK(r.cache.FindDevice("dev")->Find(1)->value == V(9));
    CHECK(r.changes.back().first == Change::Kind::DeviceOnline);
    CHECK(r.cache.GetSeq() == 3);
}

TEST_CASE("RefreshVolatile updates a meter without a change") {
    Recorder r;
    r.cache.SetOnline(Identity("dev"), {Integer(1, "Level Meter", 0)});
    r.cache.RefreshVolatile("dev", 1, V(4095));
    CHECK(r.cache.FindDevice("dev")->Find(1)->value == V(4095));
    CHECK(r.cache.GetSeq() == 1);
}
