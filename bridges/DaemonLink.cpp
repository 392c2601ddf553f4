// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/DaemonLink.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace Bridge {

using nlohmann::json;

namespace {

json LostError() {
    return {{"jsonrpc", "2.0"},
            {"id", nullptr},
            {"error", {{"code", -32000}, {"message", "not connected to scarlettd"}}}};
}

}  // namespace

DaemonLink::DaemonLink(Event::EventLoop& loop, std::string socket_path, Handlers handlers,
                       std::chrono::milliseconds retry)
    : path_(std::move(socket_path)),
      handlers_(std::move(handlers)),
      retry_(retry),
      watch_(loop, [this](uint32_t events) noexcept { OnReady(events); }),
      retry_timer_(loop, [this]() noexcept { TryConnect(); }) {}

void DaemonLink::Start() {
    TryConnect();
}

void DaemonLink::TryConnect() noexcept {
    if (fd_.IsValid()) return;
    Event::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const bool fits = path_.size() < sizeof(address.sun_path);
    if (fits) std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
    /* A Unix socket connects at once or not at all (EAGAIN only when its backlog is
     * full: then the next try). */
    if (!fd.IsValid() || !fits ||
        connect(fd.Get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        !watch_.Open(fd.Get(), EPOLLIN | EPOLLRDHUP)) {
        retry_timer_.Schedule(retry_);
        return;
    }
    fd_ = std::move(fd);
    try {
        if (handlers_.connected) handlers_.connected();
    } catch (const std::exception&) {
        Disconnect();
    }
}

void DaemonLink::Call(const std::string& method, const json& params, Reply reply) {
    if (!fd_.IsValid()) {
        if (reply) reply(LostError());
        return;
    }
    const uint64_t id = next_id_++;
    output_ +=
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
    pending_.emplace(id, std::move(reply));
    FlushOutput();
}

void DaemonLink::FlushOutput() noexcept {
    while (!output_.empty() && fd_.IsValid()) {
        const ssize_t n =
            send(fd_.Get(), output_.data(), output_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            output_.erase(0, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        Disconnect();
        return;
    }
    if (fd_.IsValid())
        (void)watch_.Modify(EPOLLIN | EPOLLRDHUP | (output_.empty() ? 0u : uint32_t{EPOLLOUT}));
}

void DaemonLink::OnReady(uint32_t events) noexcept {
    if (events & EPOLLOUT) FlushOutput();
    if (!fd_.IsValid() || !(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
    /* A few chunks at a time, each's lines handled before the next is read: a daemon
     * that sends without pause does not keep the loop (level triggering brings us
     * back), and the buffer holds at most one unfinished line. */
    char buffer[65536];
    for (int chunk = 0; chunk < 16; ++chunk) {
        const ssize_t n = recv(fd_.Get(), buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            input_.append(buffer, static_cast<size_t>(n));
            HandleLines();
            if (!fd_.IsValid()) return;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) Disconnect();
        return;
    }
}

void DaemonLink::HandleLines() noexcept {
    size_t start = 0;
    for (size_t newline; fd_.IsValid() && (newline = input_.find('\n', start)) != std::string::npos;
         start = newline + 1) {
        try {
            Handle(std::string_view(input_).substr(start, newline - start));
        } catch (const std::exception&) {
            /* A line that is not JSON (the daemon never sends one), or a handler that
             * failed: the next line goes on. */
        }
    }
    /* The lines handled leave at once (a handler that disconnected emptied it). */
    input_.erase(0, std::min(start, input_.size()));
}

void DaemonLink::Handle(std::string_view line) {
    const json message = json::parse(line);
    if (message.contains("id") && !message.contains("method")) {
        if (!message["id"].is_number_unsigned()) return;
        const auto it = pending_.find(message["id"].get<uint64_t>());
        if (it == pending_.end()) return;
        Reply reply = std::move(it->second);
        pending_.erase(it);
        if (reply) reply(message);
    } else if (message.contains("method") && handlers_.notification) {
        handlers_.notification(message);
    }
}

void DaemonLink::Disconnect() noexcept {
    if (!fd_.IsValid()) return;
    watch_.Cancel();
    fd_.Reset();
    input_.clear();
    output_.clear();
    auto pending = std::move(pending_);
    pending_.clear();
    try {
        for (auto& [id, reply] : pending)
            if (reply) reply(LostError());
        if (handlers_.disconnected) handlers_.disconnected();
    } catch (const std::exception&) {
    }
    retry_timer_.Schedule(retry_);
}

}  // namespace Bridge
