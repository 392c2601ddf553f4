// SPDX-License-Identifier: GPL-3.0-or-later
/* The plugin clients: their hello, their requests and the delivery of their events. */

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "sim/SimDir.hpp"
#include "sim/server/Server.hpp"
#include "sim/server/ServerConnections.hpp"

namespace Sim {

namespace {

void CopyField(char* field, std::size_t size, const std::string& text) {
    std::snprintf(field, size, "%s", text.c_str());
}

}  // namespace

void Server::OnAccept() noexcept {
    for (;;) {
        Event::UniqueFd fd(
            ::accept4(listen_fd_.Get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) {
            if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                std::cerr << "scarlett-sim[" << options_.name
                          << "]: accept: " << std::strerror(errno) << "\n";
            return;
        }
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
            std::cerr << "scarlett-sim[" << options_.name
                      << "]: socketpair: " << std::strerror(errno) << "\n";
            continue;
        }
        Event::UniqueFd mine(pair[0]);
        Event::UniqueFd theirs(pair[1]);
        (void)::fcntl(mine.Get(), F_SETFL, O_NONBLOCK);

        ucred peer{};
        socklen_t length = sizeof(peer);
        (void)::getsockopt(fd.Get(), SOL_SOCKET, SO_PEERCRED, &peer, &length);

        Wire::HelloMessage hello;
        hello.definition_size = definition_size_;
        hello.state_size = state_->GetSize();
        if (const auto meter = device_.MeterIndex())
            hello.meter_index = static_cast<std::uint32_t>(*meter);
        CopyField(hello.id, sizeof(hello.id), CardIdFor(options_.name));
        CopyField(hello.driver, sizeof(hello.driver), "scarlett-sim");
        CopyField(hello.name, sizeof(hello.name), options_.card_name);
        CopyField(hello.longname, sizeof(hello.longname), options_.long_name);
        CopyField(hello.mixername, sizeof(hello.mixername), options_.model_id);
        const int fds[] = {definition_->Get(), state_->GetFd(), theirs.Get()};
        if (const int error = Wire::SendMessage(fd.Get(), Wire::AsBytes(hello), fds); error < 0) {
            std::cerr << "scarlett-sim[" << options_.name << "]: hello: " << std::strerror(-error)
                      << "\n";
            continue;
        }

        auto client = std::make_unique<Client>(loop_, *this);
        client->pid = peer.pid;
        client->request = std::move(fd);
        client->events = std::move(mine);
        if (!client->request_watch.Open(client->request.Get(), EPOLLIN) ||
            !client->event_watch.Open(client->events.Get(), 0)) {
            std::cerr << "scarlett-sim[" << options_.name
                      << "]: epoll_ctl: " << std::strerror(errno) << "\n";
            continue;
        }
        std::cerr << "scarlett-sim[" << options_.name << "]: client connected (pid " << peer.pid
                  << ", uid " << peer.uid << ")\n";
        clients_.push_back(std::move(client));
    }
}

void Server::OnClientRequest(Client& client, std::uint32_t) noexcept {
    if (client.dead) return;
    std::vector<std::byte> message;
    const long got = Wire::ReceiveMessage(client.request.Get(), message, nullptr, MSG_DONTWAIT);
    if (got == -EAGAIN) return;
    if (got <= 0) {
        Drop(client, got == 0 ? "disconnected" : "receive error");
        return;
    }
    if (message.size() < sizeof(Wire::Request)) {
        Drop(client, "short request");
        return;
    }
    Wire::Request request;
    std::memcpy(&request, message.data(), sizeof(request));
    const auto payload = std::span<const std::byte>(message).subspan(sizeof(request));
    ++requests_;

    int error = 0;
    switch (request.op) {
        case Wire::Op::Subscribe:
            client.subscribed = request.index != 0;
            if (!client.subscribed) {
                /* As the kernel does: unsubscribing forgets what was queued. */
                client.backlog.clear();
                client.backlog_mask.clear();
                WatchEvents(client, 0);
            }
            break;
        case Wire::Op::Write:
        case Wire::Op::WriteBytes:
            error = HandleWrite(request, payload);
            break;
        default:
            error = -EINVAL;
            break;
    }
    Wire::ReplyMessage reply;
    reply.error = error;
    if (Wire::SendMessage(client.request.Get(), Wire::AsBytes(reply)) < 0)
        Drop(client, "not reading replies");
}

int Server::HandleWrite(const Wire::Request& request, std::span<const std::byte> payload) {
    if (request.index >= device_.Size()) return -ENOENT;
    std::vector<DeviceEvent> events;
    int error;
    try {
        if (request.op == Wire::Op::Write) {
            if (payload.size() != request.count * sizeof(std::int64_t)) return -EINVAL;
            std::vector<long long> values(request.count);
            for (std::uint32_t i = 0; i < request.count; ++i) {
                std::int64_t value;
                std::memcpy(&value, payload.data() + i * sizeof(value), sizeof(value));
                values[i] = value;
            }
            error = device_.Write(request.index, values, events);
        } else {
            if (payload.size() != request.count) return -EINVAL;
            std::vector<unsigned char> bytes(request.count);
            std::memcpy(bytes.data(), payload.data(), bytes.size());
            error = device_.WriteBytes(request.index, bytes, events);
        }
    } catch (const std::exception& failure) {
        std::cerr << "scarlett-sim[" << options_.name << "]: write: " << failure.what() << "\n";
        return -EINVAL;
    }
    Publish(events);
    RescheduleDeadline();
    return error;
}

void Server::Queue(Client& client, const Wire::EventRecord& record) noexcept {
    if (client.dead) return;
    if (client.backlog.empty()) {
        const int error = Wire::SendMessage(client.events.Get(), Wire::AsBytes(record));
        if (error == 0) return;
        if (error != -EAGAIN && error != -ENOBUFS) {
            Drop(client, "event socket closed");
            return;
        }
        if (!WatchEvents(client, EPOLLOUT)) return;
    }
    auto [position, added] = client.backlog_mask.try_emplace(record.index, record.mask);
    if (added)
        client.backlog.push_back(record.index);
    else
        position->second |= record.mask;
}

void Server::Flush(Client& client) noexcept {
    std::size_t sent = 0;
    for (; sent < client.backlog.size(); ++sent) {
        const auto index = client.backlog[sent];
        const Wire::EventRecord record{index, client.backlog_mask[index]};
        const int error = Wire::SendMessage(client.events.Get(), Wire::AsBytes(record));
        if (error == -EAGAIN || error == -ENOBUFS) break;
        if (error < 0) {
            Drop(client, "event socket closed");
            return;
        }
        client.backlog_mask.erase(index);
    }
    client.backlog.erase(client.backlog.begin(), client.backlog.begin() + static_cast<long>(sent));
    if (client.backlog.empty()) WatchEvents(client, 0);
}

bool Server::WatchEvents(Client& client, std::uint32_t events) noexcept {
    if (client.event_watch.Modify(events)) return true;
    /* Its queued events could never be sent: a client that cannot be served is dropped,
     * as one whose socket closed. */
    Drop(client, "cannot watch its event socket");
    return false;
}

void Server::OnClientEvents(Client& client, std::uint32_t events) noexcept {
    if (client.dead) return;
    if ((events & (EPOLLHUP | EPOLLERR)) != 0) {
        Drop(client, "disconnected");
        return;
    }
    if ((events & EPOLLOUT) != 0) Flush(client);
}

void Server::Drop(Client& client, const char* reason) noexcept {
    if (client.dead) return;
    client.dead = true;
    client.request_watch.Cancel();
    client.event_watch.Cancel();
    client.request.Reset();
    client.events.Reset();
    std::cerr << "scarlett-sim[" << options_.name << "]: client disconnected (pid " << client.pid
              << ", " << reason << ")\n";
    reap_.Schedule();
}

}  // namespace Sim
