// SPDX-License-Identifier: GPL-3.0-or-later
/* --listen and --allow: addresses and networks, IPv4 and IPv6, loopback. */
#include <doctest/doctest.h>

#include "bridges/osc/Network.hpp"

using namespace Osc;

TEST_CASE("Network: --listen addresses") {
    CHECK(ParseEndpoint("127.0.0.1:7000")->Name() == "127.0.0.1:7000");
    CHECK(ParseEndpoint("[::1]:7001")->Name() == "[::1]:7001");
    CHECK(ParseEndpoint("[::1]:7001")->Host() == "[::1]");
    CHECK(ParseEndpoint("127.0.0.1:7002")->Port() == 7002);
    for (const char* text : {"127.0.0.1:7000", "[::1]:7000"}) {
        auto e = *ParseEndpoint(text);
        e.SetPort(9100);
        CHECK(e.Port() == 9100);
        CHECK(e.Name() == e.Host() + ":9100");
    }
    CHECK(ParseEndpoint("127.0.0.1:7000")->IsLoopback());
    CHECK(ParseEndpoint("127.8.9.1:0")->IsLoopback());
    CHECK(ParseEndpoint("[::1]:7000")->IsLoopback());
    CHECK(ParseEndpoint("[::ffff:127.0.0.1]:7000")->IsLoopback());
    CHECK(!ParseEndpoint("0.0.0.0:7000")->IsLoopback());
    CHECK(!ParseEndpoint("[::]:7000")->IsLoopback());
    CHECK(!ParseEndpoint("192.168.1.4:7000")->IsLoopback());
    for (const char* bad : {"", "7000", "localhost:7000", "127.0.0.1", "127.0.0.1:",
                            "127.0.0.1:70000", "::1:7000", "[::1]", "127.0.0.1:7x", "1.2.3:4"}) {
        CAPTURE(bad);
        CHECK(!ParseEndpoint(bad));
    }
}

TEST_CASE("Network: --allow networks") {
    const auto lan = Network::Parse("192.168.1.0/24");
    REQUIRE(lan);
    CHECK(lan->Name() == "192.168.1.0/24");
    CHECK(lan->Contains(*ParseEndpoint("192.168.1.77:9000")));
    CHECK(!lan->Contains(*ParseEndpoint("192.168.2.77:9000")));
    /* An IPv4 peer on a dual-stack socket. */
    CHECK(lan->Contains(*ParseEndpoint("[::ffff:192.168.1.5]:9000")));
    CHECK(!lan->Contains(*ParseEndpoint("[fd00::1]:9000")));

    const auto odd = Network::Parse("10.0.0.0/9");
    REQUIRE(odd);
    CHECK(odd->Contains(*ParseEndpoint("10.127.255.255:1")));
    CHECK(!odd->Contains(*ParseEndpoint("10.128.0.0:1")));

    const auto v6 = Network::Parse("fd00::/8");
    REQUIRE(v6);
    CHECK(v6->Contains(*ParseEndpoint("[fd12:3456::1]:1")));
    CHECK(!v6->Contains(*ParseEndpoint("[fe80::1]:1")));
    CHECK(!v6->Contains(*ParseEndpoint("192.168.1.1:1")));

    const auto host = Network::Parse("192.168.1.9");
    REQUIRE(host);
    CHECK(host->Contains(*ParseEndpoint("192.168.1.9:5")));
    CHECK(!host->Contains(*ParseEndpoint("192.168.1.8:5")));
    CHECK(Network::Parse("0.0.0.0/0")->Contains(*ParseEndpoint("8.8.8.8:53")));

    for (const char* bad :
         {"", "192.168.1.0/33", "fd00::/129", "192.168.1.0/", "/8", "lan", "1.2.3.4/x"}) {
        CAPTURE(bad);
        CHECK(!Network::Parse(bad));
    }
}
