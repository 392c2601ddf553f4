// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <memory>

#include "Fixtures.hpp"
#include "daemon/core/Subscription.hpp"

using TestData::Identity;
using TestData::Integer;

namespace {
Alsa::Value V(int64_t n) {
    return Alsa::Value{{n}, {}};
}

struct Setup {
    std::vector<std::unique_ptr<Core::Subscription>> subs;
    Core::StateCache cache{[this](const Core::Change& c) {
        for (auto& s : subs) s->Mark(c);
    }};
    Core::Subscription& Add(std::optional<std::set<std::string>> devices = std::nullopt,
                            std::vector<std::string> globs = {},
                            unsigned topics = Core::TOPIC_ALL) {
        subs.push_back(std::make_unique<Core::Subscription>(subs.size() + 1, std::move(devices),
                                                            std::move(globs), topics));
        for (const auto& [id, d] : cache.GetDevices()) subs.back()->SetAnnounced(id, d.online);
        return *subs.back();
    }
};
}  // namespace

TEST_CASE("Subscription coalesces many changes of one control into one dirty entry") {
    Setup s;
    s.cache.SetOnline(Identity("dev"), {Integer(1, "Mix A", 0), Integer(2, "Mix B", 0)});
    auto& sub = s.Add();
    CHECK_FALSE(sub.HasPending());
    for (int i = 1; i <= 1000; ++i) s.cache.ApplyValue("dev", 1, V(i % 173));
    s.cache.ApplyValue("dev", 2, V(5));
    REQUIRE(sub.HasPending());
    auto& p = sub.GetPending().at("dev");
    CHECK(p.values == Core::IdSet{1, 2});
    CHECK_FALSE(p.device_changed);
    sub.ClearPending();
    CHECK_FALSE(sub.HasPending());
    CHECK(sub.GetPending().at("dev").values.empty());
}

TEST_CASE("Subscription filters by device, control glob and topic") {
    Setup s;
    s.cache.SetOnline(Identity("a"),
                      {Integer(1, "Line In 1 Air Capture Switch", 0), Integer(2, "Mix A", 0)});
    s.cache.SetOnline(Identity("b"), {Integer(1, "Line In 1 Air Capture Switch", 0)});
    auto& only_b = s.Add(std::set<std::string>{"b"});
    auto& line_in = s.Add(std::nullopt, {"Line In *"});
    auto& devices_only = s.Add(std::nullopt, {}, Core::TOPIC_DEVICES);
    s.cache.ApplyValue("a", 1, V(1));
    s.cache.ApplyValue("a", 2, V(1));
    CHECK_FALSE(only_b.HasPending());
    CHECK(line_in.GetPending().at("a").values == Core::IdSet{1});
    CHECK_FALSE(devices_only.HasPending());
    s.cache.SetOffline("b");
    CHECK(only_b.HasPending());
    CHECK(devices_only.GetPending().at("b").device_changed);
}

TEST_CASE("Subscription topics: info changes fall back to values without the info topic") {
    Setup s;
    auto c = Integer(1, "Line 01 Playback Volume", 3);
    s.cache.SetOnline(Identity("dev"), {c});
    auto& info = s.Add(std::nullopt, {}, Core::TOPIC_INFO | Core::TOPIC_VALUES);
    auto& values = s.Add(std::nullopt, {}, Core::TOPIC_VALUES);
    c.info.access.write = false;
    s.cache.ApplyInfo("dev", c.info, c.value);
    CHECK(info.GetPending().at("dev").info == Core::IdSet{1});
    CHECK(values.GetPending().at("dev").values == Core::IdSet{1});
}

TEST_CASE("Subscription forgets a control added and removed before the client heard of it") {
    Setup s;
    s.cache.SetOnline(Identity("dev"), {Integer(1, "A", 0)});
    auto& sub = s.Add();
    s.cache.AddControl("dev", Integer(2, "B", 0).info, V(0));
    s.cache.ApplyValue("dev", 2, V(4));
    s.cache.RemoveControl("dev", 2);
    auto& p = sub.GetPending().at("dev");
    CHECK(p.added.empty());
    CHECK(p.removed.empty());
    CHECK(p.values.empty());
    s.cache.RemoveControl("dev", 1);
    REQUIRE(p.removed.size() == 1);
    CHECK(p.removed.at(1).name == "A");
}

TEST_CASE("Subscription remembers an unplug and replug between two flushes") {
    Setup s;
    s.cache.SetOnline(Identity("dev"), {Integer(1, "A", 0)});
    auto& sub = s.Add();
    s.cache.ApplyValue("dev", 1, V(3));
    s.cache.SetOffline("dev");
    auto& p = sub.GetPending().at("dev");
    CHECK(p.device_changed);
    CHECK_FALSE(p.cycled);
    CHECK(p.values.empty()); /* superseded by the device event */
    s.cache.SetOnline(Identity("dev"), {Integer(1, "A", 0)});
    CHECK(p.device_changed);
    CHECK(p.cycled);
    CHECK(p.announced_online);
}

TEST_CASE("GlobMatch and ParseTopic") {
    CHECK(Core::GlobMatch("Line In *", "Line In 1 Air Capture Switch"));
    CHECK_FALSE(Core::GlobMatch("Line In *", "Mix A Input 01 Playback Volume"));
    CHECK(Core::GlobMatch("Mix ? Input 0[1-3]*", "Mix B Input 02 Playback Volume"));
    CHECK(Core::ParseTopic("structure") == Core::TOPIC_STRUCTURE);
    CHECK(Core::ParseTopic("bogus") == 0);
}
