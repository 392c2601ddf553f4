// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The one table of protocol methods: Dispatch() runs requests through it, and
 * rpc.discover describes it (OpenRPC 1.2), so the two cannot drift apart. A new
 * method is a function of Handlers.hpp and a row of Table.cpp.
 */

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

class ClientSession;

namespace Methods {

struct Context;

struct ParamSpec {
    const char* name;
    bool required;
    nlohmann::json schema;
    const char* description;
};

struct MethodSpec {
    /** @p params holds only the method's declared members (Dispatch checked them). */
    using Function = nlohmann::json (*)(Context& context, ClientSession& session,
                                        const nlohmann::json& params);
    const char* name;
    Function function;
    const char* summary;
    std::vector<ParamSpec> params;
    nlohmann::json result_schema;
    /* data.code strings of the errors this method may return besides the envelope's. */
    std::vector<const char*> errors;
    /* It changes something besides its answer (a write): run even for a client that
     * has gone, whose other requests are skipped, as no one would read the answer. */
    bool acts = false;
};

/** Every method, in the order rpc.discover lists them. */
const std::vector<MethodSpec>& GetMethods();
const MethodSpec* FindMethod(std::string_view name);

/** The OpenRPC document (with x-notifications and x-errors). */
nlohmann::json MakeOpenRpcDocument(const std::string& version);

/** Checks @p params against the method's row (unknown or missing parameters are
 *  params.invalid, an unknown method method.not_found), then runs it. */
nlohmann::json Dispatch(Context& context, ClientSession& session, const std::string& method,
                        const nlohmann::json& params);

}  // namespace Methods
