// SPDX-License-Identifier: GPL-3.0-or-later
#include <sys/socket.h>
#include <sys/uio.h>

#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "ipc/Connection.hpp"
#include "ipc/Json.hpp"
#include "ipc/Log.hpp"
#include "ipc/Server.hpp"

namespace Ipc {

void Connection::Send(const nlohmann::json& message) {
    if (closed_ || closing_) return;
    SendLine(Encode(message));
}

void Connection::SendLine(std::string line) {
    assert(line.find('\n') == std::string::npos);
    if (closed_ || closing_ || peer_gone_) return;
    /* A line built by appending may hold up to twice its bytes; what waits in the
     * queue is counted by its bytes, so it holds no more than a little over them (the
     * memory bound of docs/BENCHMARKS.md: a stalled client's big replies). */
    if (line.capacity() > SLACK_KEPT && line.capacity() - line.size() > line.size() / 8)
        line.shrink_to_fit();
    Queue(OutputLine(SharedText::Of(std::move(line)), "\n"));
}

void Connection::SendShared(const SharedText& head, std::string_view tail) {
    assert(head.View().find('\n') == std::string_view::npos);
    assert(tail.size() < OutputLine::TAIL_MAX && tail.find('\n') == std::string_view::npos);
    if (closed_ || closing_ || peer_gone_) return;
    OutputLine line(head, tail);
    line.tail[line.tail_size++] = '\n';
    Queue(std::move(line));
}

void Connection::Queue(OutputLine line) {
    const size_t size = line.Size();
    output_.Push(std::move(line));
    pending_ += size;
    server_.AddOutput(size);
    /* Flushing after the dispatch round turns a burst of messages (a batch, a
     * notification per device) into one send; while EPOLLOUT is watched, the kernel
     * says when. */
    if (!want_write_) flush_.Schedule();
}

void Connection::DropOutput() noexcept {
    server_.RemoveOutput(pending_);
    pending_ = 0;
    output_offset_ = 0;
    output_.Clear();
}

size_t Connection::SendSome() noexcept {
    /* Two parts a line: its shared head and its own tail. */
    iovec parts[2 * MAX_LINES_PER_SEND];
    size_t count = 0;
    size_t skip = output_offset_;
    for (size_t i = 0; i < output_.Count() && i < MAX_LINES_PER_SEND; ++i) {
        OutputLine& line = output_.At(i);
        for (std::string_view part : {line.head.View(), line.Tail()}) {
            if (skip >= part.size()) {
                skip -= part.size();
                continue;
            }
            parts[count].iov_base = const_cast<char*>(part.data() + skip);
            parts[count].iov_len = part.size() - skip;
            ++count;
            skip = 0;
        }
    }
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = count;
    ssize_t n;
    /* MSG_NOSIGNAL: a vanished peer is EPIPE here, not SIGPIPE for the daemon. */
    do {
        n = sendmsg(fd_.Get(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return 0;
    size_t sent = static_cast<size_t>(n);
    pending_ -= sent;
    server_.RemoveOutput(sent);
    while (sent > 0) {
        const size_t left = output_.Front().Size() - output_offset_;
        if (sent < left) {
            output_offset_ += sent;
            break;
        }
        sent -= left;
        output_offset_ = 0;
        output_.PopFront();
    }
    return static_cast<size_t>(n);
}

void Connection::Flush() noexcept {
    if (closed_) return;
    const bool had_room = HasRoom();
    bool progressed = false;
    while (pending_ > 0) {
        if (SendSome() > 0) {
            progressed = true;
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EPIPE || errno == ECONNRESET)
            Close();
        else
            CloseWithLog(LogLevel::Warning, std::string("send failed: ") + std::strerror(errno));
        return;
    }

    want_write_ = pending_ > 0;
    if (!want_write_ && closing_) {
        Close();
        return;
    }
    ArmStallTimer(progressed);
    UpdateWatch();

    if (progressed && (!want_write_ || (!had_room && HasRoom()))) Resume();
}

void Connection::Resume() noexcept {
    /* Requests held back by the output cap come first, then the daemon may encode the
     * notifications it coalesced meanwhile. Work left for a later turn waits for it. */
    if (kind_ == SocketKind::Control) {
        if (running_ && !in_turns_)
            server_.WantTurn(*this);
        else if (!HasTurnsLeft())
            ProcessInput();
    }
    if (closed_) return;
    session_->OnDrained();
    if (closed_) return;
    UpdateWatch();
}

void Connection::ArmStallTimer(bool progressed) noexcept {
    if (!want_write_) {
        stall_timer_.Cancel();
        return;
    }
    /* The timer is not moved on every write: it fires once per write_stall period
     * and then checks when progress was last made. */
    if (progressed || !stall_timer_.IsPending()) last_progress_ = Event::Timer::Clock::now();
    if (!stall_timer_.IsPending()) stall_timer_.Schedule(server_.GetLimits().write_stall);
}

void Connection::OnStallTimer() noexcept {
    if (closed_ || !want_write_) return;
    const auto stall = server_.GetLimits().write_stall;
    const auto idle = Event::Timer::Clock::now() - last_progress_;
    if (idle >= stall) {
        CloseWithLog(LogLevel::Notice, "no write progress for " + std::to_string(stall.count()) +
                                           " ms with " + std::to_string(GetPendingOutput()) +
                                           " bytes pending");
        return;
    }
    stall_timer_.Schedule(stall - idle);
}

}  // namespace Ipc
