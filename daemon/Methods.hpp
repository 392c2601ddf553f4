// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The one table of protocol methods: Instance::Call dispatches through it, and
 * rpc.discover describes it (OpenRPC 1.2), so the two cannot drift apart.
 */

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/Connection.hpp"

class Instance;

struct ParamSpec {
    const char* name;
    bool required;
    nlohmann::json schema;
    const char* description;
};

struct MethodSpec {
    using Handler = nlohmann::json (Instance::*)(Ipc::Connection&, const nlohmann::json&);
    const char* name;
    Handler handler;
    const char* summary;
    std::vector<ParamSpec> params;
    nlohmann::json result_schema;
    /* data.code strings of the errors this method may return besides the envelope's. */
    std::vector<const char*> errors;
};

/** Every method, in the order rpc.discover lists them. */
const std::vector<MethodSpec>& GetMethods();
const MethodSpec* FindMethod(std::string_view name);

/** The OpenRPC document (with x-notifications and x-errors). */
nlohmann::json MakeOpenRpcDocument(const std::string& version);
