// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The methods of protocol-v1 §4, one function each, called through Table.cpp's
 * rows. Every request is validated completely before anything is written; errors are
 * Ipc::RpcError with the protocol's codes.
 */

#include <nlohmann/json.hpp>

#include "daemon/methods/Context.hpp"

class ClientSession;

namespace Methods {

using Json = nlohmann::json;

/* Info.cpp */
Json DaemonInfo(Context& context, ClientSession& session, const Json& params);
Json Discover(Context& context, ClientSession& session, const Json& params);
Json DevicesList(Context& context, ClientSession& session, const Json& params);

/* Devices.cpp (protocol 1.1 §2) */
Json DevicesConfigure(Context& context, ClientSession& session, const Json& params);

/* Controls.cpp */
Json ControlsList(Context& context, ClientSession& session, const Json& params);
Json ControlsGet(Context& context, ClientSession& session, const Json& params);
Json ControlsSet(Context& context, ClientSession& session, const Json& params);

/* Presets.cpp (protocol 1.1 §1) */
Json PresetsList(Context& context, ClientSession& session, const Json& params);
Json PresetsSave(Context& context, ClientSession& session, const Json& params);
Json PresetsLoad(Context& context, ClientSession& session, const Json& params);
Json PresetsDiff(Context& context, ClientSession& session, const Json& params);
Json PresetsDelete(Context& context, ClientSession& session, const Json& params);

/* Subscriptions.cpp */
Json Subscribe(Context& context, ClientSession& session, const Json& params);
Json Unsubscribe(Context& context, ClientSession& session, const Json& params);
Json MetersSubscribe(Context& context, ClientSession& session, const Json& params);

}  // namespace Methods
