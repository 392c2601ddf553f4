// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace Cli {

namespace {

using Clock = std::chrono::steady_clock;

std::string ErrnoText(int error) {
    return std::strerror(error);
}

/** A deadline for a timeout in ms; nullopt waits forever. */
std::optional<Clock::time_point> MakeDeadline(int timeout_ms) {
    if (timeout_ms < 0) return std::nullopt;
    return Clock::now() + std::chrono::milliseconds(timeout_ms);
}

/** Milliseconds left until @p deadline for poll(): -1 forever, 0 when passed. */
int Remaining(const std::optional<Clock::time_point>& deadline) {
    if (!deadline) return -1;
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

std::string ResolveSocketDir(const std::optional<std::string>& socket_dir) {
    if (socket_dir && !socket_dir->empty()) return *socket_dir;
    if (const char* env = std::getenv("SCARLETTD_SOCKET_DIR"); env && *env) return env;
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime)
        return std::string(runtime) + "/scarlettd";
    throw std::runtime_error(
        "cannot find the scarlettd sockets: XDG_RUNTIME_DIR is not set; use --socket-dir "
        "DIR or set SCARLETTD_SOCKET_DIR");
}

Client Client::Connect(const std::string& socket_path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.empty() || socket_path.size() >= sizeof(address.sun_path))
        throw std::runtime_error("cannot connect to " + socket_path +
                                 ": socket path is empty or too long");
    std::memcpy(address.sun_path, socket_path.data(), socket_path.size());

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("cannot connect to " + socket_path + ": " + ErrnoText(errno));
    Client client(fd);
    /* Connect while blocking: a non-blocking AF_UNIX connect fails with EAGAIN when
     * the listen backlog is full instead of waiting. */
    int result;
    do {
        result = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    } while (result < 0 && errno == EINTR);
    if (result < 0)
        throw std::runtime_error("cannot connect to " + socket_path + ": " + ErrnoText(errno) +
                                 "; is scarlettd running?");
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        throw std::runtime_error("cannot set " + socket_path +
                                 " non-blocking: " + ErrnoText(errno));
    return client;
}

Client::Client(Client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      eof_(other.eof_),
      notifications_(std::move(other.notifications_)),
      next_id_(other.next_id_) {}

Client& Client::operator=(Client&& other) noexcept {
    if (this != &other) {
        Close();
        fd_ = std::exchange(other.fd_, -1);
        buffer_ = std::move(other.buffer_);
        eof_ = other.eof_;
        notifications_ = std::move(other.notifications_);
        next_id_ = other.next_id_;
    }
    return *this;
}

Client::~Client() {
    Close();
}

void Client::Close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

nlohmann::json Client::Call(const std::string& method, const nlohmann::json& params,
                            int timeout_ms) {
    const long long id = next_id_++;
    nlohmann::json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    /* An empty object is sent rather than omitted: JSON-RPC allows both, and a present
     * params object is the form every daemon method is sure to accept. Null omits it. */
    if (!params.is_null()) request["params"] = params;
    SendRaw(request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");

    const auto deadline = MakeDeadline(timeout_ms);
    for (;;) {
        auto line = ReadLine(Remaining(deadline));
        if (!line)
            throw std::runtime_error("timed out after " + std::to_string(timeout_ms) +
                                     " ms waiting for scarlettd to answer " + method);
        if (line->empty()) continue;
        auto message = ParseLine(*line);
        if (IsNotification(message)) {
            notifications_.push_back(std::move(message));
            continue;
        }
        if (!message.is_object() || !message.contains("id")) continue;
        /* An error with a null id is the daemon failing to read our request (e.g.
         * request.too_large); only one call is in flight, so it is ours. A response
         * with another id answers an earlier call that timed out: dropped. */
        if (message["id"] == id || (message["id"].is_null() && message.contains("error")))
            return message;
    }
}

std::optional<nlohmann::json> Client::NextNotification(int timeout_ms) {
    if (!notifications_.empty()) {
        auto message = std::move(notifications_.front());
        notifications_.pop_front();
        return message;
    }
    const auto deadline = MakeDeadline(timeout_ms);
    for (;;) {
        auto line = ReadLine(Remaining(deadline));
        if (!line) return std::nullopt;
        if (line->empty()) continue;
        auto message = ParseLine(*line);
        if (IsNotification(message)) return message;
    }
}

void Client::SendRaw(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            bytes.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            pollfd pfd{fd_, POLLOUT, 0};
            if (::poll(&pfd, 1, -1) < 0 && errno != EINTR)
                throw std::runtime_error("poll on the scarlettd socket failed: " +
                                         ErrnoText(errno));
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET)
            throw std::runtime_error("scarlettd closed the connection");
        throw std::runtime_error("cannot write to scarlettd: " + ErrnoText(errno));
    }
}

std::optional<std::string> Client::TakeLine() {
    const auto end = buffer_.find('\n');
    if (end == std::string::npos) return std::nullopt;
    std::string line = buffer_.substr(0, end);
    buffer_.erase(0, end + 1);
    return line;
}

std::optional<std::string> Client::ReadLine(int timeout_ms) {
    const auto deadline = MakeDeadline(timeout_ms);
    for (;;) {
        if (auto line = TakeLine()) return line;
        if (eof_) throw std::runtime_error("scarlettd closed the connection");
        if (!Fill(Remaining(deadline))) return std::nullopt;
    }
}

bool Client::IsClosedByPeer(int timeout_ms) {
    const auto deadline = MakeDeadline(timeout_ms);
    while (!eof_) {
        if (!Fill(Remaining(deadline))) return false;
    }
    return true;
}

bool Client::Fill(int timeout_ms) {
    if (eof_) return true;
    const auto deadline = MakeDeadline(timeout_ms);
    for (;;) {
        char chunk[16384];
        const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
        if (n > 0) {
            buffer_.append(chunk, static_cast<size_t>(n));
            return true;
        }
        if (n == 0 || errno == ECONNRESET) {
            eof_ = true;
            return true;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            throw std::runtime_error("cannot read from scarlettd: " + ErrnoText(errno));

        pollfd pfd{fd_, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, Remaining(deadline));
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("poll on the scarlettd socket failed: " + ErrnoText(errno));
        }
        if (ready == 0) return false;
    }
}

nlohmann::json Client::ParseLine(const std::string& line) {
    try {
        return nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(std::string("scarlettd sent a line that is not JSON: ") +
                                 e.what());
    }
}

bool Client::IsNotification(const nlohmann::json& message) {
    return message.is_object() && message.contains("method") && !message.contains("id");
}

}  // namespace Cli
