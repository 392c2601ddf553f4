// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * OSC datagrams in and out: messages written byte by byte here (not by the encoder
 * under test) decode to their arguments; bundles are walked, nested and bounded;
 * whatever is malformed is said, and the good messages around it kept.
 */
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "bridges/osc/Wire.hpp"

using namespace Osc;

namespace {

/** An OSC string: the bytes, a NUL, padded to 4. */
std::string Str(const std::string& s) {
    std::string out = s;
    out.push_back('\0');
    while (out.size() % 4) out.push_back('\0');
    return out;
}

std::string Int(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
}

std::string Bundle(const std::vector<std::string>& elements) {
    std::string out = Str("#bundle") + Int(0) + Int(1);
    for (const auto& e : elements) out += Int(static_cast<uint32_t>(e.size())) + e;
    return out;
}

Datagram D(const std::string& bytes) {
    return Decode(bytes.data(), bytes.size());
}

}  // namespace

TEST_CASE("Wire: a message's arguments, from bytes written by hand") {
    /* 1.5f is 0x3fc00000. */
    const auto d = D(Str("/input/1/gain") + Str(",ifsTF") + Int(7) + Int(0x3fc00000) + Str("Off"));
    REQUIRE(d.error.empty());
    REQUIRE(d.messages.size() == 1);
    CHECK(d.messages[0].address == "/input/1/gain");
    REQUIRE(d.messages[0].args.size() == 5);
    CHECK(d.messages[0].args[0] == Arg::Int(7));
    CHECK(d.messages[0].args[1] == Arg::Float(1.5f));
    CHECK(d.messages[0].args[2] == Arg::String("Off"));
    CHECK(d.messages[0].args[3] == Arg::Bool(true));
    CHECK(d.messages[0].args[4] == Arg::Bool(false));

    SUBCASE("no arguments: a query") {
        const auto q = D(Str("/monitor/volume") + Str(","));
        REQUIRE(q.messages.size() == 1);
        CHECK(q.messages[0].args.empty());
    }
    SUBCASE("h and d become i and f when they fit; others keep their tag") {
        const auto m = D(Str("/x") + Str(",hdhN") + Int(0) + Int(5) + Int(0x40040000) + Int(0) +
                         Int(1) + Int(0));
        REQUIRE(m.error.empty());
        REQUIRE(m.messages[0].args.size() == 4);
        CHECK(m.messages[0].args[0] == Arg::Int(5));
        CHECK(m.messages[0].args[1] == Arg::Float(2.5f));
        CHECK(m.messages[0].args[2].type == 'h'); /* 2^32: not an int32 */
        CHECK(m.messages[0].args[3].type == 'N');
    }
}

TEST_CASE("Wire: what it writes reads back, and is what the OSC 1.0 layout says") {
    const std::string bytes = Encode("/route/PCM_01", {Arg::Int(2), Arg::String("Analogue 1")});
    CHECK(bytes == Str("/route/PCM_01") + Str(",is") + Int(2) + Str("Analogue 1"));
    const auto d = D(bytes);
    REQUIRE(d.messages.size() == 1);
    CHECK(d.messages[0].args[1] == Arg::String("Analogue 1"));
    CHECK(Encode("/a", {Arg::Bool(true), Arg::Float(-6.0f)}) ==
          Str("/a") + Str(",Tf") + Int(0xc0c00000));
}

TEST_CASE("Wire: bundles are walked in order, nested up to the bound") {
    const std::string a = Str("/a") + Str(",i") + Int(1);
    const std::string b = Str("/b") + Str(",");
    const auto d = D(Bundle({a, Bundle({b, a}), b}));
    REQUIRE(d.error.empty());
    REQUIRE(d.messages.size() == 4);
    CHECK(d.messages[0].address == "/a");
    CHECK(d.messages[1].address == "/b");
    CHECK(d.messages[2].address == "/a");
    CHECK(d.messages[3].address == "/b");

    std::string deep = a;
    for (int i = 0; i < 100; ++i) deep = Bundle({deep});
    const auto refused = D(deep);
    CHECK(refused.messages.empty());
    CHECK(refused.error.find("nested") != std::string::npos);

    std::string eight = a;
    for (size_t i = 0; i < MAX_BUNDLE_DEPTH; ++i) eight = Bundle({eight});
    CHECK(D(eight).messages.size() == 1);

    std::vector<std::string> many(100, b);
    const auto counted = D(Bundle(many));
    CHECK(counted.messages.size() == MAX_MESSAGES);
    CHECK(!counted.error.empty());
}

TEST_CASE("Wire: malformed input is said, and the good messages around it kept") {
    const std::string good = Str("/ok") + Str(",i") + Int(3);
    struct Case {
        const char* what;
        std::string bytes;
    };
    const Case cases[] = {
        {"empty", ""},
        {"truncated argument", Str("/a") + Str(",i") + "\0\0"},
        {"missing argument", Str("/a") + Str(",is") + Int(1)},
        {"no type tags", Str("/a")},
        {"no comma", Str("/a") + Str("i") + Int(1)},
        {"unterminated address", std::string("/abc")},
        {"unknown type", Str("/a") + Str(",Q")},
        {"not an address", Str("abc") + Str(",")},
        {"blob longer than the datagram", Str("/a") + Str(",b") + Int(1000) + "abcd"},
        {"bundle element longer than the bundle",
         Str("#bundle") + Int(0) + Int(1) + Int(400) + good},
        {"bundle without time tag", Str("#bundle")},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const auto d = D(c.bytes);
        CHECK(d.messages.empty());
        CHECK(!d.error.empty());
    }
    const auto mixed = D(Bundle({good, Str("/bad") + Str(",i"), good}));
    CHECK(mixed.messages.size() == 2);
    CHECK(!mixed.error.empty());
}
