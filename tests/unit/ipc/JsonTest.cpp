// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "ipc/Json.hpp"

using nlohmann::json;

TEST_CASE("Encoded parts are written as they are, where the tree encoder would write them") {
    /* A snapshot's shape: encoded controls in arrays under an object, encoded devices,
     * plain members around them, non-ASCII bytes in the encoded text. */
    const std::string control =
        R"({"name":"Line In 1 Air Capture Switch","numid":2,"value":[true]})";
    const std::string accented = "{\"name\":\"Mix A \xc3\xa9\",\"value\":[3]}";
    const std::string device = R"({"id":"usb-1235-8215","online":true})";
    json with_parts = {{"seq", 7},
                       {"snapshot",
                        {{"controls",
                          {{"usb-1235-8215", {Ipc::Encoded(control), Ipc::Encoded(accented)}},
                           {"empty", json::array()}}},
                         {"devices", {Ipc::Encoded(device)}}}},
                       {"subscription", 1}};
    json as_tree = {{"seq", 7},
                    {"snapshot",
                     {{"controls",
                       {{"usb-1235-8215", {json::parse(control), json::parse(accented)}},
                        {"empty", json::array()}}},
                      {"devices", {json::parse(device)}}}},
                    {"subscription", 1}};

    CHECK(Ipc::Encode(with_parts) == Ipc::Encode(as_tree));
    CHECK(Ipc::EncodeResponse(json(42), with_parts) == Ipc::EncodeResponse(json(42), as_tree));
    CHECK(Ipc::EncodeResponse(json(42), with_parts) ==
          R"({"jsonrpc":"2.0","id":42,"result":)" + as_tree.dump() + "}");
    /* An encoded part alone, and a tree with none. */
    CHECK(Ipc::Encode(Ipc::Encoded(control)) == control);
    CHECK(Ipc::EncodeResponse(json("a"), as_tree) ==
          R"({"jsonrpc":"2.0","id":"a","result":)" + as_tree.dump() + "}");
}

TEST_CASE("AppendNumber writes a double as the tree encoder does") {
    std::vector<double> numbers = {0.0,    -0.0,
                                   1.0,    -12.5,
                                   0.1,    -127.99,
                                   6.0,    1e-5,
                                   1e21,   1e22,
                                   -1e-7,  123456789012345.0,
                                   5e-324, 1.7976931348623157e308};
    /* dB values as the drivers' scales make them, and doubles of every exponent. */
    for (int centi = -12800; centi <= 1200; ++centi) numbers.push_back(centi / 100.0);
    std::mt19937_64 random(11);
    for (int i = 0; i < 20000; ++i) {
        const uint64_t bits = random();
        double d;
        std::memcpy(&d, &bits, sizeof(d));
        numbers.push_back(d);
    }
    numbers.push_back(std::numeric_limits<double>::infinity());
    numbers.push_back(std::numeric_limits<double>::quiet_NaN());
    for (const double d : numbers) {
        std::string text = "x";
        Ipc::AppendNumber(text, d);
        CAPTURE(d);
        CHECK(text == "x" + Ipc::Encode(json(d)));
    }
}
