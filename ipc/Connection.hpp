// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "event/Deferred.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"
#include "event/UniqueFd.hpp"
#include "ipc/Handler.hpp"
#include "ipc/JsonRpc.hpp"
#include "ipc/Log.hpp"
#include "ipc/OutputQueue.hpp"
#include "ipc/SharedText.hpp"

namespace Ipc {

class Server;

enum class SocketKind { Control, Events };

/** "control" or "events", for log lines. */
const char* ToString(SocketKind kind) noexcept;

/**
 * One accepted client socket: newline framing and JSON-RPC dispatch (control
 * sockets; events sockets discard input), a bounded output buffer flushed with
 * non-blocking MSG_NOSIGNAL sends, a write-stall timer armed only while output is
 * pending, and half-close handling (stop reading, keep writing).
 * Owned by its Server through a unique_ptr; owns its socket, watch, timer and
 * buffers, and the application's Session for it. Loop thread only.
 * Implementation split by concern: Connection.cpp (lifecycle, events),
 * ConnectionRead.cpp (input), ConnectionWrite.cpp (output).
 */
class Connection {
  public:
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /** Unique per Server, starting at 1, never reused. */
    uint64_t GetId() const noexcept { return id_; }
    /** The peer as of connect() (SO_PEERCRED); for logs, never for authorisation. */
    pid_t GetPid() const noexcept { return pid_; }
    uid_t GetUid() const noexcept { return uid_; }
    SocketKind GetKind() const noexcept { return kind_; }
    /** After Close(); the object lives on until the Server reaps it. */
    bool IsClosed() const noexcept { return closed_; }
    /** The peer closed both directions (EPOLLHUP): nothing sent can be read any more;
     *  requests read with the hangup may still be run, their output is dropped. */
    bool IsPeerGone() const noexcept { return peer_gone_; }

    /** Appends Encode(message) and a newline; flushed after the current dispatch
     *  round. Ignored once the connection is closed or closing. Never refuses for
     *  size: check HasRoom() before encoding optional output. */
    void Send(const nlohmann::json& message);
    /** As Send() for an already encoded message; @p line must not contain '\n'. */
    void SendLine(std::string line);
    /** As SendLine() for @p head followed by @p tail (at most OutputLine::TAIL_MAX - 1
     *  bytes): the head's bytes are shared with every connection it is queued on, not
     *  copied (a notification's body, encoded once per change). */
    void SendShared(const SharedText& head, std::string_view tail);

    /** Bytes encoded but not yet accepted by the kernel. */
    size_t GetPendingOutput() const noexcept { return pending_; }
    /** GetPendingOutput() < Limits::max_output, and all connections' output together
     *  under three quarters of Limits::max_output_total (Server::IsUnderPressure). */
    bool HasRoom() const noexcept;

    /** Closes the socket now and defers destruction (and Handler::OnDisconnect) to
     *  after the current callback, so it is safe from any callback. Idempotent. */
    void Close() noexcept;

    /** "connection 3 (control, pid=1234 uid=1000)", for log lines. */
    std::string Describe() const;

    /** The application's state for this client, made by Handler::OnConnect (a
     *  connection refused there has none: never called before it returned). */
    Session& GetSession() const noexcept { return *session_; }

  private:
    friend class Server;
    friend class Session;
    friend class Answer;
    Connection(Server& server, uint64_t id, SocketKind kind, Event::UniqueFd fd, pid_t pid,
               uid_t uid);

    /** Registers the socket with the loop. @return false with errno set. */
    [[nodiscard]] bool Start() noexcept;
    void OnSocketReady(uint32_t events) noexcept;
    /** Reading is wanted: not at EOF, not closing, and (control) not paused by output. */
    bool IsReading() const noexcept;
    /** Syncs the epoll flags with IsReading() and want_write_. */
    void UpdateWatch() noexcept;
    void CloseWithLog(LogLevel level, std::string_view reason) noexcept;

    /* ConnectionRead.cpp */
    void ReadInput() noexcept;
    void ProcessInput() noexcept;
    /** Runs one line; a batch holding a slot runs until @p deadline and goes on in
     *  later turns (running_). */
    void ProcessLine(std::string_view line,
                     std::chrono::steady_clock::time_point deadline) noexcept;
    /** Runs @p run until it is done or its turn is over; then answers, or schedules
     *  the next turn. */
    void RunMessage(std::unique_ptr<MessageRun> run,
                    std::chrono::steady_clock::time_point deadline) noexcept;
    /** @p run is done: its slot and budget share go back, its reply is sent. */
    void Reply(MessageRun& run);
    /** Sets the running batch's share of the server's output budget. */
    void CountBatchOutput(size_t bytes) noexcept;
    /** The next turn (Server::OnTurns): the running batch, then the lines after it. */
    void Continue() noexcept;
    /** The peer is gone: what was left for later turns runs now, unsliced (nothing is
     *  encoded for a peer that is gone, so it costs little; acting requests still act). */
    void FinishTurnsNow() noexcept;
    /** Work left for a later turn: no reading meanwhile. */
    bool HasTurnsLeft() const noexcept { return running_ || yielded_ || awaiting_slot_; }
    /** A request waits for its Answer. */
    bool IsWaiting() const noexcept { return running_ && running_->IsWaiting(); }
    /** Session::AnswerLater(). */
    std::shared_ptr<Answer> TakeAnswer();
    /** The pending request's answer: the rest goes on in the next turn. */
    void OnAnswer(const nlohmann::json* result, const RpcError* error) noexcept;
    /** The pending Answer is no longer ours to take. */
    void DropAnswer() noexcept;
    /** How long one connection's requests may run before others get a turn. */
    static constexpr auto TURN = std::chrono::milliseconds(1);
    void RejectTooLarge() noexcept;
    bool IsInputPaused() const noexcept;

    /* ConnectionWrite.cpp */
    void Flush() noexcept;
    /** Queues @p line; flushed after the dispatch round. */
    void Queue(OutputLine line);
    /** One sendmsg() of up to MAX_LINES_PER_SEND lines. @return bytes sent (0 with
     *  errno on failure or EAGAIN). */
    size_t SendSome() noexcept;
    /** Frees the pending output (the connection is closed). */
    void DropOutput() noexcept;
    /** Room again: held requests, then the session's coalesced notifications. */
    void Resume() noexcept;
    static constexpr size_t MAX_LINES_PER_SEND = 64;
    /** Lines with up to this capacity are queued as they are (SendLine). */
    static constexpr size_t SLACK_KEPT = 4096;
    void ArmStallTimer(bool progressed) noexcept;
    void OnStallTimer() noexcept;

    Server& server_;
    const uint64_t id_;
    const SocketKind kind_;
    const pid_t pid_;
    const uid_t uid_;
    Event::UniqueFd fd_;
    Event::FdWatch watch_;
    Event::Timer stall_timer_;
    Event::Deferred flush_;
    /* Fairness: a client whose lines or batch take longer than a TURN goes on in a
     * later loop round (Server::WantTurn), after everyone else who is ready. */
    bool in_turns_ = false;
    /** A batch in progress (it holds one of the server's batch slots), or a line
     *  whose request waits for its answer. */
    std::unique_ptr<MessageRun> running_;
    /** The answer a waiting request gets; taken during a Call (answer_taken_). */
    std::shared_ptr<Answer> answer_;
    bool answer_taken_ = false;
    /** Lines left for the next turn. */
    bool yielded_ = false;
    /** A batch line waits for a slot (Server::AwaitBatchSlot). */
    bool awaiting_slot_ = false;
    bool holds_slot_ = false;
    /** The running batch's reply so far, counted in the server's output budget. */
    size_t batch_output_ = 0;

    std::string input_;
    /** Start of the first unprocessed line in input_. */
    size_t input_offset_ = 0;
    /** input_ holds no '\n' before this position (avoids rescanning partial lines). */
    size_t scanned_ = 0;

    /** Complete lines with their '\n', sent in order with one sendmsg() per flush:
     *  memory is what is pending (shared heads once for all connections), never a
     *  doubled buffer's capacity. */
    OutputQueue output_;
    /** Bytes of output_.Front() already sent (short writes). */
    size_t output_offset_ = 0;
    size_t pending_ = 0;
    Event::Timer::Clock::time_point last_progress_{};

    /** A send hit EAGAIN: EPOLLOUT is watched until output_ is empty. */
    bool want_write_ = false;
    /** The peer shut down its write side (half-close): no more reading. */
    bool eof_ = false;
    /** Close once output_ is written (after request.too_large). */
    bool closing_ = false;
    bool peer_gone_ = false;
    bool closed_ = false;

    /* Last: destroyed first, while the connection it refers to is whole. */
    std::unique_ptr<Session> session_;
};

}  // namespace Ipc
