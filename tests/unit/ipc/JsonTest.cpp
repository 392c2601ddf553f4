// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

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
