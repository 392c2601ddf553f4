// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace Ipc {

class Connection;
struct RpcError;

/**
 * A request's answer given after its Session::Call() returned (Session::AnswerLater):
 * kept by whatever finishes the work, given once, from the loop. Giving it after the
 * connection closed, or twice, does nothing.
 */
class Answer {
  public:
    void Resolve(const nlohmann::json& result) noexcept;
    void Reject(const RpcError& error) noexcept;
    /** Its connection is still there, waiting (and so is its Session). */
    bool IsWanted() const noexcept { return connection_ != nullptr; }

  private:
    friend class Connection;
    Connection* connection_ = nullptr;
};

/**
 * What the application attaches to each connection: its per-client state and its
 * answers to that client's requests. Created by Handler::OnConnect, owned by the
 * Connection and destroyed with it, after Handler::OnDisconnect. The ipc layer knows
 * nothing of devices or controls. Loop thread only.
 */
class Session {
  public:
    explicit Session(Connection& connection) noexcept : connection_(connection) {}
    virtual ~Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /**
     * Runs one control-socket request and returns its result. Throws RpcError (an
     * unknown method is MethodNotFound); any other exception is answered with -32603
     * `internal` and logged. @p params is an object or an array (empty object if
     * omitted). The connection may be closed from here.
     */
    virtual nlohmann::json Call(const std::string& method, const nlohmann::json& params) = 0;

    /** From Call(): this request is answered later, through the Answer returned (what
     *  Call() returns is then ignored; it must not throw after this). The client's
     *  later requests wait for it, so that they keep their order; other clients do not. */
    std::shared_ptr<Answer> AnswerLater();

    /** Output dropped below Limits::max_output or emptied: more coalesced
     *  notifications may be encoded now. */
    virtual void OnDrained() noexcept {}

    /** Whether the client may still be sent something unasked (notifications). A
     *  client that half-closed its side and expects nothing more is closed once it
     *  is answered, instead of holding a client slot until it closes too. */
    virtual bool ExpectsMore() const noexcept { return true; }

    Connection& GetConnection() const noexcept { return connection_; }

  private:
    Connection& connection_;
};

/**
 * The application behind a Server: it makes a Session for each accepted connection
 * and hears when one ends. Owned by the application; it must outlive the Server.
 * Loop thread only.
 */
class Handler {
  public:
    virtual ~Handler() = default;

    /** After accept, the SO_PEERCRED check and the client limit; on events sockets,
     *  send the snapshot here. Throwing refuses the connection (it is closed). */
    virtual std::unique_ptr<Session> OnConnect(Connection& connection) = 0;

    /** Once per connected Connection, after it was closed and before it (and its
     *  Session) is destroyed; the socket is already closed, nothing can be sent. */
    virtual void OnDisconnect(Connection& connection) noexcept = 0;

    /** The heap is about to be trimmed, a crowd of clients having left: memory kept
     *  for reuse (so that the steady state allocates nothing) is best given back now,
     *  or what was made while the crowd was there pins pages malloc_trim cannot free. */
    virtual void OnTrim() noexcept {}
};

}  // namespace Ipc
