// SPDX-License-Identifier: GPL-3.0-or-later
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

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
     * being read once its output reaches the cap, or once the server is under
     * pressure. The "> 0" keeps max_output == 0 from stalling a connection forever, and
     * answers a client with nothing queued from the budget's last quarter. Over the
     * whole budget no request is read at all: its answer would have nowhere to go. */
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
    if (running_ || awaiting_slot_) return;
    yielded_ = false;
    server_.CancelTurn(*this);
    const size_t max_line = server_.GetLimits().max_line;
    /* Read at the first line: a flush resumes every connection it wrote to, most with
     * nothing to run, and where the clock is a syscall (a VM's clock source) that was
     * one more per notification sent. */
    std::chrono::steady_clock::time_point deadline{};
    while (!closed_ && !closing_ && !IsInputPaused()) {
        const size_t newline = input_.find('\n', std::max(scanned_, input_offset_));
        size_t end = newline;
        if (newline == std::string::npos) {
            scanned_ = input_.size();
            const size_t partial = input_.size() - input_offset_;
            if (partial > max_line) {
                RejectTooLarge();
                return;
            }
            /* At EOF an unterminated last line is still a line (`printf '%s' ... |`). */
            if (!eof_ || partial == 0) break;
            end = input_.size();
        } else if (newline - input_offset_ > max_line) {
            RejectTooLarge();
            return;
        }
        /* The Session cannot touch input_, so the view stays valid during the call. */
        const std::string_view line(input_.data() + input_offset_, end - input_offset_);
        /* A batch runs in turns with a slot; only a few can, whatever the number of
         * clients, as each holds its parsed requests and reply meanwhile. Without one
         * the line waits, unread, for one. A peer that is gone gets no output: its
         * batch runs whole. */
        if (!peer_gone_ && IsBatchLine(line)) {
            holds_slot_ = server_.TakeBatchSlot();
            if (!holds_slot_) {
                try {
                    server_.AwaitBatchSlot(*this);
                } catch (const std::exception&) {
                    CloseWithLog(LogLevel::Error, "out of memory waiting for a batch slot");
                    return;
                }
                break;
            }
        }
        input_offset_ = newline == std::string::npos ? end : end + 1;
        if (deadline == std::chrono::steady_clock::time_point{})
            deadline = std::chrono::steady_clock::now() + TURN;
        ProcessLine(line, deadline);
        if (closed_ || running_) break;
        if (!peer_gone_ && input_offset_ < input_.size() &&
            std::chrono::steady_clock::now() >= deadline) {
            yielded_ = true;
            server_.WantTurn(*this);
            break;
        }
    }
    if (closed_) return;
    input_.erase(0, input_offset_);
    scanned_ = scanned_ > input_offset_ ? scanned_ - input_offset_ : 0;
    input_offset_ = 0;
    if (input_.empty() && input_.capacity() > KEEP_INPUT_CAPACITY) std::string().swap(input_);
}

std::shared_ptr<Answer> Session::AnswerLater() {
    return connection_.TakeAnswer();
}

void Answer::Resolve(const nlohmann::json& result) noexcept {
    if (Connection* connection = std::exchange(connection_, nullptr))
        connection->OnAnswer(&result, nullptr);
}

void Answer::Reject(const RpcError& error) noexcept {
    if (Connection* connection = std::exchange(connection_, nullptr))
        connection->OnAnswer(nullptr, &error);
}

std::shared_ptr<Answer> Connection::TakeAnswer() {
    DropAnswer();
    answer_ = std::make_shared<Answer>();
    answer_->connection_ = this;
    answer_taken_ = true;
    return answer_;
}

void Connection::DropAnswer() noexcept {
    if (answer_) answer_->connection_ = nullptr;
    answer_.reset();
    answer_taken_ = false;
}

void Connection::OnAnswer(const nlohmann::json* result, const RpcError* error) noexcept {
    answer_.reset();
    if (closed_ || !IsWaiting()) return;
    try {
        running_->Complete(result, error);
        /* The reply goes out before the notifications its request caused (they are
         * encoded when the loop flushes). */
        if (running_->IsDone()) {
            const auto run = std::move(running_);
            Reply(*run);
        } else {
            /* The batch's reply grew: the budget knows before anyone else goes on. */
            CountBatchOutput(running_->GetReplySize());
        }
    } catch (const std::exception& e) {
        CloseWithLog(LogLevel::Error, std::string("failed to answer a request: ") + e.what());
        return;
    }
    /* Never inside whoever answered: the rest runs in a turn of its own. */
    server_.WantTurn(*this);
}

void Connection::ProcessLine(std::string_view line,
                             std::chrono::steady_clock::time_point deadline) noexcept {
    if (IsBlankLine(line)) return;
    try {
        RunMessage(std::make_unique<MessageRun>(line, server_.GetLimits().max_output), deadline);
    } catch (const std::exception& e) {
        /* Only allocation failures get here; dropping the client beats dying. */
        CloseWithLog(LogLevel::Error, std::string("failed to process a request: ") + e.what());
    }
}

void Connection::RunMessage(std::unique_ptr<MessageRun> run,
                            std::chrono::steady_clock::time_point deadline) noexcept {
    const auto call = [this](const std::string& method,
                             const nlohmann::json& params) -> nlohmann::json {
        try {
            nlohmann::json result = session_->Call(method, params);
            if (std::exchange(answer_taken_, false)) throw AnswerLater();
            return result;
        } catch (const AnswerLater&) {
            throw;
        } catch (const RpcError&) {
            DropAnswer();
            throw;
        } catch (const std::exception& e) {
            DropAnswer();
            Log(LogLevel::Error, Describe() + ": method " + method + " failed: " + e.what());
        } catch (...) {
            DropAnswer();
            Log(LogLevel::Error,
                Describe() + ": method " + method + " failed with a non-standard exception");
        }
        throw RpcError(ErrorCode::Internal);
    };
    try {
        /* Only a batch with a slot is sliced; for a peer that is gone nothing is encoded.
         * Its reply so far counts in the output budget, and over the budget it waits
         * like every request does (ResumeAll brings it back). */
        const bool sliced = holds_slot_ && !peer_gone_;
        const bool done = run->Run(call, [&] {
            return sliced &&
                   (std::chrono::steady_clock::now() >= deadline || server_.IsOverBudget());
        });
        if (closed_) return;
        CountBatchOutput(done ? 0 : run->GetReplySize());
        if (!done) {
            running_ = std::move(run);
            /* A waiting request goes on when its answer comes (OnAnswer). */
            if (!running_->IsWaiting() && !server_.IsOverBudget()) server_.WantTurn(*this);
            return;
        }
        Reply(*run);
    } catch (const std::exception& e) {
        CloseWithLog(LogLevel::Error, std::string("failed to process a request: ") + e.what());
    }
}

void Connection::Reply(MessageRun& run) {
    if (std::exchange(holds_slot_, false)) server_.ReleaseBatchSlot();
    CountBatchOutput(0);
    if (auto reply = run.TakeReply()) SendLine(std::move(*reply));
}

void Connection::CountBatchOutput(size_t bytes) noexcept {
    if (bytes >= batch_output_)
        server_.AddOutput(bytes - batch_output_);
    else
        server_.RemoveOutput(batch_output_ - bytes);
    batch_output_ = bytes;
}

void Connection::Continue() noexcept {
    if (closed_) return;
    if (running_) {
        if (running_->IsWaiting() || server_.IsOverBudget()) return;
        RunMessage(std::move(running_), peer_gone_ ? std::chrono::steady_clock::time_point::max()
                                                   : std::chrono::steady_clock::now() + TURN);
        if (closed_ || running_) return;
    }
    /* The lines after the batch (or left for this turn), then reading again. */
    ProcessInput();
    if (closed_) return;
    /* Gone while a request waited: the rest has run, nothing more will come. */
    if (peer_gone_ && !watch_.IsOpen()) {
        if (!HasTurnsLeft()) Close();
        return;
    }
    UpdateWatch();
}

void Connection::FinishTurnsNow() noexcept {
    server_.CancelTurn(*this);
    server_.CancelBatchSlotWait(*this);
    yielded_ = false;
    if (running_) RunMessage(std::move(running_), std::chrono::steady_clock::time_point::max());
    if (closed_) return;
    ProcessInput();
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
