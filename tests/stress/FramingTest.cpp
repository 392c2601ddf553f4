// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hostile input on the control socket (protocol-v1 §1, §2): a 10 MB line, bytes
 * that are not UTF-8, and nesting as deep as the line limit allows. Each gets a
 * clear error; the daemon stays up and other clients do not notice.
 */
#include <string>

#include "Stress.hpp"

using namespace Stress;

namespace {

std::string Nested(size_t depth, const std::string& inner = "") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

/** The daemon still answers and still notifies @p watcher. */
void CheckAlive(Cli::Client& watcher, TestData::FakeDevice& device, int64_t value) {
    CHECK(watcher.Call("daemon.info").contains("result"));
    device.ExternalSet(PROBE, Number(value));
    CHECK(AwaitValue(watcher, PROBE, value, 5000));
}

}  // namespace

TEST_CASE("a 10 MB line gets request.too_large and is closed; others are unaffected") {
    auto device = ManyControls();
    const Ipc::Limits limits;
    TestData::Daemon d({{DEV, device}}, limits);
    auto watcher = d.Connect();
    REQUIRE(watcher.Call("subscribe", {{"controls", {"Probe *"}}, {"snapshot", false}})
                .contains("result"));

    auto big = d.Connect();
    const std::string line =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon.info\",\"params\":{\"x\":\"" +
        std::string(10 * 1024 * 1024, 'a') + "\"}}\n";
    /* The daemon closes while we are still writing: that send fails, as it should. */
    try {
        big.SendRaw(line);
    } catch (const std::runtime_error&) {
    }
    const auto reply = big.ReadLine(10000);
    REQUIRE(reply);
    const auto error = ExpectError(json::parse(*reply), -32600, "request.too_large");
    CHECK(error["data"]["limit"] == limits.max_line);
    CHECK(json::parse(*reply)["id"].is_null());
    CHECK(big.IsClosedByPeer(10000));

    CheckAlive(watcher, *device, 1);
    CHECK(AwaitClientCount(watcher, 1));
}

TEST_CASE("bytes that are not UTF-8 get parse_error and the connection stays usable") {
    auto device = ManyControls();
    TestData::Daemon d({{DEV, device}});
    auto c = d.Connect();
    const char* inputs[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\xfe\"}\n",
        "\xc3\x28\n",                                                    // truncated sequence
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xed\xa0\x80\"}\n",  // a UTF-16 surrogate
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xc0\xaf\"}\n",      // overlong '/'
        "\x80\x81\x82\n",
    };
    for (const char* input : inputs) {
        INFO("input: "
             << json(std::string(input)).dump(-1, ' ', false, json::error_handler_t::replace));
        c.SendRaw(input);
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        const auto response = json::parse(*reply);
        ExpectError(response, -32700, "parse_error");
        CHECK(response["id"].is_null());
        CHECK(c.Call("daemon.info").contains("result"));
    }
}

TEST_CASE("deeply nested JSON gets a clear error, never a crash") {
    auto device = ManyControls();
    const Ipc::Limits limits;
    TestData::Daemon d({{DEV, device}}, limits);
    auto watcher = d.Connect();
    REQUIRE(watcher.Call("subscribe", {{"controls", {"Probe *"}}, {"snapshot", false}})
                .contains("result"));

    SUBCASE("100k '[' is over the line limit") {
        auto c = d.Connect();
        try {
            c.SendRaw(std::string(100000, '[') + "\n");
        } catch (const std::runtime_error&) {
        }
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        ExpectError(json::parse(*reply), -32600, "request.too_large");
        CHECK(c.IsClosedByPeer(5000));
    }
    /* As deep as 64 KiB allows, in every place a request can hold a value. */
    const size_t depth = (limits.max_line - 200) / 2;
    SUBCASE("an unterminated nesting is a parse error") {
        auto c = d.Connect();
        c.SendRaw(std::string(limits.max_line - 1, '[') + "\n");
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        ExpectError(json::parse(*reply), -32700, "parse_error");
    }
    SUBCASE("a nested batch is invalid_request, refused while parsing") {
        auto c = d.Connect();
        c.SendRaw(Nested(depth) + "\n");
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        const auto error = json::parse(*reply);
        ExpectError(error, -32600, "invalid_request");
        CHECK(error["error"]["data"]["limit"] == 64);
    }
    SUBCASE("a nested id is invalid_request") {
        auto c = d.Connect();
        c.SendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"daemon.info\",\"id\":" + Nested(depth) +
                  "}\n");
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        ExpectError(json::parse(*reply), -32600, "invalid_request");
    }
    SUBCASE("a nested params member is invalid_request") {
        auto c = d.Connect();
        c.SendRaw(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"controls.list\",\"params\":{\"match\":" +
            Nested(depth) + "}}\n");
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        ExpectError(json::parse(*reply), -32600,
                    "invalid_request"); /* refused at parse: depth > 64 */
    }
    SUBCASE("a nested controls.set value is an error") {
        auto c = d.Connect();
        c.SendRaw(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"controls.set\",\"params\":{\"changes\":"
            "[{\"control\":1,\"value\":" +
            Nested(depth, "1") + "}]}}\n");
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        const auto response = json::parse(*reply);
        INFO(response.dump());
        REQUIRE(response.contains("error"));
        CHECK(response["error"]["code"] != -32603);
    }
    SUBCASE("a nested control reference is invalid_request") {
        auto c = d.Connect();
        c.SendRaw(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"controls.get\",\"params\":{\"controls\":[" +
            Nested(depth) + "]}}\n");
        const auto reply = c.ReadLine(5000);
        REQUIRE(reply);
        ExpectError(json::parse(*reply), -32600,
                    "invalid_request"); /* refused at parse: depth > 64 */
    }
    CheckAlive(watcher, *device, 2);
}
