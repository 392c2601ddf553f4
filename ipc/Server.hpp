// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event/Deferred.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/InotifyWatch.hpp"
#include "event/Timer.hpp"
#include "ipc/Connection.hpp"
#include "ipc/Error.hpp"
#include "ipc/Handler.hpp"
#include "ipc/Limits.hpp"
#include "ipc/Socket.hpp"

namespace Ipc {

/**
 * The listening sockets and the client list: accepts, checks SO_PEERCRED, enforces
 * max_clients and reaps closed connections after the callback that closed them.
 * Owned by the daemon; owns its listening sockets (and the socket files it bound)
 * and every Connection. The loop and the Handler must outlive it; its destructor
 * calls Handler::OnDisconnect for every remaining connection. Loop thread only.
 */
class Server {
  public:
    Server(Event::EventLoop& loop, Handler& handler, Limits limits = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /**
     * Binds @p path with mode @p mode (set through umask, so there is no window with
     * a wider mode) and listens. A stale socket file is removed first; a live one
     * (something accepts on it) or a non-socket file is an error. The file is removed
     * again by the destructor if it is still ours.
     * Throws std::system_error or std::runtime_error.
     */
    void Listen(SocketKind kind, const std::string& path, mode_t mode = 0600);

    /** Takes ownership of a listening SOCK_STREAM socket (socket activation) and makes
     *  it non-blocking and close-on-exec. Throws std::invalid_argument (the fd is
     *  closed) if it is not a listening stream socket, std::system_error. */
    void Adopt(SocketKind kind, int listening_fd);

    /**
     * Takes a connected socket as if accepted (socketpair, tests): peer check, client
     * limit, then Handler::OnConnect. @return the connection, or nullptr if the peer
     * was rejected (the socket is closed; over the limit it first gets one
     * `limit.exceeded` error line). The pointer is valid until the connection closes
     * and the loop reaps it. If OnConnect throws, the connection is closed (and
     * reaped as any other: OnDisconnect follows) and nullptr returned.
     */
    Connection* AddConnection(SocketKind kind, Event::UniqueFd fd);

    /** The uid whose peers are accepted (root always is); default geteuid().
     *  std::nullopt disables the check (socket mode and directory decide). */
    void SetAllowedUid(std::optional<uid_t> uid) noexcept { policy_.uid = uid; }
    /** Also accepts members of @p group (--system: the sockets' group). */
    void SetAllowedGroup(std::optional<gid_t> group) noexcept { policy_.group = group; }

    /** Open connections (closed ones awaiting destruction are not counted). */
    size_t GetClientCount() const noexcept { return open_count_; }
    /** Calls @p function for each open connection in id order; it may Close() any. */
    void ForEach(const std::function<void(Connection&)>& function);

    const Limits& GetLimits() const noexcept { return limits_; }
    /** Output encoded for all connections and not sent yet. */
    size_t GetTotalOutput() const noexcept { return total_output_; }
    bool IsOverBudget() const noexcept { return total_output_ >= limits_.max_output_total; }
    /** Past three quarters of the budget: connections with output still queued get
     *  no more (their notifications wait as dirty sets, their requests unread), so that
     *  clients that stopped reading cannot take the whole budget; the last quarter
     *  answers connections that have nothing queued. */
    bool IsUnderPressure() const noexcept {
        return total_output_ >= limits_.max_output_total - limits_.max_output_total / 4;
    }
    Event::EventLoop& GetLoop() const noexcept { return loop_; }

  private:
    friend class Connection;

    struct Listener {
        Listener(Event::EventLoop& loop, Server& server, SocketKind kind, Event::UniqueFd fd);
        SocketKind kind;
        Event::UniqueFd fd;
        Event::FdWatch watch;
        /** Set by Listen(): unlinked on destruction if st_dev/st_ino still match. */
        std::string path;
        dev_t dev = 0;
        ino_t ino = 0;
        mode_t mode = 0;
    };

    Listener& AddListener(SocketKind kind, Event::UniqueFd fd);
    /** Binds @p listener's path anew (its file was removed). */
    void Rebind(Listener& listener) noexcept;
    void OnDirectoryEvent(const Event::InotifyEvent& event) noexcept;
    void OnAccept(Listener& listener) noexcept;
    /** EMFILE and friends: stop accepting for a while instead of spinning. */
    void PauseAccepting() noexcept;
    void ResumeAccepting() noexcept;
    void RejectOverLimit(int fd) noexcept;
    /** One error line (id null) on @p fd, then its input is discarded. */
    void RejectWith(int fd, ErrorCode code, const char* message, nlohmann::json data) noexcept;
    /** EMFILE: frees the spare fd to accept and reject one client. @return whether
     *  one was taken off the backlog. */
    bool RejectWithSpare(Listener& listener) noexcept;
    /** Called by Connection::Close(). */
    void OnConnectionClosed() noexcept;
    /* Called by Connection as output is queued and sent. */
    void AddOutput(size_t bytes) noexcept {
        total_output_ += bytes;
        output_peak_ = std::max(output_peak_, total_output_);
    }
    void RemoveOutput(size_t bytes) noexcept;
    /** Returns free heap memory to the system (malloc_trim), a little later.
     *  glibc keeps it otherwise: RSS would stay at the peak a crowd of clients caused.
     *  Done when a quarter of the clients (TRIM_AFTER_LEAVING at least) have left since
     *  the most there were, and
     *  when the output falls far below a peak of TRIM_AFTER_PEAK; never while idle,
     *  never for steady churn. */
    void Trim() noexcept;
    /** A batch runs in turns while it holds one of BATCH_SLOTS (it keeps its parsed
     *  requests and its reply so far meanwhile). With none free its line waits, unread,
     *  until one is (AwaitBatchSlot): a batch that ran whole without one could still
     *  wait for an answer that comes later and hold its reply across turns, and many
     *  such batches, all answered at once by one refresh, each added a reply past the
     *  output budget (bench memory: 97 MB counted against 64 MiB).
     *  @return whether one was free (then ReleaseBatchSlot() gives it back). */
    bool TakeBatchSlot() noexcept;
    void ReleaseBatchSlot() noexcept;
    /** @p connection has a batch line and no slot: it gets a turn when one is free. */
    void AwaitBatchSlot(Connection& connection);
    /** @p connection waits for a slot no more (closed, or its peer is gone). */
    void CancelBatchSlotWait(Connection& connection) noexcept;
    /** Work left for later (a batch in turns, lines left, an answer come): @p connection
     *  goes on in a later loop round, in order of asking. Idempotent. */
    void WantTurn(Connection& connection) noexcept;
    void CancelTurn(Connection& connection) noexcept;
    /** Runs the waiting connections' turns for about one TURN, then lets the loop
     *  poll again: whoever became ready meanwhile (a probe, a quick request) is served
     *  before the next turn, not after all of them. */
    void OnTurns() noexcept;
    /** Back under the budget: every connection held by it may go on. */
    void ResumeAll() noexcept;
    void Reap() noexcept;

    /* One recv() per wakeup and connection: level triggering calls again while more
     * is queued, so one busy client cannot starve the others. */
    static constexpr size_t READ_BUFFER_SIZE = 64 * 1024;

    Event::EventLoop& loop_;
    Handler& handler_;
    const Limits limits_;
    PeerPolicy policy_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::map<uint64_t, std::unique_ptr<Connection>> connections_;
    size_t open_count_ = 0;
    uint64_t next_id_ = 1;
    Event::Deferred reap_;
    Event::Timer accept_retry_;
    size_t total_output_ = 0;
    Event::Deferred resume_;
    /* Batches in progress hold up to a line's parsed requests and a reply of
     * max_output each: this many at once bounds that memory. */
    static constexpr size_t BATCH_SLOTS = 4;
    size_t batch_slots_used_ = 0;
    /* Connections waiting for a turn, oldest first; OnTurns runs from turns_timer_. */
    std::deque<Connection*> turns_;
    /* Connections whose batch line waits for a slot, oldest first. */
    std::deque<Connection*> slot_waiters_;
    Event::Timer turns_timer_;
    static constexpr size_t TRIM_AFTER_LEAVING = 8;
    size_t peak_clients_ = 0;
    static constexpr size_t TRIM_AFTER_PEAK = 2 * 1024 * 1024;
    size_t output_peak_ = 0;
    /* One second after the first reason: what is freed meanwhile (the replies a crowd
     * still had coming, the sessions after it) goes back too. One wakeup after a
     * burst, none while idle. */
    Event::Timer trim_;
    static constexpr auto TRIM_DELAY = std::chrono::seconds(1);
    /* The directories of the sockets we bound: a socket file removed under us (by
     * hand, by a clean-up of /run) is bound again, or the daemon would run on,
     * unreachable, and block another from starting. */
    Event::InotifyWatch directories_;
    /** Shared by all connections (one loop thread): input_ keeps only partial lines. */
    std::unique_ptr<char[]> read_buffer_;
    /** Held for the moment file descriptors run out: a client then still gets its
     *  error line instead of waiting in the backlog (MPD does the same). */
    Event::UniqueFd spare_fd_;
};

}  // namespace Ipc
