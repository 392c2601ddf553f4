// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * OSC address patterns (OSC 1.0) and the peers registered for feedback: a peer that
 * stops renewing its /subscribe within 10 s is dropped, and gets only what its
 * pattern asks for.
 */
#include <doctest/doctest.h>

#include "bridges/osc/Peers.hpp"

using Osc::PatternMatch;
using namespace std::chrono_literals;

TEST_CASE("OSC patterns: ?, *, sets, alternatives; none crosses a /") {
    CHECK(PatternMatch("/input/1/gain", "/input/1/gain"));
    CHECK(!PatternMatch("/input/1/gain", "/input/1/gai"));
    CHECK(!PatternMatch("/input/1/gai", "/input/1/gain"));
    CHECK(PatternMatch("/input/?/gain", "/input/7/gain"));
    CHECK(!PatternMatch("/input/?/gain", "/input/10/gain"));
    CHECK(PatternMatch("/input/*/gain", "/input/10/gain"));
    CHECK(PatternMatch("/input/*", "/input/"));
    CHECK(!PatternMatch("/input/*", "/input/1/gain"));
    CHECK(PatternMatch("/*/*/*", "/input/1/gain"));
    CHECK(PatternMatch("/input/[1-4]/phantom", "/input/3/phantom"));
    CHECK(!PatternMatch("/input/[1-4]/phantom", "/input/5/phantom"));
    CHECK(PatternMatch("/input/[!1-4]/phantom", "/input/5/phantom"));
    CHECK(!PatternMatch("/input/[!1-4]/phantom", "/input/2/phantom"));
    CHECK(PatternMatch("/input/[13]/pad", "/input/3/pad"));
    CHECK(PatternMatch("/{input,output}/1/mute", "/output/1/mute"));
    CHECK(!PatternMatch("/{input,output}/1/mute", "/mix/1/mute"));
    CHECK(PatternMatch("/mix/{A,B}*/input/1", "/mix/B/input/1"));
    /* Malformed: matches nothing. */
    CHECK(!PatternMatch("/input/[1-4/gain", "/input/1/gain"));
    CHECK(!PatternMatch("/{input/1", "/input/1"));
    /* Many stars cost |pattern| x |address| steps, not an exponential search. */
    CHECK(!PatternMatch(std::string(500, '*') + "x", std::string(40, 'a')));
    CHECK(PatternMatch(std::string(500, '*') + "a", std::string(40, 'a')));
    CHECK(!PatternMatch("/" + std::string(200, '*') + "/" + std::string(200, '?'),
                        "/" + std::string(60, 'b') + "/" + std::string(199, 'c')));
}

TEST_CASE("OSC peers: renewed within 10 s they stay, else they are dropped") {
    Osc::Peers peers;
    const auto t0 = Osc::Peers::Clock::time_point{} + 1000s;
    CHECK(!peers.NextExpiry());
    CHECK(peers.Subscribe("127.0.0.1:9000", "", t0));
    CHECK(peers.Subscribe("127.0.0.1:9001", "/input/*/gain", t0 + 2s));
    CHECK(peers.NextExpiry() == t0 + 10s);
    CHECK(peers.Matching("/input/1/gain") ==
          std::vector<std::string>{"127.0.0.1:9000", "127.0.0.1:9001"});
    CHECK(peers.Matching("/monitor/dim") == std::vector<std::string>{"127.0.0.1:9000"});
    /* The first renews at 8 s; the second does not. */
    CHECK(peers.Subscribe("127.0.0.1:9000", "", t0 + 8s));
    CHECK(peers.Expire(t0 + 11s).empty());
    CHECK(peers.NextExpiry() == t0 + 12s);
    CHECK(peers.Expire(t0 + 12s) == std::vector<std::string>{"127.0.0.1:9001"});
    CHECK(peers.Matching("/input/1/gain") == std::vector<std::string>{"127.0.0.1:9000"});
    CHECK(peers.Expire(t0 + 18s) == std::vector<std::string>{"127.0.0.1:9000"});
    CHECK(peers.Size() == 0);
    CHECK(!peers.NextExpiry());
}

TEST_CASE("OSC peers: at most MAX_PEERS; a registered one can always renew") {
    Osc::Peers peers;
    const auto t0 = Osc::Peers::Clock::time_point{} + 1000s;
    for (size_t i = 0; i < Osc::Peers::MAX_PEERS; ++i)
        REQUIRE(peers.Subscribe("10.0.0.1:" + std::to_string(1000 + i), "", t0));
    CHECK(!peers.Subscribe("10.0.0.2:1", "", t0));
    CHECK(peers.Subscribe("10.0.0.1:1000", "/monitor/*", t0 + 1s));
    peers.Unsubscribe("10.0.0.1:1001");
    CHECK(peers.Subscribe("10.0.0.2:1", "", t0));
    CHECK(peers.Size() == Osc::Peers::MAX_PEERS);
    /* A pattern too long to match cheaply: refused, the registration as it was. */
    CHECK(!peers.Subscribe("10.0.0.2:1", std::string(Osc::Peers::MAX_PATTERN + 1, '*'), t0));
    CHECK(peers.Matching("/input/1/gain").size() == Osc::Peers::MAX_PEERS - 1);
}
