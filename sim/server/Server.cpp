// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/server/Server.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "sim/SimDir.hpp"
#include "sim/server/ServerConnections.hpp"

namespace Sim {

namespace {

/* Listens on a temporary name and renames it into place: whoever sees the socket
 * appear (scarlettd's inotify) can connect at once, as with a kernel device node. */
Event::UniqueFd Bind(const std::string& path) {
    const std::string temporary = path + ".new";
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (temporary.size() >= sizeof(address.sun_path))
        throw std::runtime_error("socket path too long: " + path);
    std::memcpy(address.sun_path, temporary.c_str(), temporary.size() + 1);
    Event::UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) throw std::system_error(errno, std::generic_category(), "socket");
    ::unlink(temporary.c_str());
    if (::bind(fd.Get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
        throw std::system_error(errno, std::generic_category(), "bind " + temporary);
    if (::listen(fd.Get(), 64) != 0)
        throw std::system_error(errno, std::generic_category(), "listen " + temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        throw std::system_error(errno, std::generic_category(), "rename to " + path);
    return fd;
}

Event::UniqueFd SealedText(const std::string& text) {
    Event::UniqueFd fd(::memfd_create("scarlett-sim-definition", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd) throw std::system_error(errno, std::generic_category(), "memfd_create");
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd.Get(), text.data() + done, text.size() - done);
        if (n < 0) throw std::system_error(errno, std::generic_category(), "write memfd");
        done += static_cast<std::size_t>(n);
    }
    (void)::fcntl(fd.Get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
    return fd;
}

}  // namespace

Server::Server(Event::EventLoop& loop, Device& device, ServerOptions options)
    : loop_(loop),
      device_(device),
      options_(std::move(options)),
      socket_path_(SocketPath(options_.name).string()),
      control_path_(ControlSocketPath(options_.name).string()),
      listen_watch_(loop, [this](std::uint32_t) noexcept { OnAccept(); }),
      control_watch_(loop, [this](std::uint32_t) noexcept { OnToolAccept(); }),
      deadline_(loop, [this]() noexcept { OnDeadline(); }),
      reap_(loop, [this]() noexcept { Reap(); }) {
    /* A live simulator answers on its control socket; a dead one left a stale file. */
    if (const int probe = Wire::ConnectTo(control_path_); probe >= 0) {
        ::close(probe);
        throw std::runtime_error("a simulator named " + options_.name + " is already running");
    }
    const std::string definition = FormatState({device_.Definition()});
    definition_ = std::make_unique<Event::UniqueFd>(SealedText(definition));
    definition_size_ = static_cast<std::uint32_t>(definition.size());
    state_ = std::make_unique<SharedState>(device_);

    control_fd_ = Bind(control_path_);
    if (!control_watch_.Open(control_fd_.Get(), EPOLLIN))
        throw std::system_error(errno, std::generic_category(), "epoll_ctl(control socket)");
    Listen();
    RescheduleDeadline();
}

Server::~Server() {
    StopListening();
    if (control_fd_) {
        control_watch_.Cancel();
        ::unlink(control_path_.c_str());
    }
}

void Server::Listen() {
    listen_fd_ = Bind(socket_path_);
    if (!listen_watch_.Open(listen_fd_.Get(), EPOLLIN))
        throw std::system_error(errno, std::generic_category(), "epoll_ctl(device socket)");
    plugged_ = true;
}

void Server::StopListening() noexcept {
    if (!listen_fd_) return;
    listen_watch_.Cancel();
    listen_fd_.Reset();
    ::unlink(socket_path_.c_str());
}

void Server::Publish(const std::vector<DeviceEvent>& events) noexcept {
    state_->Update(device_, events);
    for (const auto& client : clients_) {
        if (client->dead || !client->subscribed) continue;
        for (const auto& event : events) {
            if (event.mask == EVENT_NONE) continue;
            Queue(*client, Wire::EventRecord{static_cast<std::uint32_t>(event.index), event.mask});
        }
    }
}

void Server::Reap() noexcept {
    clients_.remove_if([](const auto& client) { return client->dead; });
    tools_.remove_if([](const auto& tool) { return tool->dead; });
}

void Server::RescheduleDeadline() noexcept {
    if (const auto due = device_.NextDeadline()) {
        const auto delay = *due - SimClock::now();
        deadline_.Schedule(std::max<SimClock::duration>(delay, SimClock::duration::zero()));
    } else {
        deadline_.Cancel();
    }
}

void Server::OnDeadline() noexcept {
    std::vector<DeviceEvent> events;
    try {
        device_.Advance(SimClock::now(), events);
    } catch (const std::exception& error) {
        std::cerr << "scarlett-sim[" << options_.name << "]: " << error.what() << "\n";
    }
    Publish(events);
    RescheduleDeadline();
}

void Server::Unplug() noexcept {
    plugged_ = false;
    StopListening();
    state_->MarkUnplugged();
    for (const auto& client : clients_) Drop(*client, "unplugged");
    try {
        state_ = std::make_unique<SharedState>(device_);
    } catch (const std::exception& error) {
        /* The old memfd keeps serving the state; only a replug would use it. */
        std::cerr << "scarlett-sim[" << options_.name << "]: " << error.what() << "\n";
    }
}

}  // namespace Sim
