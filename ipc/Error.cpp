// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Error.hpp"

#include <utility>

namespace Ipc {

namespace {

struct ErrorInfo {
    int numeric;
    const char* data_code;
    const char* message;
};

/* Indexed by ErrorCode; the static_assert below keeps the table in step with the enum. */
constexpr ErrorInfo ERRORS[] = {
    {-32700, "parse_error", "Parse error"},
    {-32600, "invalid_request", "Invalid request"},
    {-32600, "request.too_large", "Request too large"},
    {-32601, "method.not_found", "Method not found"},
    {-32602, "params.invalid", "Invalid params"},
    {-32603, "internal", "Internal error"},
    {-32001, "device.not_found", "Device not found"},
    {-32002, "device.offline", "Device offline"},
    {-32003, "control.not_found", "Control not found"},
    {-32004, "control.read_only", "Control is not writable"},
    {-32005, "value.invalid", "Invalid value"},
    {-32006, "alsa.error", "ALSA error"},
    {-32007, "limit.exceeded", "Limit exceeded"},
    {-32008, "device.busy", "Device busy"},
    {-32013, "access.denied", "Access denied"},
    {-32009, "preset.not_found", "Preset not found"},
    {-32010, "preset.invalid", "Preset file invalid"},
    {-32011, "storage.error", "Storage error"},
    {-32012, "preset.exists", "Preset exists"},
};
static_assert(std::size(ERRORS) == static_cast<size_t>(ErrorCode::PresetExists) + 1);

const ErrorInfo& Info(ErrorCode code) noexcept {
    return ERRORS[static_cast<size_t>(code)];
}

}  // namespace

int NumericCode(ErrorCode code) noexcept {
    return Info(code).numeric;
}

const char* DataCode(ErrorCode code) noexcept {
    return Info(code).data_code;
}

const char* DefaultMessage(ErrorCode code) noexcept {
    return Info(code).message;
}

RpcError::RpcError(ErrorCode _code, std::string _message, nlohmann::json _data)
    : std::runtime_error(_message.empty() ? std::string(DefaultMessage(_code)) : _message),
      code(_code),
      data(_data.is_object() ? std::move(_data)
           : _data.is_null() ? nlohmann::json::object()
                             : nlohmann::json{{"detail", std::move(_data)}}),
      message(_message.empty() ? std::string(DefaultMessage(_code)) : std::move(_message)) {}

nlohmann::json RpcError::ToJson() const {
    nlohmann::json merged = data;
    merged["code"] = DataCode(code);
    return {{"code", NumericCode(code)}, {"message", message}, {"data", std::move(merged)}};
}

RpcError ParamsInvalid(std::string field, std::string message) {
    return RpcError(ErrorCode::ParamsInvalid, std::move(message), {{"field", std::move(field)}});
}

RpcError MethodNotFound(const std::string& method) {
    return RpcError(ErrorCode::MethodNotFound, "Method not found: " + method, {{"method", method}});
}

}  // namespace Ipc
