// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace Ipc {

struct RpcError;

/**
 * Compact JSON for the wire: one line, never a raw newline. Invalid UTF-8 in strings
 * (ALSA names are raw bytes) is replaced by U+FFFD instead of throwing.
 */
std::string Encode(const nlohmann::json& value);

/** {"jsonrpc":"2.0","id":<id>,"result":<result>}, members in this order. */
std::string EncodeResponse(const nlohmann::json& id, const nlohmann::json& result);

/** {"jsonrpc":"2.0","id":<id>,"error":<error.ToJson()>}; @p id is null when unknown. */
std::string EncodeErrorResponse(const nlohmann::json& id, const RpcError& error);

/** {"jsonrpc":"2.0","method":<method>,"params":<params>}: a daemon → client notification. */
std::string EncodeNotification(std::string_view method, const nlohmann::json& params);

}  // namespace Ipc
