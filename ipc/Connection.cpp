// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Connection.hpp"

#include <sys/epoll.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "ipc/Log.hpp"
#include "ipc/Server.hpp"
#include "ipc/Socket.hpp"

namespace Ipc {

const char* ToString(SocketKind kind) noexcept {
    return kind == SocketKind::Control ? "control" : "events";
}

Connection::Connection(Server& server, uint64_t id, SocketKind kind, Event::UniqueFd fd, pid_t pid,
                       uid_t uid)
    : server_(server),
      id_(id),
      kind_(kind),
      pid_(pid),
      uid_(uid),
      fd_(std::move(fd)),
      watch_(server.GetLoop(), [this](uint32_t events) noexcept { OnSocketReady(events); }),
      stall_timer_(server.GetLoop(), [this]() noexcept { OnStallTimer(); }),
      flush_(server.GetLoop(), [this]() noexcept { Flush(); }) {}

Connection::~Connection() {
    DropAnswer();
}

bool Connection::Start() noexcept {
    return watch_.Open(fd_.Get(), EPOLLIN | EPOLLRDHUP);
}

std::string Connection::Describe() const {
    return "connection " + std::to_string(id_) + " (" + ToString(kind_) +
           ", pid=" + std::to_string(pid_) + " uid=" + std::to_string(uid_) + ")";
}

bool Connection::HasRoom() const noexcept {
    return pending_ < server_.GetLimits().max_output && !server_.IsUnderPressure();
}

bool Connection::IsReading() const noexcept {
    return !closed_ && !eof_ && !closing_ && !HasTurnsLeft() && !IsInputPaused();
}

void Connection::UpdateWatch() noexcept {
    if (closed_ || (peer_gone_ && !watch_.IsOpen())) return;
    /* Half-closed, answered, and nothing else will come (`echo ... | socat`). */
    if (eof_ && output_.Empty() && !HasTurnsLeft() && kind_ == SocketKind::Control && session_ &&
        !session_->ExpectsMore()) {
        Close();
        return;
    }
    uint32_t events = 0;
    if (IsReading()) events |= EPOLLIN | EPOLLRDHUP;
    if (want_write_) events |= EPOLLOUT;
    /* With no flags the fd stays registered: EPOLLHUP and EPOLLERR are always
     * reported, which is how a half-closed peer's final close is noticed. */
    if (!watch_.Modify(events))
        CloseWithLog(LogLevel::Warning, std::string("epoll_ctl failed: ") + std::strerror(errno));
}

void Connection::OnSocketReady(uint32_t events) noexcept {
    if (closed_) return;
    if (events & (EPOLLHUP | EPOLLERR)) {
        peer_gone_ = true;
        if (HasTurnsLeft()) FinishTurnsNow();
        if (closed_) return;
    }
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && IsReading()) {
        /* Read before acting on HUP: a client may send notifications and close at
         * once, and they still deserve to be executed. */
        ReadInput();
        if (closed_) return;
        if (kind_ == SocketKind::Control) ProcessInput();
        if (closed_) return;
        /* The answers leave now, not after the rest of the round (other clients'
         * requests and turns, the fan-out): a quick request waits only for the work
         * that was ready before it. */
        if (flush_.IsPending()) {
            flush_.Cancel();
            Flush();
            if (closed_) return;
        }
    }
    /* A request waits for its answer (one read before, or with the hangup): what it
     * does still happens, and the requests read after it still run (Continue), but
     * the hangup, reported for as long as the fd is watched, must not spin the loop
     * meanwhile. */
    if ((events & (EPOLLHUP | EPOLLERR)) && IsWaiting()) {
        watch_.Cancel();
        stall_timer_.Cancel();
        return;
    }
    if (events & EPOLLERR) {
        Close();
        return;
    }
    /* EPOLLHUP means the peer is gone for both directions; if input remains unread,
     * level triggering brings us back to read it first. */
    if ((events & EPOLLHUP) && !IsReading()) {
        Close();
        return;
    }
    if (events & EPOLLOUT) Flush();
    UpdateWatch();
}

void Connection::CloseWithLog(LogLevel level, std::string_view reason) noexcept {
    if (closed_) return;
    try {
        Log(level, Describe() + ": " + std::string(reason) + "; closing");
    } catch (...) {
    }
    Close();
}

void Connection::Close() noexcept {
    if (closed_) return;
    closed_ = true;
    watch_.Cancel();
    stall_timer_.Cancel();
    flush_.Cancel();
    server_.CancelTurn(*this);
    server_.CancelBatchSlotWait(*this);
    running_.reset();
    DropAnswer();
    CountBatchOutput(0);
    if (std::exchange(holds_slot_, false)) server_.ReleaseBatchSlot();
    /* Close the socket now so the peer sees EOF at once; the object itself lives
     * until the Server reaps it, after the callback that called us has returned. */
    DiscardInput(fd_.Get());
    fd_.Reset();
    /* What no one will read any more is freed now, and leaves the server's budget. */
    DropOutput();
    std::string().swap(input_);
    input_offset_ = 0;
    scanned_ = 0;
    server_.OnConnectionClosed();
}

}  // namespace Ipc
