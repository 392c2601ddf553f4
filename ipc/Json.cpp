// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Json.hpp"

#include "ipc/Error.hpp"

namespace Ipc {

std::string Encode(const nlohmann::json& value) {
    /* dump() escapes control characters, so indent -1 yields exactly one line. */
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/* The envelope is assembled by hand so that "jsonrpc" and "id" come first, as in the
 * protocol's examples; nlohmann::json would sort the members. */

std::string EncodeResponse(const nlohmann::json& id, const nlohmann::json& result) {
    std::string out = R"({"jsonrpc":"2.0","id":)";
    out += Encode(id);
    out += R"(,"result":)";
    out += Encode(result);
    out += '}';
    return out;
}

std::string EncodeErrorResponse(const nlohmann::json& id, const RpcError& error) {
    std::string out = R"({"jsonrpc":"2.0","id":)";
    out += Encode(id);
    out += R"(,"error":)";
    out += Encode(error.ToJson());
    out += '}';
    return out;
}

std::string EncodeNotification(std::string_view method, const nlohmann::json& params) {
    std::string out = R"({"jsonrpc":"2.0","method":)";
    out += Encode(nlohmann::json(method));
    out += R"(,"params":)";
    out += Encode(params);
    out += '}';
    return out;
}

}  // namespace Ipc
