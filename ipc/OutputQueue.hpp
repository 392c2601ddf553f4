// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ipc/SharedText.hpp"

namespace Ipc {

/** One line queued for a connection: a shared head and this connection's own few
 *  bytes after it (a subscription id, the closing braces, the newline). */
struct OutputLine {
    static constexpr size_t TAIL_MAX = 48;

    SharedText head;
    std::array<char, TAIL_MAX> tail;
    uint8_t tail_size = 0;

    OutputLine(SharedText text, std::string_view after) noexcept;
    size_t Size() const noexcept { return head.Size() + tail_size; }
    std::string_view Tail() const noexcept { return {tail.data(), tail_size}; }
};

/**
 * A connection's lines in order, in a ring that keeps its slots: pushing and popping
 * a few lines per change allocates nothing once warm (a deque allocates and frees a
 * block as its ends move). A ring grown past KEEP_SLOTS is released when it empties,
 * so a client that was slow for a while does not keep the memory.
 */
class OutputQueue {
  public:
    bool Empty() const noexcept { return count_ == 0; }
    size_t Count() const noexcept { return count_; }
    OutputLine& At(size_t i) noexcept { return slots_[(first_ + i) % slots_.size()]; }
    OutputLine& Front() noexcept { return slots_[first_]; }
    void Push(OutputLine line);
    void PopFront() noexcept;
    /** Drops every line and the memory of the ring. */
    void Clear() noexcept;

    static constexpr size_t KEEP_SLOTS = 16;

  private:
    std::vector<OutputLine> slots_;
    size_t first_ = 0;
    size_t count_ = 0;
};

}  // namespace Ipc
