// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace CliTest {

/** The server side of one accepted connection: blocking line I/O. */
class FakeConnection {
  public:
    explicit FakeConnection(int fd) noexcept : fd_(fd) {}
    ~FakeConnection() { Close(); }
    FakeConnection(const FakeConnection&) = delete;
    FakeConnection& operator=(const FakeConnection&) = delete;

    /** One line without "\n"; nullopt at EOF. */
    std::optional<std::string> ReadLine() {
        for (;;) {
            if (const auto end = buffer_.find('\n'); end != std::string::npos) {
                std::string line = buffer_.substr(0, end);
                buffer_.erase(0, end + 1);
                return line;
            }
            char chunk[4096];
            const ssize_t n = ::read(fd_, chunk, sizeof(chunk));
            if (n <= 0) return std::nullopt;
            buffer_.append(chunk, static_cast<size_t>(n));
        }
    }

    /** The next request, parsed; null at EOF. */
    nlohmann::json ReadRequest() {
        const auto line = ReadLine();
        return line ? nlohmann::json::parse(*line) : nlohmann::json();
    }

    void Write(const std::string& bytes) {
        (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    void WriteMessage(const nlohmann::json& message) { Write(message.dump() + "\n"); }
    void Reply(const nlohmann::json& request, const nlohmann::json& result) {
        WriteMessage({{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", result}});
    }
    void ReplyError(const nlohmann::json& request, const nlohmann::json& error) {
        WriteMessage({{"jsonrpc", "2.0"}, {"id", request["id"]}, {"error", error}});
    }
    void Notify(const std::string& method, const nlohmann::json& params) {
        WriteMessage({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
    }
    void Close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

  private:
    int fd_;
    std::string buffer_;
};

/**
 * A Unix socket "control.sock" in a fresh temporary directory, serving one
 * connection with a test-provided handler on its own thread.
 * The test thread owns it; the handler runs on the server thread only.
 */
class FakeServer {
  public:
    using Handler = std::function<void(FakeConnection&)>;

    explicit FakeServer(Handler handler) {
        char dir_template[] = "/tmp/scarlettctl-test-XXXXXX";
        if (!::mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
        dir_ = dir_template;
        path_ = dir_ + "/control.sock";

        listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 ||
            ::listen(listen_fd_, 4) < 0)
            throw std::runtime_error("cannot listen on " + path_);

        thread_ = std::thread([this, handler = std::move(handler)] {
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) return;
            FakeConnection connection(fd);
            handler(connection);
        });
    }

    ~FakeServer() {
        /* Unblocks accept() when no client ever connected. */
        ::shutdown(listen_fd_, SHUT_RDWR);
        thread_.join();
        ::close(listen_fd_);
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    const std::string& GetDir() const noexcept { return dir_; }
    const std::string& GetPath() const noexcept { return path_; }

  private:
    std::string dir_;
    std::string path_;
    int listen_fd_ = -1;
    std::thread thread_;
};

}  // namespace CliTest
