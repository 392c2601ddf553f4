// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Server.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "ipc/Error.hpp"
#include "ipc/Heap.hpp"
#include "ipc/Json.hpp"
#include "ipc/Log.hpp"
#include "ipc/SharedText.hpp"
#include "ipc/Socket.hpp"

namespace Ipc {

namespace {

/* Bounded so that a connection storm cannot monopolise one dispatch round. */
constexpr int MAX_ACCEPTS_PER_WAKEUP = 64;
/* After EMFILE/ENFILE the backlog stays readable: retry later instead of spinning. */
constexpr auto ACCEPT_RETRY = std::chrono::seconds(1);

}  // namespace

Server::Listener::Listener(Event::EventLoop& loop, Server& server, SocketKind _kind,
                           Event::UniqueFd _fd)
    : kind(_kind),
      fd(std::move(_fd)),
      watch(loop, [&server, this](uint32_t) noexcept { server.OnAccept(*this); }) {}

Server::Server(Event::EventLoop& loop, Handler& handler, Limits limits)
    : loop_(loop),
      handler_(handler),
      limits_(limits),
      policy_{geteuid(), std::nullopt},
      reap_(loop, [this]() noexcept { Reap(); }),
      accept_retry_(loop, [this]() noexcept { ResumeAccepting(); }),
      resume_(loop, [this]() noexcept { ResumeAll(); }),
      turns_timer_(loop, [this]() noexcept { OnTurns(); }),
      trim_(loop,
            [this]() noexcept {
                SharedText::ReleasePool();
                handler_.OnTrim();
                TrimHeap();
            }),
      directories_(loop,
                   [this](const Event::InotifyEvent& event) noexcept { OnDirectoryEvent(event); }),
      read_buffer_(std::make_unique<char[]>(READ_BUFFER_SIZE)),
      spare_fd_(open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

Server::~Server() {
    for (auto& listener : listeners_) {
        listener->watch.Cancel();
        struct stat st {};
        /* Only remove the file if it is still the socket we bound, not one that a
         * newer instance put in its place. */
        if (!listener->path.empty() && lstat(listener->path.c_str(), &st) == 0 &&
            st.st_dev == listener->dev && st.st_ino == listener->ino)
            unlink(listener->path.c_str());
    }
    listeners_.clear();
    auto connections = std::move(connections_);
    for (auto& [id, connection] : connections) {
        connection->Close();
        handler_.OnDisconnect(*connection);
    }
}

Server::Listener& Server::AddListener(SocketKind kind, Event::UniqueFd fd) {
    auto listener = std::make_unique<Listener>(loop_, *this, kind, std::move(fd));
    if (!listener->watch.Open(listener->fd.Get(), EPOLLIN))
        throw std::system_error(errno, std::system_category(), "epoll_ctl(listening socket)");
    listeners_.push_back(std::move(listener));
    return *listeners_.back();
}

void Server::Listen(SocketKind kind, const std::string& path, mode_t mode) {
    Event::UniqueFd fd = BindUnixSocket(path, mode);
    try {
        struct stat st {};
        if (lstat(path.c_str(), &st) < 0)
            throw std::system_error(errno, std::system_category(), "stat " + path);
        Listener& listener = AddListener(kind, std::move(fd));
        listener.path = path;
        listener.dev = st.st_dev;
        listener.ino = st.st_ino;
        listener.mode = mode;
        const std::string dir = path.substr(0, path.rfind('/') + 1);
        if (directories_.IsOpen() || directories_.Open())
            directories_.Add(dir.empty() ? "." : dir.c_str(), IN_DELETE | IN_MOVED_FROM);
    } catch (...) {
        /* Do not leave a socket file behind that nobody will ever accept on. */
        unlink(path.c_str());
        throw;
    }
}

void Server::OnDirectoryEvent(const Event::InotifyEvent& event) noexcept {
    for (auto& listener : listeners_) {
        if (listener->path.empty()) continue;
        if (listener->path.substr(listener->path.rfind('/') + 1) != event.name) continue;
        struct stat st {};
        /* Ours, or gone: a file another process put there in its place is left alone. */
        if (lstat(listener->path.c_str(), &st) == 0) continue;
        Rebind(*listener);
    }
}

void Server::Rebind(Listener& listener) noexcept {
    try {
        Event::UniqueFd fd = BindUnixSocket(listener.path, listener.mode);
        struct stat st {};
        if (lstat(listener.path.c_str(), &st) < 0)
            throw std::system_error(errno, std::system_category(), "stat " + listener.path);
        /* Clients already in the old backlog connected before the removal: serve them. */
        OnAccept(listener);
        listener.watch.Cancel();
        listener.fd = std::move(fd);
        if (!listener.watch.Open(listener.fd.Get(), EPOLLIN))
            throw std::system_error(errno, std::system_category(), "epoll_ctl(listening socket)");
        listener.dev = st.st_dev;
        listener.ino = st.st_ino;
        Log(LogLevel::Warning, listener.path + " was removed; bound again");
    } catch (const std::exception& e) {
        Log(LogLevel::Error, listener.path + " was removed and cannot be bound again: " + e.what() +
                                 "; clients cannot reach this daemon");
    }
}

void Server::Adopt(SocketKind kind, int listening_fd) {
    Event::UniqueFd fd(listening_fd);
    PrepareListeningSocket(fd.Get());
    AddListener(kind, std::move(fd));
}

void Server::OnAccept(Listener& listener) noexcept {
    for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; ++i) {
        const int fd = accept4(listener.fd.Get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if ((errno == EMFILE || errno == ENFILE) && RejectWithSpare(listener)) continue;
            Log(LogLevel::Warning, std::string("accept failed: ") + std::strerror(errno) +
                                       "; pausing new connections for 1 s");
            PauseAccepting();
            return;
        }
        try {
            AddConnection(listener.kind, Event::UniqueFd(fd));
        } catch (const std::exception& e) {
            Log(LogLevel::Warning, std::string("cannot set up a new connection: ") + e.what());
        }
    }
}

void Server::PauseAccepting() noexcept {
    for (auto& listener : listeners_)
        if (!listener->watch.Modify(0))
            Log(LogLevel::Error, std::string("cannot pause accepting: ") + std::strerror(errno));
    accept_retry_.Schedule(ACCEPT_RETRY);
}

void Server::ResumeAccepting() noexcept {
    for (auto& listener : listeners_)
        if (!listener->watch.Modify(EPOLLIN)) {
            /* Still listening silently: try again rather than stop serving for good. */
            Log(LogLevel::Error, std::string("cannot resume accepting: ") + std::strerror(errno));
            accept_retry_.Schedule(ACCEPT_RETRY);
        }
}

Connection* Server::AddConnection(SocketKind kind, Event::UniqueFd fd) {
    const auto peer = GetPeerCredentials(fd.Get());
    if (!peer) {
        Log(LogLevel::Warning, std::string("rejected a ") + ToString(kind) +
                                   " connection: SO_PEERCRED failed: " + std::strerror(errno));
        return nullptr;
    }
    if (!IsPeerAllowed(*peer, policy_)) {
        Log(LogLevel::Notice, std::string("rejected a ") + ToString(kind) +
                                  " connection from pid=" + std::to_string(peer->pid) +
                                  " uid=" + std::to_string(peer->uid) + ": not uid " +
                                  std::to_string(*policy_.uid) +
                                  (policy_.group ? " nor in group " + std::to_string(*policy_.group)
                                                 : std::string()));
        /* Told why, as a client over the limit is: a silent close looks like a crash. */
        RejectWith(fd.Get(), ErrorCode::AccessDenied, "Not allowed to connect",
                   {{"uid", peer->uid}});
        return nullptr;
    }
    if (open_count_ >= limits_.max_clients) {
        Log(LogLevel::Notice,
            std::string("rejected a ") + ToString(kind) + " connection from pid=" +
                std::to_string(peer->pid) + " uid=" + std::to_string(peer->uid) + ": " +
                std::to_string(limits_.max_clients) + " clients already connected");
        RejectOverLimit(fd.Get());
        return nullptr;
    }

    const uint64_t id = next_id_++;
    std::unique_ptr<Connection> connection(
        new Connection(*this, id, kind, std::move(fd), peer->pid, peer->uid));
    if (!connection->Start()) {
        Log(LogLevel::Warning, std::string("rejected a ") + ToString(kind) +
                                   " connection: epoll_ctl: " + std::strerror(errno));
        return nullptr;
    }
    Connection& result = *connection;
    connections_.emplace(id, std::move(connection));
    ++open_count_;
    peak_clients_ = std::max(peak_clients_, open_count_);
    try {
        result.session_ = handler_.OnConnect(result);
    } catch (const std::exception& e) {
        Log(LogLevel::Warning, result.Describe() + ": refused: " + e.what());
    }
    /* Without a session nothing can answer it: closed, and reaped like any other. */
    if (!result.session_) {
        result.Close();
        return nullptr;
    }
    return &result;
}

bool Server::RejectWithSpare(Listener& listener) noexcept {
    if (!spare_fd_) return false;
    /* Out of file descriptors: give the spare back to take the client off the
     * backlog, tell it why, and keep the spare for the next one. */
    spare_fd_.Reset();
    Event::UniqueFd fd(accept4(listener.fd.Get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    const bool taken = static_cast<bool>(fd);
    if (taken) {
        rlimit files{};
        getrlimit(RLIMIT_NOFILE, &files);
        Log(LogLevel::Warning, std::string("rejected a ") + ToString(listener.kind) +
                                   " connection: out of file descriptors (limit " +
                                   std::to_string(files.rlim_cur) + ")");
        RejectWith(fd.Get(), ErrorCode::LimitExceeded, "Out of file descriptors",
                   {{"limit", files.rlim_cur}, {"resource", "files"}});
        fd.Reset();
    }
    spare_fd_.Reset(open("/dev/null", O_RDONLY | O_CLOEXEC));
    return taken;
}

void Server::RejectOverLimit(int fd) noexcept {
    RejectWith(fd, ErrorCode::LimitExceeded, "Too many clients",
               {{"limit", limits_.max_clients}, {"resource", "clients"}});
}

void Server::RejectWith(int fd, ErrorCode code, const char* message, nlohmann::json data) noexcept {
    try {
        const std::string line =
            EncodeErrorResponse(nullptr, RpcError(code, message, std::move(data))) + '\n';
        /* A fresh socket's buffer holds one short line; if not, the client loses
         * only the explanation, it still sees the close. */
        [[maybe_unused]] const ssize_t n =
            send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        DiscardInput(fd);
    } catch (const std::exception&) {
    }
}

void Server::ForEach(const std::function<void(Connection&)>& function) {
    /* Closing only marks connections; erasure waits for Reap(), so iteration is safe. */
    for (auto& [id, connection] : connections_)
        if (!connection->IsClosed()) function(*connection);
}

void Server::RemoveOutput(size_t bytes) noexcept {
    const bool was_over = IsOverBudget();
    const bool was_pressed = IsUnderPressure();
    total_output_ -= bytes;
    if ((was_over && !IsOverBudget()) || (was_pressed && !IsUnderPressure())) resume_.Schedule();
    if (output_peak_ >= TRIM_AFTER_PEAK && total_output_ <= output_peak_ / 8) {
        output_peak_ = total_output_;
        Trim();
    }
}

void Server::Trim() noexcept {
    if (!trim_.IsPending()) trim_.Schedule(TRIM_DELAY);
}

void Server::ResumeAll() noexcept {
    for (auto& [id, connection] : connections_) {
        if (IsOverBudget()) return;
        if (!connection->IsClosed()) connection->Resume();
    }
}

bool Server::TakeBatchSlot() noexcept {
    if (batch_slots_used_ == BATCH_SLOTS) return false;
    ++batch_slots_used_;
    return true;
}

void Server::ReleaseBatchSlot() noexcept {
    --batch_slots_used_;
    if (slot_waiters_.empty()) return;
    Connection* connection = slot_waiters_.front();
    slot_waiters_.pop_front();
    connection->awaiting_slot_ = false;
    WantTurn(*connection);
}

void Server::AwaitBatchSlot(Connection& connection) {
    slot_waiters_.push_back(&connection);
    connection.awaiting_slot_ = true;
}

void Server::CancelBatchSlotWait(Connection& connection) noexcept {
    if (!connection.awaiting_slot_) return;
    connection.awaiting_slot_ = false;
    std::erase(slot_waiters_, &connection);
}

void Server::WantTurn(Connection& connection) noexcept {
    if (connection.in_turns_) return;
    connection.in_turns_ = true;
    turns_.push_back(&connection);
    if (!turns_timer_.IsPending()) turns_timer_.Schedule(std::chrono::nanoseconds(0));
}

void Server::CancelTurn(Connection& connection) noexcept {
    if (!connection.in_turns_) return;
    connection.in_turns_ = false;
    std::erase(turns_, &connection);
}

void Server::OnTurns() noexcept {
    const auto deadline = std::chrono::steady_clock::now() + Connection::TURN;
    /* Only the connections waiting now: one that asks again goes after them, in the
     * next round. */
    for (size_t n = turns_.size(); n > 0 && !turns_.empty(); --n) {
        Connection* connection = turns_.front();
        turns_.pop_front();
        connection->in_turns_ = false;
        connection->Continue();
        if (std::chrono::steady_clock::now() >= deadline) break;
    }
    /* Scheduled now, it is due in the next round, after the fds ready by then. */
    if (!turns_.empty()) turns_timer_.Schedule(std::chrono::nanoseconds(0));
}

void Server::OnConnectionClosed() noexcept {
    --open_count_;
    reap_.Schedule();
}

void Server::Reap() noexcept {
    for (auto it = connections_.begin(); it != connections_.end();) {
        if (!it->second->IsClosed()) {
            ++it;
            continue;
        }
        const std::unique_ptr<Connection> connection = std::move(it->second);
        it = connections_.erase(it);
        handler_.OnDisconnect(*connection);
    }
    /* Once a crowd of clients has gone, sessions too: what it took goes back. */
    if (peak_clients_ >= open_count_ + std::max(TRIM_AFTER_LEAVING, peak_clients_ / 4)) {
        peak_clients_ = open_count_;
        Trim();
    }
}

}  // namespace Ipc
