// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/server/Server.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <unordered_map>

#include "sim/SimDir.hpp"

namespace Sim {

struct Server::Client {
    Client(Event::EventLoop& loop, Server& server)
        : request_watch(loop,
                        [this, &server](std::uint32_t flags) noexcept {
                            server.OnClientRequest(*this, flags);
                        }),
          event_watch(loop, [this, &server](std::uint32_t flags) noexcept {
              server.OnClientEvents(*this, flags);
          }) {}

    Event::UniqueFd request;
    Event::UniqueFd events;
    Event::FdWatch request_watch;
    Event::FdWatch event_watch;
    pid_t pid = 0;
    bool subscribed = false;
    bool dead = false;
    /* Events that did not fit into the event socket, coalesced per control. */
    std::vector<std::uint32_t> backlog;
    std::unordered_map<std::uint32_t, std::uint32_t> backlog_mask;
};

struct Server::Tool {
    Tool(Event::EventLoop& loop, Server& server)
        : watch(loop, [this, &server](std::uint32_t) noexcept { server.OnToolRequest(*this); }) {}

    Event::UniqueFd fd;
    Event::FdWatch watch;
    bool dead = false;
};

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

void CopyField(char* field, std::size_t size, const std::string& text) {
    std::snprintf(field, size, "%s", text.c_str());
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
                client.event_watch.Modify(0);
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

void Server::Publish(const std::vector<DeviceEvent>& events) noexcept {
    state_->Update(device_, events);
    for (const auto& client : clients_) {
        if (client->dead || !client->subscribed) continue;
        for (const auto& event : events)
            Queue(*client, Wire::EventRecord{static_cast<std::uint32_t>(event.index), event.mask});
    }
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
        client.event_watch.Modify(EPOLLOUT);
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
    if (client.backlog.empty()) client.event_watch.Modify(0);
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

void Server::OnToolAccept() noexcept {
    for (;;) {
        Event::UniqueFd fd(
            ::accept4(control_fd_.Get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return;
        auto tool = std::make_unique<Tool>(loop_, *this);
        tool->fd = std::move(fd);
        if (!tool->watch.Open(tool->fd.Get(), EPOLLIN)) continue;
        tools_.push_back(std::move(tool));
    }
}

void Server::OnToolRequest(Tool& tool) noexcept {
    if (tool.dead) return;
    std::vector<std::byte> message;
    const long got = Wire::ReceiveMessage(tool.fd.Get(), message, nullptr, MSG_DONTWAIT);
    if (got == -EAGAIN) return;
    if (got < static_cast<long>(sizeof(Wire::ToolRequest))) {
        tool.dead = true;
        tool.watch.Cancel();
        tool.fd.Reset();
        reap_.Schedule();
        return;
    }
    Wire::ToolRequest request;
    std::memcpy(&request, message.data(), sizeof(request));
    const std::string text(reinterpret_cast<const char*>(message.data()) + sizeof(request),
                           message.size() - sizeof(request));
    std::pair<int, std::string> result;
    try {
        result = HandleTool(request.op, text);
    } catch (const std::exception& error) {
        result = {-EINVAL, error.what()};
    }
    Wire::ReplyMessage reply;
    reply.error = result.first;
    std::vector<std::byte> out(sizeof(reply) + result.second.size());
    std::memcpy(out.data(), &reply, sizeof(reply));
    std::memcpy(out.data() + sizeof(reply), result.second.data(),
                std::min(result.second.size(), Wire::MAX_MESSAGE - sizeof(reply)));
    out.resize(std::min(out.size(), Wire::MAX_MESSAGE));
    (void)Wire::SendMessage(tool.fd.Get(), out);
}

std::pair<int, std::string> Server::HandleTool(Wire::Op op, const std::string& text) {
    switch (op) {
        case Wire::Op::Act: {
            if (!plugged_) return {-ENODEV, "the device is unplugged (scarlett-sim replug)"};
            std::vector<std::string> words;
            std::istringstream lines(text);
            for (std::string word; std::getline(lines, word, '\n');)
                if (!word.empty()) words.push_back(word);
            std::vector<DeviceEvent> events;
            try {
                device_.Act(words, SimClock::now(), events);
            } catch (const ActionError& error) {
                return {-EINVAL, error.what()};
            }
            Publish(events);
            RescheduleDeadline();
            std::ostringstream out;
            out << events.size() << (events.size() == 1 ? " control changed" : " controls changed");
            return {0, out.str()};
        }
        case Wire::Op::Actions: {
            std::string out;
            for (const auto& line : device_.ActionHelp()) out += line + "\n";
            return {0, out};
        }
        case Wire::Op::Info:
            return {0, Info()};
        case Wire::Op::Unplug:
            if (!plugged_) return {-EALREADY, "already unplugged"};
            Unplug();
            return {0, "unplugged"};
        case Wire::Op::Replug:
            if (plugged_) return {-EALREADY, "already plugged in"};
            Listen();
            return {0, "plugged in"};
        default:
            return {-EINVAL, "unknown request"};
    }
}

std::string Server::Info() const {
    std::size_t live = 0;
    for (const auto& client : clients_) live += client->dead ? 0 : 1;
    std::ostringstream out;
    out << "name " << options_.name << "\n"
        << "model " << (options_.model_id.empty() ? "-" : options_.model_id) << "\n"
        << "card " << options_.card_name << "\n"
        << "plugged " << (plugged_ ? "yes" : "no") << "\n"
        << "clients " << live << "\n"
        << "requests " << requests_ << "\n"
        << "pid " << ::getpid() << "\n";
    return out.str();
}

}  // namespace Sim
