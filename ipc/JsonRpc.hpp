// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace Ipc {

/**
 * Runs one method call and returns its result. Throws RpcError for protocol errors;
 * any other exception becomes -32603 `internal` (and is logged).
 */
using CallFunction =
    std::function<nlohmann::json(const std::string& method, const nlohmann::json& params)>;

/**
 * The JSON-RPC 2.0 envelope for one framed line of a control socket: parses it,
 * validates single requests and batches, calls @p call for each valid request (in
 * order) and encodes the reply. Omitted params are passed as an empty object.
 * Pure: no fds, no loop.
 *
 * @p max_reply bounds a batch's reply: once it is reached, the batch's remaining
 * requests are answered limit.exceeded (resource "output") without being run; its
 * notifications still run.
 *
 * @return the reply line without its newline, or std::nullopt when nothing must be
 *         written (a notification, or a batch of notifications only)
 */
std::optional<std::string> ProcessMessage(std::string_view line, const CallFunction& call,
                                          size_t max_reply = SIZE_MAX);

/** True when @p line holds only JSON whitespace (space, tab, CR, LF): ignored. */
bool IsBlankLine(std::string_view line) noexcept;

}  // namespace Ipc
