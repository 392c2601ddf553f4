// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "ipc/Error.hpp"
#include "ipc/Json.hpp"

using Ipc::ErrorCode;
using nlohmann::json;

TEST_CASE("Every error code has the protocol-v1 numeric code and data.code") {
    struct Row {
        ErrorCode code;
        int numeric;
        const char* data_code;
    };
    const Row table[] = {
        {ErrorCode::ParseError, -32700, "parse_error"},
        {ErrorCode::InvalidRequest, -32600, "invalid_request"},
        {ErrorCode::RequestTooLarge, -32600, "request.too_large"},
        {ErrorCode::MethodNotFound, -32601, "method.not_found"},
        {ErrorCode::ParamsInvalid, -32602, "params.invalid"},
        {ErrorCode::Internal, -32603, "internal"},
        {ErrorCode::DeviceNotFound, -32001, "device.not_found"},
        {ErrorCode::DeviceOffline, -32002, "device.offline"},
        {ErrorCode::ControlNotFound, -32003, "control.not_found"},
        {ErrorCode::ControlReadOnly, -32004, "control.read_only"},
        {ErrorCode::ValueInvalid, -32005, "value.invalid"},
        {ErrorCode::AlsaError, -32006, "alsa.error"},
        {ErrorCode::LimitExceeded, -32007, "limit.exceeded"},
        {ErrorCode::DeviceBusy, -32008, "device.busy"},
    };
    for (const Row& row : table) {
        CAPTURE(row.data_code);
        CHECK(Ipc::NumericCode(row.code) == row.numeric);
        CHECK(std::string(Ipc::DataCode(row.code)) == row.data_code);
        CHECK(std::string(Ipc::DefaultMessage(row.code)) != "");
        const json error = Ipc::RpcError(row.code).ToJson();
        CHECK(error["code"] == row.numeric);
        CHECK(error["data"]["code"] == row.data_code);
        CHECK(error["message"] == Ipc::DefaultMessage(row.code));
    }
}

TEST_CASE("RpcError::ToJson merges extra data and the table's data.code wins") {
    const Ipc::RpcError error(ErrorCode::ValueInvalid, "out of range",
                              {{"control", 12}, {"min", 0}, {"max", 172}, {"code", "bogus"}});
    CHECK(std::string(error.what()) == "out of range");
    CHECK(error.ToJson() == json::parse(R"({"code":-32005,"message":"out of range",
        "data":{"code":"value.invalid","control":12,"min":0,"max":172}})"));

    SUBCASE("ParamsInvalid names the field") {
        const json e = Ipc::ParamsInvalid("device", "must be a string").ToJson();
        CHECK(e["code"] == -32602);
        CHECK(e["data"] == json({{"code", "params.invalid"}, {"field", "device"}}));
        CHECK(e["message"] == "must be a string");
    }
    SUBCASE("MethodNotFound names the method") {
        const json e = Ipc::MethodNotFound("nope").ToJson();
        CHECK(e["code"] == -32601);
        CHECK(e["data"]["method"] == "nope");
    }
    SUBCASE("null data adds nothing, other non-objects go under data.detail") {
        CHECK(Ipc::RpcError(ErrorCode::AlsaError, "x", nullptr).ToJson()["data"] ==
              json({{"code", "alsa.error"}}));
        CHECK(Ipc::RpcError(ErrorCode::AlsaError, "x", 5).ToJson()["data"]["detail"] == 5);
    }
}

TEST_CASE("Encode replaces invalid UTF-8 with U+FFFD and never throws") {
    const json value = {{"name", std::string("Line\xff In\xc3")}, {"ok", "Gr\xc3\xbc\xc3\x9f"}};
    std::string line;
    CHECK_NOTHROW(line = Ipc::Encode(value));
    CHECK(line == "{\"name\":\"Line\xEF\xBF\xBD In\xEF\xBF\xBD\",\"ok\":\"Gr\xc3\xbc\xc3\x9f\"}");
    CHECK_NOTHROW(json::parse(line));

    SUBCASE("the envelope encoders inherit the replacement") {
        std::string response;
        CHECK_NOTHROW(response = Ipc::EncodeResponse(1, std::string("\xfe")));
        CHECK(response == "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"\xEF\xBF\xBD\"}");
        CHECK_NOTHROW(Ipc::EncodeErrorResponse(
            nullptr, Ipc::RpcError(ErrorCode::ControlNotFound, "no \xff", {{"name", "\xff"}})));
    }
}

TEST_CASE("Encoded messages are exactly one line") {
    const json value = {{"text", "a\nb\r\u2028c"}, {"list", {1, 2, {{"x", "\n"}}}}};
    const std::string line = Ipc::Encode(value);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(json::parse(line) == value);
    CHECK(Ipc::EncodeNotification("controls.changed", {{"seq", 4}}) ==
          R"({"jsonrpc":"2.0","method":"controls.changed","params":{"seq":4}})");
    /* A method name the protocol would never use is still valid JSON, on one line. */
    CHECK(Ipc::EncodeNotification("a\"b\n", {{"seq", 4}}) ==
          R"({"jsonrpc":"2.0","method":"a\"b\n","params":{"seq":4}})");
    CHECK(Ipc::EncodeErrorResponse("a", Ipc::RpcError(ErrorCode::DeviceBusy)) ==
          R"({"jsonrpc":"2.0","id":"a","error":{"code":-32008,"data":{"code":"device.busy"},)"
          R"("message":"Device busy"}})");
}
