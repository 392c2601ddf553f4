// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ipc/Error.hpp"
#include "ipc/JsonRpc.hpp"
#include "ipc/Log.hpp"

using nlohmann::json;

namespace {

/** Records calls; "echo" returns params, "fail" throws an RpcError, "boom" a bug. */
struct Calls {
    std::vector<std::string> methods;
    std::vector<json> params;
    Ipc::CallFunction Function() {
        return [this](const std::string& method, const json& p) -> json {
            methods.push_back(method);
            params.push_back(p);
            if (method == "echo") return p;
            if (method == "fail")
                throw Ipc::RpcError(Ipc::ErrorCode::ControlReadOnly, "locked",
                                    {{"reason", "locked"}});
            if (method == "boom") throw std::logic_error("bug");
            throw Ipc::MethodNotFound(method);
        };
    }
};

json Reply(std::string_view line, Calls& calls) {
    const auto reply = Ipc::ProcessMessage(line, calls.Function());
    REQUIRE(reply.has_value());
    CHECK(reply->find('\n') == std::string::npos);
    return json::parse(*reply);
}

struct QuietLog {
    QuietLog() {
        Ipc::SetLogSink([](Ipc::LogLevel, std::string_view) {});
    }
    ~QuietLog() { Ipc::SetLogSink({}); }
};

}  // namespace

TEST_CASE("A request gets a response with the same id") {
    Calls calls;
    CHECK(Reply(R"({"jsonrpc":"2.0","id":7,"method":"echo","params":{"a":1}})", calls) ==
          json::parse(R"({"jsonrpc":"2.0","id":7,"result":{"a":1}})"));
    CHECK(Reply(R"({"jsonrpc":"2.0","id":"x-1","method":"echo","params":[1]})", calls)["id"] ==
          "x-1");
    CHECK(Reply(R"({"jsonrpc":"2.0","id":null,"method":"echo"})", calls) ==
          json::parse(R"({"jsonrpc":"2.0","id":null,"result":{}})"));
    CHECK(Reply(R"({"jsonrpc":"2.0","id":1.5,"method":"echo"})", calls)["id"] == 1.5);
    CHECK(calls.params.back() == json::object());
    CHECK(*Ipc::ProcessMessage(R"({"id":1,"method":"echo","jsonrpc":"2.0"})", calls.Function()) ==
          R"({"jsonrpc":"2.0","id":1,"result":{}})");
}

TEST_CASE("Invalid JSON and invalid UTF-8 are parse errors with id null") {
    Calls calls;
    for (const std::string& line :
         {std::string("{"), std::string("{\"jsonrpc\":\"2.0\",}"), std::string("nope"),
          std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"} trailing"),
          std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"e\xff\"}"),
          std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xed\xa0\x80\"}"),
          /* Beyond a double: nlohmann throws out_of_range.406 instead of a parse_error. */
          std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":["
                      "9223372031e30875807]}"),
          std::string("[-1e999]")}) {
        CAPTURE(line);
        const json r = Reply(line, calls);
        CHECK(r["id"].is_null());
        CHECK(r["error"]["code"] == -32700);
        CHECK(r["error"]["data"]["code"] == "parse_error");
        CHECK(r["error"]["message"].get<std::string>().rfind("Parse error", 0) == 0);
    }
    CHECK(calls.methods.empty());
}

TEST_CASE("Messages that are not JSON-RPC requests are invalid_request") {
    Calls calls;
    struct Row {
        const char* line;
        json id;
        const char* field;
    };
    const Row rows[] = {
        {R"(1)", nullptr, nullptr},
        {R"("text")", nullptr, nullptr},
        {R"({})", nullptr, "jsonrpc"},
        {R"({"id":1,"method":"echo"})", 1, "jsonrpc"},
        {R"({"jsonrpc":"1.0","id":1,"method":"echo"})", 1, "jsonrpc"},
        {R"({"jsonrpc":2.0,"id":1,"method":"echo"})", 1, "jsonrpc"},
        {R"({"jsonrpc":"2.0","id":2})", 2, "method"},
        {R"({"jsonrpc":"2.0","id":"s","method":5})", "s", "method"},
        {R"({"jsonrpc":"2.0","id":true,"method":"echo"})", nullptr, "id"},
        {R"({"jsonrpc":"2.0","id":{"a":1},"method":"echo"})", nullptr, "id"},
        {R"({"jsonrpc":"2.0","id":[1],"method":"echo"})", nullptr, "id"},
        /* Beyond 64 bits an integer id parses as a double and could not be echoed as
         * sent: refused rather than answered under another id. */
        {R"({"jsonrpc":"2.0","id":18446744073709551616,"method":"echo"})", nullptr, "id"},
        {R"({"jsonrpc":"2.0","id":-9223372036854775809,"method":"echo"})", nullptr, "id"},
        {R"({"jsonrpc":"2.0","id":3,"method":"echo","params":"x"})", 3, "params"},
        {R"({"jsonrpc":"2.0","id":3,"method":"echo","params":null})", 3, "params"},
        {R"({"jsonrpc":"2.0","id":3,"method":"echo","params":4})", 3, "params"},
        /* Without an id but malformed: not a notification, so it is answered. */
        {R"({"jsonrpc":"2.0","method":1,"params":"bar"})", nullptr, "method"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.line);
        const json r = Reply(row.line, calls);
        CHECK(r["jsonrpc"] == "2.0");
        CHECK(r["id"] == row.id);
        CHECK(r["error"]["code"] == -32600);
        CHECK(r["error"]["data"]["code"] == "invalid_request");
        if (row.field) CHECK(r["error"]["data"]["field"] == row.field);
    }
    CHECK(calls.methods.empty());
}

TEST_CASE("Ids up to 64 bits are echoed exactly") {
    Calls calls;
    for (const char* id : {"18446744073709551615", "-9223372036854775808", "0", "1.5"}) {
        CAPTURE(id);
        const std::string line =
            std::string(R"({"jsonrpc":"2.0","id":)") + id + R"(,"method":"echo"})";
        const auto reply = Ipc::ProcessMessage(line, calls.Function());
        REQUIRE(reply);
        CHECK(reply->find(std::string(R"("id":)") + id + ",") != std::string::npos);
    }
}

TEST_CASE("JSON nested 64 levels is accepted, 65 is refused") {
    Calls calls;
    auto nested = [](int levels) {
        /* The request object is the first level; params arrays the rest. */
        std::string line = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":)";
        for (int i = 1; i < levels; ++i) line += '[';
        for (int i = 1; i < levels; ++i) line += ']';
        return line + '}';
    };
    CHECK(Reply(nested(64), calls).contains("result"));
    const json r = Reply(nested(65), calls);
    CHECK(r["error"]["code"] == -32600);
    CHECK(r["error"]["data"]["limit"] == 64);
}

TEST_CASE("A batch's reply is bounded: past the limit its requests are refused, not run") {
    Calls calls;
    const std::string pad(1000, 'p');
    std::string line = "[";
    for (int i = 0; i < 50; ++i)
        line += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
                R"(,"method":"echo","params":{"pad":")" + pad + R"("}})";
    line += R"(,{"jsonrpc":"2.0","method":"echo","params":{"last":true}}])";
    const auto reply = Ipc::ProcessMessage(line, calls.Function(), 10000);
    REQUIRE(reply);
    const json r = json::parse(*reply);
    REQUIRE(r.size() == 50);
    size_t answered = 0;
    for (size_t i = 0; i < r.size(); ++i) {
        CAPTURE(i);
        CHECK(r[i]["id"] == i);
        if (r[i].contains("result")) {
            CHECK(answered == i);
            ++answered;
        } else {
            CHECK(r[i]["error"]["data"]["code"] == "limit.exceeded");
            CHECK(r[i]["error"]["data"]["resource"] == "output");
        }
    }
    /* About 10 KB of answers; the refused requests did not run, the notification did. */
    CHECK(answered >= 9);
    CHECK(answered <= 11);
    CHECK(calls.methods.size() == answered + 1);
    CHECK(reply->size() < 20000);
}

TEST_CASE("Handler errors become error responses") {
    QuietLog quiet;
    Calls calls;
    SUBCASE("unknown method") {
        const json r = Reply(R"({"jsonrpc":"2.0","id":1,"method":"nope"})", calls);
        CHECK(r["error"]["code"] == -32601);
        CHECK(r["error"]["data"] == json({{"code", "method.not_found"}, {"method", "nope"}}));
    }
    SUBCASE("RpcError keeps its data") {
        const json r = Reply(R"({"jsonrpc":"2.0","id":2,"method":"fail"})", calls);
        CHECK(r == json::parse(R"({"jsonrpc":"2.0","id":2,"error":{"code":-32004,
            "message":"locked","data":{"code":"control.read_only","reason":"locked"}}})"));
    }
    SUBCASE("any other exception is internal") {
        const json r = Reply(R"({"jsonrpc":"2.0","id":3,"method":"boom"})", calls);
        CHECK(r["id"] == 3);
        CHECK(r["error"]["code"] == -32603);
        CHECK(r["error"]["data"]["code"] == "internal");
    }
}

TEST_CASE("Notifications are executed and never answered") {
    QuietLog quiet;
    Calls calls;
    for (const char* line :
         {R"({"jsonrpc":"2.0","method":"echo","params":{"a":1}})",
          R"({"jsonrpc":"2.0","method":"fail"})", R"({"jsonrpc":"2.0","method":"boom"})",
          R"({"jsonrpc":"2.0","method":"nope"})"}) {
        CAPTURE(line);
        CHECK_FALSE(Ipc::ProcessMessage(line, calls.Function()).has_value());
    }
    CHECK(calls.methods == std::vector<std::string>{"echo", "fail", "boom", "nope"});
}

TEST_CASE("Batches answer in request order and skip notifications") {
    Calls calls;
    SUBCASE("mixed") {
        const json r = Reply(R"([
            {"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},
            {"jsonrpc":"2.0","method":"echo","params":[2]},
            {"jsonrpc":"2.0","id":"b","method":"nope"},
            1,
            {"foo":"boo"},
            {"jsonrpc":"2.0","id":3,"method":"echo","params":[3]}])",
                             calls);
        REQUIRE(r.is_array());
        REQUIRE(r.size() == 5);
        CHECK(r[0] == json::parse(R"({"jsonrpc":"2.0","id":1,"result":[1]})"));
        CHECK(r[1]["id"] == "b");
        CHECK(r[1]["error"]["code"] == -32601);
        CHECK(r[2]["id"].is_null());
        CHECK(r[2]["error"]["data"]["code"] == "invalid_request");
        CHECK(r[3]["error"]["data"]["code"] == "invalid_request");
        CHECK(r[4] == json::parse(R"({"jsonrpc":"2.0","id":3,"result":[3]})"));
        CHECK(calls.methods == std::vector<std::string>{"echo", "echo", "nope", "echo"});
    }
    SUBCASE("only notifications: nothing is written") {
        CHECK_FALSE(Ipc::ProcessMessage(R"([{"jsonrpc":"2.0","method":"echo"},
                                            {"jsonrpc":"2.0","method":"nope"}])",
                                        calls.Function())
                        .has_value());
        CHECK(calls.methods.size() == 2);
    }
    SUBCASE("empty batch: one invalid_request, not an array") {
        const json r = Reply("[]", calls);
        CHECK(r.is_object());
        CHECK(r["id"].is_null());
        CHECK(r["error"]["code"] == -32600);
        CHECK(r["error"]["data"]["code"] == "invalid_request");
    }
    SUBCASE("a batch of invalid entries gets one error each") {
        const json r = Reply("[1,2,3]", calls);
        REQUIRE(r.size() == 3);
        for (const json& e : r) CHECK(e["error"]["code"] == -32600);
    }
}

TEST_CASE("Blank lines are recognised") {
    CHECK(Ipc::IsBlankLine(""));
    CHECK(Ipc::IsBlankLine(" \t\r"));
    CHECK_FALSE(Ipc::IsBlankLine(" {}"));
}
