// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace Ipc {

class Connection;

/**
 * What the daemon implements to serve clients: the method dispatch table and the
 * per-connection lifecycle. The ipc layer knows nothing of devices or controls.
 * Owned by the daemon; it must outlive the Server. Loop thread only.
 */
class Handler {
  public:
    virtual ~Handler() = default;

    /** After accept and the SO_PEERCRED check; on events sockets, send the snapshot here. */
    virtual void OnConnect(Connection& connection) noexcept = 0;

    /** Once per connected Connection, after it was closed and before it is destroyed;
     *  the socket is already closed, so nothing can be sent. */
    virtual void OnDisconnect(Connection& connection) noexcept = 0;

    /**
     * Runs one control-socket request and returns its result. Throws RpcError (an
     * unknown method is MethodNotFound); any other exception is answered with -32603
     * `internal` and logged. @p params is an object or an array (empty object if
     * omitted). The connection may be closed from here.
     */
    virtual nlohmann::json Call(Connection& connection, const std::string& method,
                                const nlohmann::json& params) = 0;

    /** Output dropped below Limits::max_output or emptied: more coalesced
     *  notifications may be encoded now. */
    virtual void OnDrained(Connection& connection) noexcept = 0;
};

}  // namespace Ipc
