// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/JsonRpc.hpp"

#include <cmath>

#include "ipc/Error.hpp"
#include "ipc/Json.hpp"
#include "ipc/Log.hpp"

namespace Ipc {

namespace {

using nlohmann::json;

RpcError MakeParseError(const json::exception& e) {
    /* what() is "[json.exception.parse_error.101] parse error at line 1, column 7: ...";
     * keep the part after the tag, which says where and why. */
    std::string text = e.what();
    if (const auto tag_end = text.find("] "); tag_end != std::string::npos)
        text.erase(0, tag_end + 2);
    if (text.rfind("parse error", 0) == 0)
        text[0] = 'P';
    else
        text = "Parse error: " + text;
    return RpcError(ErrorCode::ParseError, std::move(text));
}

RpcError InvalidMember(const char* field, const char* message) {
    return RpcError(ErrorCode::InvalidRequest, message, {{"field", field}});
}

/** An integer literal too large for int64/uint64: nlohmann keeps it as a double, which
 *  would be echoed as another number (1.8446744073709552e+19). */
bool IsInexactInteger(const json& id) {
    if (!id.is_number_float()) return false;
    const double v = id.get<double>();
    return std::trunc(v) == v && (v >= 18446744073709551616.0 || v <= -9223372036854775808.0);
}

/** Checks the request shape; throws RpcError(InvalidRequest). */
void Validate(const json& request) {
    const auto jsonrpc = request.find("jsonrpc");
    if (jsonrpc == request.end() || !jsonrpc->is_string() || *jsonrpc != "2.0")
        throw InvalidMember("jsonrpc", "\"jsonrpc\" must be \"2.0\"");
    const auto method = request.find("method");
    if (method == request.end() || !method->is_string())
        throw InvalidMember("method", "\"method\" must be a string");
    const auto params = request.find("params");
    if (params != request.end() && !params->is_object() && !params->is_array())
        throw InvalidMember("params", "\"params\" must be an object or an array");
}

/** One request of a line or a batch; std::nullopt for a notification, and for a
 *  request answered later (@p later is then set). */
std::optional<std::string> ProcessRequest(const json& request, const CallFunction& call,
                                          std::optional<MessageRun::Pending>& later) {
    if (!request.is_object())
        return EncodeErrorResponse(
            nullptr, RpcError(ErrorCode::InvalidRequest, "A request must be a JSON object"));

    /* Only a well-formed request without "id" is a notification; a malformed one is
     * not a request at all and is answered with id null, as in the JSON-RPC 2.0
     * specification's examples. */
    const auto id_member = request.find("id");
    const bool has_id = id_member != request.end();
    if (has_id && !id_member->is_number() && !id_member->is_string() && !id_member->is_null())
        return EncodeErrorResponse(
            nullptr, InvalidMember("id", "\"id\" must be a number, a string or null"));
    if (has_id && IsInexactInteger(*id_member))
        return EncodeErrorResponse(nullptr,
                                   InvalidMember("id",
                                                 "\"id\" is an integer beyond 64 bits, which could "
                                                 "not be echoed as sent"));
    const json id = has_id ? *id_member : json();

    try {
        Validate(request);
    } catch (const RpcError& e) {
        return EncodeErrorResponse(id, e);
    }

    static const json NO_PARAMS = json::object();
    const std::string& method = request.find("method")->get_ref<const std::string&>();
    const auto params_member = request.find("params");
    const json& params = params_member != request.end() ? *params_member : NO_PARAMS;
    try {
        json result = call(method, params);
        if (!has_id) return std::nullopt;
        return EncodeResponse(id, result);
    } catch (const AnswerLater&) {
        later = MessageRun::Pending{id, has_id};
        return std::nullopt;
    } catch (const RpcError& e) {
        if (!has_id) return std::nullopt;
        return EncodeErrorResponse(id, e);
    } catch (const std::exception& e) {
        Log(LogLevel::Error, "method " + method + " failed: " + e.what());
    } catch (...) {
        Log(LogLevel::Error, "method " + method + " failed with a non-standard exception");
    }
    if (!has_id) return std::nullopt;
    return EncodeErrorResponse(id, RpcError(ErrorCode::Internal));
}

}  // namespace

namespace {
constexpr int MAX_DEPTH = 64;
}

bool IsBlankLine(std::string_view line) noexcept {
    return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

MessageRun::MessageRun(std::string_view line, size_t max_reply) : max_reply_(max_reply) {
    done_ = true;
    /* Nothing in the protocol nests deeply; refusing deep documents while parsing keeps
     * every later recursive walk (copies, comparisons, dumps) shallow. */
    bool too_deep = false;
    try {
        message_ = json::parse(line, [&](int depth, json::parse_event_t event, json&) {
            /* depth counts the levels already open when one starts (0 at the top). */
            if ((event == json::parse_event_t::object_start ||
                 event == json::parse_event_t::array_start) &&
                depth >= MAX_DEPTH)
                too_deep = true;
            return !too_deep;
        });
    } catch (const json::parse_error& e) {
        reply_ = EncodeErrorResponse(nullptr, MakeParseError(e));
        return;
    } catch (const json::out_of_range& e) {
        /* A number beyond a double's range (1e999): the parser throws 406, not a
         * parse_error, but to the client it is the same malformed text. */
        reply_ = EncodeErrorResponse(nullptr, MakeParseError(e));
        return;
    }
    if (too_deep) {
        reply_ = EncodeErrorResponse(
            nullptr, RpcError(ErrorCode::InvalidRequest,
                              "JSON nested deeper than " + std::to_string(MAX_DEPTH) + " levels",
                              {{"limit", MAX_DEPTH}}));
        return;
    }
    if (message_.is_array() && message_.empty()) {
        reply_ = EncodeErrorResponse(nullptr, RpcError(ErrorCode::InvalidRequest, "Empty batch"));
        return;
    }
    done_ = false;
}

bool MessageRun::Run(const CallFunction& call, const std::function<bool()>& yield) {
    if (done_) return true;
    if (waiting_) return false;
    if (!message_.is_array()) {
        reply_ = ProcessRequest(message_, call, waiting_);
        if (waiting_) return false;
        message_ = nullptr;
        done_ = true;
        return true;
    }
    while (next_ < message_.size()) {
        const json& request = message_[next_++];
        /* Past max_reply the rest of the batch is refused, not run: a request is
         * answered with limit.exceeded (it changed nothing), a notification still runs
         * (it adds no output). One line cannot build an unbounded reply. */
        if (batch_.size() >= max_reply_ && request.is_object() && request.contains("id")) {
            const json& id = request["id"];
            const bool usable_id =
                (id.is_number() || id.is_string() || id.is_null()) && !IsInexactInteger(id);
            batch_ += batch_.empty() ? '[' : ',';
            batch_ += EncodeErrorResponse(
                usable_id ? id : json(),
                RpcError(ErrorCode::LimitExceeded, "The batch's reply reached the output limit",
                         {{"limit", max_reply_}, {"resource", "output"}}));
        } else if (const auto reply = ProcessRequest(request, call, waiting_)) {
            batch_ += batch_.empty() ? '[' : ',';
            batch_ += *reply;
        }
        if (waiting_) return false;
        if (next_ < message_.size() && yield && yield()) return false;
    }
    Finish();
    return true;
}

void MessageRun::Finish() {
    if (!batch_.empty()) reply_ = std::move(batch_) + ']';
    message_ = nullptr;
    done_ = true;
}

void MessageRun::Complete(const json* result, const RpcError* error) {
    if (!waiting_) return;
    const Pending pending = std::move(*waiting_);
    waiting_.reset();
    std::optional<std::string> reply;
    if (pending.has_id)
        reply =
            result ? EncodeResponse(pending.id, *result) : EncodeErrorResponse(pending.id, *error);
    if (!message_.is_array()) {
        reply_ = std::move(reply);
        message_ = nullptr;
        done_ = true;
        return;
    }
    if (reply) {
        batch_ += batch_.empty() ? '[' : ',';
        batch_ += *reply;
    }
    if (next_ >= message_.size()) Finish();
}

bool IsBatchLine(std::string_view line) noexcept {
    const size_t first = line.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && line[first] == '[';
}

std::optional<std::string> ProcessMessage(std::string_view line, const CallFunction& call,
                                          size_t max_reply) {
    MessageRun run(line, max_reply);
    run.Run(call, {});
    return run.TakeReply();
}

}  // namespace Ipc
