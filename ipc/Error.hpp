// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace Ipc {

/** The protocol-v1 error table (§2 Errors) and protocol 1.1's additions. Codes are never
 *  removed; access.denied, our own extension, left -32009 to the contract's
 *  preset.not_found (docs/PROTOCOL.md). */
enum class ErrorCode {
    ParseError,
    InvalidRequest,
    RequestTooLarge,
    MethodNotFound,
    ParamsInvalid,
    Internal,
    DeviceNotFound,
    DeviceOffline,
    ControlNotFound,
    ControlReadOnly,
    ValueInvalid,
    AlsaError,
    LimitExceeded,
    DeviceBusy,
    AccessDenied,
    /* protocol 1.1 (presets) */
    PresetNotFound,
    PresetInvalid,
    StorageError,
    PresetExists,
};

/** The JSON-RPC `error.code`, e.g. -32700 for ParseError. */
int NumericCode(ErrorCode code) noexcept;

/** The stable `error.data.code` string clients match on, e.g. "parse_error". */
const char* DataCode(ErrorCode code) noexcept;

/** A short human message used when the thrower gives none, e.g. "Parse error". */
const char* DefaultMessage(ErrorCode code) noexcept;

/**
 * An error that becomes a JSON-RPC error response. Thrown by Handler::Call and by
 * the envelope code; what() is the human message.
 * Owns its data (a JSON object merged into `error.data`); plain value, any thread.
 */
struct RpcError : std::runtime_error {
    /** An empty @p message means DefaultMessage(code). A null data means no extra
     *  members; any other non-object is kept under `data.detail`. */
    RpcError(ErrorCode _code, std::string message, nlohmann::json _data = nlohmann::json::object());
    explicit RpcError(ErrorCode _code) : RpcError(_code, std::string()) {}

    ErrorCode code;
    nlohmann::json data;
    /** The whole message; what() stops at an embedded NUL, which names may hold. */
    std::string message;

    /** {"code": n, "message": "...", "data": {"code": "<data code>", ...data}}; the
     *  table's data.code always wins over a "code" member of data. */
    nlohmann::json ToJson() const;
};

/** -32602 with `data.field` naming the offending field (a JSON pointer or a name). */
RpcError ParamsInvalid(std::string field, std::string message);

/** -32601 with `data.method`. */
RpcError MethodNotFound(const std::string& method);

}  // namespace Ipc
