// SPDX-License-Identifier: GPL-3.0-or-later
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ipc/Connection.hpp"
#include "ipc/Error.hpp"
#include "ipc/Json.hpp"
#include "ipc/JsonRpc.hpp"
#include "ipc/Log.hpp"
#include "ipc/Server.hpp"

namespace Ipc {

namespace {

/* Idle connections should not keep the memory of one big request. */
constexpr size_t KEEP_INPUT_CAPACITY = 4096;

}  // namespace

bool Connection::IsInputPaused() const noexcept {
    /* Backpressure: a client that sends requests but does not read the answers stops
     * being read once its output reaches the cap. The "> 0" keeps max_output == 0
     * from stalling a connection forever. Over the server's budget no request is
     * read at all: its answer would have nowhere to go. */
    return kind_ == SocketKind::Control && ((pending_ > 0 && !HasRoom()) || server_.IsOverBudget());
}

void Connection::ReadInput() noexcept {
    char* const buffer = server_.read_buffer_.get();
    const ssize_t n = recv(fd_.Get(), buffer, Server::READ_BUFFER_SIZE, MSG_DONTWAIT);
    if (n > 0) {
        /* Events sockets are push-only: what the client writes is discarded. */
        if (kind_ == SocketKind::Control) input_.append(buffer, static_cast<size_t>(n));
        return;
    }
    if (n == 0) {
        /* Half-close (socat at end of input): stop reading, keep writing until the
         * peer is gone. */
        eof_ = true;
        return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (errno == ECONNRESET)
        Close();
    else
        CloseWithLog(LogLevel::Warning, std::string("recv failed: ") + std::strerror(errno));
}

void Connection::ProcessInput() noexcept {
    const size_t max_line = server_.GetLimits().max_line;
    while (!closed_ && !closing_ && !IsInputPaused()) {
        const size_t newline = input_.find('\n', std::max(scanned_, input_offset_));
        if (newline == std::string::npos) {
            scanned_ = input_.size();
            const size_t partial = input_.size() - input_offset_;
            if (partial > max_line) {
                RejectTooLarge();
                return;
            }
            /* At EOF an unterminated last line is still a line (`printf '%s' ... |`). */
            if (eof_ && partial > 0) {
                const std::string line = input_.substr(input_offset_);
                input_offset_ = input_.size();
                ProcessLine(line);
            }
            break;
        }
        if (newline - input_offset_ > max_line) {
            RejectTooLarge();
            return;
        }
        const std::string_view line(input_.data() + input_offset_, newline - input_offset_);
        input_offset_ = newline + 1;
        /* The Session cannot touch input_, so the view stays valid during the call. */
        ProcessLine(line);
    }
    if (closed_) return;
    input_.erase(0, input_offset_);
    scanned_ = scanned_ > input_offset_ ? scanned_ - input_offset_ : 0;
    input_offset_ = 0;
    if (input_.empty() && input_.capacity() > KEEP_INPUT_CAPACITY) std::string().swap(input_);
}

void Connection::ProcessLine(std::string_view line) noexcept {
    if (IsBlankLine(line)) return;
    try {
        const auto call = [this](const std::string& method,
                                 const nlohmann::json& params) -> nlohmann::json {
            try {
                return session_->Call(method, params);
            } catch (const RpcError&) {
                throw;
            } catch (const std::exception& e) {
                Log(LogLevel::Error, Describe() + ": method " + method + " failed: " + e.what());
            } catch (...) {
                Log(LogLevel::Error,
                    Describe() + ": method " + method + " failed with a non-standard exception");
            }
            throw RpcError(ErrorCode::Internal);
        };
        auto reply = ProcessMessage(line, call, server_.GetLimits().max_output);
        if (reply) SendLine(std::move(*reply));
    } catch (const std::exception& e) {
        /* Only allocation failures get here; dropping the client beats dying. */
        CloseWithLog(LogLevel::Error, std::string("failed to process a request: ") + e.what());
    }
}

void Connection::RejectTooLarge() noexcept {
    const size_t max_line = server_.GetLimits().max_line;
    try {
        Log(LogLevel::Notice, Describe() + ": request line longer than " +
                                  std::to_string(max_line) +
                                  " bytes; closing after the error reply");
        SendLine(EncodeErrorResponse(
            nullptr, RpcError(ErrorCode::RequestTooLarge,
                              "Request line longer than " + std::to_string(max_line) + " bytes",
                              {{"limit", max_line}})));
    } catch (const std::exception&) {
        Close();
        return;
    }
    closing_ = true;
    input_.clear();
    input_offset_ = 0;
    scanned_ = 0;
    UpdateWatch();
}

}  // namespace Ipc
