// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"
#include "event/UniqueFd.hpp"

namespace Bridge {

/**
 * A bridge's connection to scarlettd's control socket, on the event loop: JSON-RPC
 * requests sent without waiting, their responses and the daemon's notifications
 * delivered as they arrive (the public protocol only: bridges never link the daemon).
 * While the daemon is not there (not started yet, restarting) it tries again every
 * @c retry; while connected no timer runs. Loop thread only.
 */
class DaemonLink {
  public:
    /** A response: the whole object, with "result" or "error". */
    using Reply = std::function<void(const nlohmann::json& response)>;
    struct Handlers {
        /** Connected (again): subscribe here. */
        std::function<void()> connected;
        /** The connection is gone; calls still waiting were answered with an error. */
        std::function<void()> disconnected;
        /** A notification (a message with a method and no id). */
        std::function<void(const nlohmann::json& message)> notification;
    };

    DaemonLink(Event::EventLoop& loop, std::string socket_path, Handlers handlers,
               std::chrono::milliseconds retry = std::chrono::seconds(1));
    DaemonLink(const DaemonLink&) = delete;
    DaemonLink& operator=(const DaemonLink&) = delete;

    /** Connects now, or keeps trying. */
    void Start();
    bool IsConnected() const noexcept { return fd_.IsValid(); }
    /** Sends a request; @p reply gets its response, or an error object with code
     *  -32000 when the connection is lost before it (or there is none). */
    void Call(const std::string& method, const nlohmann::json& params, Reply reply);

  private:
    void TryConnect() noexcept;
    void OnReady(uint32_t events) noexcept;
    void Disconnect() noexcept;
    /** Handles the complete lines in input_ and drops them. */
    void HandleLines() noexcept;
    void Handle(std::string_view line);
    void FlushOutput() noexcept;

    const std::string path_;
    Handlers handlers_;
    const std::chrono::milliseconds retry_;
    Event::UniqueFd fd_;
    Event::FdWatch watch_;
    Event::Timer retry_timer_;
    std::string input_;
    std::string output_;
    uint64_t next_id_ = 1;
    std::map<uint64_t, Reply> pending_;
};

}  // namespace Bridge
