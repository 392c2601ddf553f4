// SPDX-License-Identifier: GPL-3.0-or-later
#include <sys/socket.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "ipc/Connection.hpp"
#include "ipc/Json.hpp"
#include "ipc/Log.hpp"
#include "ipc/Server.hpp"

namespace Ipc {

namespace {

/* A snapshot can be megabytes; an idle connection should not keep that memory. */
constexpr size_t KEEP_OUTPUT_CAPACITY = 64 * 1024;

}  // namespace

void Connection::Send(const nlohmann::json& message) {
    if (closed_ || closing_) return;
    SendLine(Encode(message));
}

void Connection::SendLine(std::string line) {
    assert(line.find('\n') == std::string::npos);
    if (closed_ || closing_ || peer_gone_) return;
    if (output_.empty())
        output_ = std::move(line);
    else
        output_ += line;
    output_ += '\n';
    /* Flushing after the dispatch round turns a burst of messages (a batch, a
     * notification per device) into one send(); while EPOLLOUT is watched, the
     * kernel says when. */
    if (!want_write_) flush_.Schedule();
}

void Connection::Flush() noexcept {
    if (closed_) return;
    const bool had_room = HasRoom();
    bool progressed = false;
    while (output_offset_ < output_.size()) {
        /* MSG_NOSIGNAL: a vanished peer is EPIPE here, not SIGPIPE for the daemon. */
        const ssize_t n = send(fd_.Get(), output_.data() + output_offset_,
                               output_.size() - output_offset_, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            output_offset_ += static_cast<size_t>(n);
            progressed = true;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
            Close();
        else
            CloseWithLog(LogLevel::Warning, std::string("send failed: ") + std::strerror(errno));
        return;
    }

    if (output_offset_ == output_.size()) {
        if (output_.capacity() > KEEP_OUTPUT_CAPACITY)
            std::string().swap(output_);
        else
            output_.clear();
        output_offset_ = 0;
    } else if (output_offset_ >= output_.size() / 2) {
        /* Drop the sent half; amortised O(1) per byte, no per-write memmove. */
        output_.erase(0, output_offset_);
        output_offset_ = 0;
    }

    want_write_ = GetPendingOutput() > 0;
    if (!want_write_ && closing_) {
        Close();
        return;
    }
    ArmStallTimer(progressed);
    UpdateWatch();

    if (progressed && (!want_write_ || (!had_room && HasRoom()))) {
        /* Requests held back by the output cap come first, then the daemon may
         * encode the notifications it coalesced meanwhile. */
        if (kind_ == SocketKind::Control) ProcessInput();
        if (closed_) return;
        session_->OnDrained();
        if (closed_) return;
        UpdateWatch();
    }
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
