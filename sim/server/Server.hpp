// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "event/Deferred.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"
#include "sim/device/Device.hpp"
#include "sim/server/Protocol.hpp"
#include "sim/server/SharedState.hpp"

namespace Sim {

struct ServerOptions {
    std::string name;       // instance name: NAME.sock / NAME.ctl in SimDir()
    std::string model_id;   // mixer name; "" for a bare dump
    std::string card_name;  // ALSA card name
    std::string long_name;  // ALSA card long name
};

/**
 * The simulator process's core: owns the Device, its shared state, the two
 * listening sockets and every client (protocol in Protocol.hpp). One epoll loop and
 * no timer while idle: a timer is armed only while the Device has a deadline.
 * Logs one line per plugin client connecting/disconnecting on stderr.
 * Loop thread only.
 */
class Server {
  public:
    /** Binds NAME.ctl and NAME.sock. Throws std::runtime_error (e.g. name in use). */
    Server(Event::EventLoop& loop, Device& device, ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

  private:
    struct Client;
    struct Tool;

    void Listen();
    void StopListening() noexcept;
    void OnAccept() noexcept;
    void OnToolAccept() noexcept;
    void OnClientRequest(Client& client, std::uint32_t events) noexcept;
    void OnClientEvents(Client& client, std::uint32_t events) noexcept;
    void OnToolRequest(Tool& tool) noexcept;
    void OnDeadline() noexcept;

    int HandleWrite(const Wire::Request& request, std::span<const std::byte> payload);
    /** Mirrors @p events into shared memory and sends them to subscribers. */
    void Publish(const std::vector<DeviceEvent>& events) noexcept;
    void Queue(Client& client, const Wire::EventRecord& record) noexcept;
    void Flush(Client& client) noexcept;
    /** Sets the epoll flags of the client's event socket; drops the client on failure. */
    bool WatchEvents(Client& client, std::uint32_t events) noexcept;
    void Drop(Client& client, const char* reason) noexcept;
    void Reap() noexcept;
    void RescheduleDeadline() noexcept;
    void Unplug() noexcept;
    std::string Info() const;
    std::pair<int, std::string> HandleTool(Wire::Op op, const std::string& text);

    Event::EventLoop& loop_;
    Device& device_;
    ServerOptions options_;
    std::string socket_path_;
    std::string control_path_;
    Event::UniqueFd listen_fd_;
    Event::UniqueFd control_fd_;
    Event::FdWatch listen_watch_;
    Event::FdWatch control_watch_;
    Event::Timer deadline_;
    Event::Deferred reap_;
    std::unique_ptr<SharedState> state_;
    std::unique_ptr<Event::UniqueFd> definition_;
    std::uint32_t definition_size_ = 0;
    std::list<std::unique_ptr<Client>> clients_;
    std::list<std::unique_ptr<Tool>> tools_;
    std::uint64_t requests_ = 0;  // plugin requests served: tests prove reads cost none
    bool plugged_ = true;
};

}  // namespace Sim
