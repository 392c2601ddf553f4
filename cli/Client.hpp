// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace Cli {

/**
 * The socket directory: @p socket_dir if given, else $SCARLETTD_SOCKET_DIR, else
 * $XDG_RUNTIME_DIR/scarlettd. Never falls back to /tmp (protocol §1).
 * Throws std::runtime_error with a clear message if none is set.
 */
std::string ResolveSocketDir(const std::optional<std::string>& socket_dir);

/**
 * A blocking JSON-RPC 2.0 client for one scarlettd connection (newline-delimited
 * JSON). It speaks only the wire protocol: no daemon headers.
 * Owns the socket (closed on destruction). Not thread-safe: one thread at a time.
 * Timeouts are in milliseconds; a negative timeout waits forever.
 */
class Client {
  public:
    /**
     * Connects to the Unix stream socket at @p socket_path.
     * Throws std::runtime_error ("cannot connect to <path>: <strerror>; is scarlettd
     * running?").
     */
    static Client Connect(const std::string& socket_path);

    Client(Client&& other) noexcept;
    Client& operator=(Client&& other) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    /**
     * Sends a request with a fresh integer id and reads until the response with that
     * id arrives; notifications read meanwhile are queued for NextNotification().
     * Returns the whole response object (it has "result" or "error"); an error with a
     * null id (the daemon could not read the request) also counts as the response.
     * Throws std::runtime_error on timeout, EOF, write failure or a line that is not
     * JSON.
     */
    nlohmann::json Call(const std::string& method,
                        const nlohmann::json& params = nlohmann::json::object(),
                        int timeout_ms = 10000);

    /**
     * The next queued notification, else waits up to @p timeout_ms for one (responses
     * read meanwhile belong to no pending call and are dropped).
     * @return nullopt on timeout. Throws std::runtime_error on EOF.
     */
    std::optional<nlohmann::json> NextNotification(int timeout_ms);

    /** Writes @p bytes as they are. Throws std::runtime_error on failure. */
    void SendRaw(std::string_view bytes);

    /**
     * Reads one line, without its "\n". Complete lines already buffered are returned
     * even after the peer closed.
     * @return nullopt on timeout. Throws std::runtime_error on EOF.
     */
    std::optional<std::string> ReadLine(int timeout_ms);

    /**
     * Waits up to @p timeout_ms for the daemon to close the connection; bytes that
     * arrive meanwhile are kept for ReadLine().
     * @return true on EOF (or reset), false on timeout.
     */
    bool IsClosedByPeer(int timeout_ms);

    int GetFd() const noexcept { return fd_; }

  private:
    explicit Client(int fd) noexcept : fd_(fd) {}

    /**
     * Waits up to @p timeout_ms and appends what is readable to buffer_.
     * @return false on timeout; sets eof_ on EOF. Throws std::runtime_error.
     */
    bool Fill(int timeout_ms);
    std::optional<std::string> TakeLine();
    /** Parses a line from the daemon. Throws std::runtime_error if it is not JSON. */
    static nlohmann::json ParseLine(const std::string& line);
    static bool IsNotification(const nlohmann::json& message);
    void Close() noexcept;

    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
    std::deque<nlohmann::json> notifications_;
    long long next_id_ = 1;
};

}  // namespace Cli
