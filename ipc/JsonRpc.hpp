// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace Ipc {

/**
 * Runs one method call and returns its result. Throws RpcError for protocol errors;
 * any other exception becomes -32603 `internal` (and is logged).
 */
using CallFunction =
    std::function<nlohmann::json(const std::string& method, const nlohmann::json& params)>;

/** Thrown by a CallFunction whose answer comes later: the MessageRun waits
 *  (IsWaiting()) until it is given the answer (Complete()). */
struct AnswerLater {};

struct RpcError;

/**
 * The JSON-RPC 2.0 envelope for one framed line of a control socket: parses it,
 * validates single requests and batches, calls @p call for each valid request (in
 * order) and encodes the reply. Omitted params are passed as an empty object.
 * Pure: no fds, no loop.
 *
 * @p max_reply bounds a batch's reply: once it is reached, the batch's remaining
 * requests are answered limit.exceeded (resource "output") without being run; its
 * notifications still run.
 *
 * @return the reply line without its newline, or std::nullopt when nothing must be
 *         written (a notification, or a batch of notifications only)
 */
std::optional<std::string> ProcessMessage(std::string_view line, const CallFunction& call,
                                          size_t max_reply = SIZE_MAX);

/**
 * ProcessMessage() in steps: a batch runs request by request, so that its caller can
 * give other clients a turn in between (JSON-RPC 2.0 lets the requests of a batch run
 * in any order, interleaved with other work). A single request is one step. Holds the
 * parsed batch and its reply so far: the caller bounds how many exist at once.
 */
class MessageRun {
  public:
    /** Parses @p line; a malformed one is answered at once (IsDone()). */
    MessageRun(std::string_view line, size_t max_reply);

    /** Runs requests until the reply is complete, until @p yield, asked after each
     *  request of a batch but the last, says to stop, or until a request is answered
     *  later (AnswerLater). @return IsDone(). */
    bool Run(const CallFunction& call, const std::function<bool()>& yield);
    bool IsDone() const noexcept { return done_; }
    /** A request threw AnswerLater: Run() does nothing until Complete(). */
    bool IsWaiting() const noexcept { return waiting_.has_value(); }
    /** The waited-for request's result (@p error null) or error (@p result null); a
     *  batch then goes on with the next Run(). Throws only std::bad_alloc. */
    void Complete(const nlohmann::json* result, const RpcError* error);
    /** The reply line without its newline, std::nullopt when nothing must be written.
     *  Once IsDone(). */
    std::optional<std::string> TakeReply() { return std::move(reply_); }
    /** Memory held by the batch's reply built so far: its capacity, which growing by
     *  doubling may make twice its bytes (the output budget counts what is held). */
    size_t GetReplySize() const noexcept { return batch_.capacity(); }

    /** The request answered later: its id, if it has one (a notification's answer is
     *  not sent, but the requests after it still wait for it). */
    struct Pending {
        nlohmann::json id;
        bool has_id;
    };

  private:
    /** The batch's reply is complete. */
    void Finish();

    std::optional<Pending> waiting_;
    nlohmann::json message_;
    size_t next_ = 0;
    std::string batch_;
    std::optional<std::string> reply_;
    size_t max_reply_;
    bool done_ = false;
};

/** True when the first non-blank character of @p line opens an array: a batch. */
bool IsBatchLine(std::string_view line) noexcept;

/** True when @p line holds only JSON whitespace (space, tab, CR, LF): ignored. */
bool IsBlankLine(std::string_view line) noexcept;

}  // namespace Ipc
