// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/OutputQueue.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <utility>

namespace Ipc {

OutputLine::OutputLine(SharedText text, std::string_view after) noexcept
    : head(std::move(text)), tail_size(static_cast<uint8_t>(after.size())) {
    assert(after.size() <= TAIL_MAX);
    std::memcpy(tail.data(), after.data(), after.size());
}

void OutputQueue::Push(OutputLine line) {
    if (count_ == slots_.size()) {
        /* Unwound in order into a ring twice the size; a failed allocation leaves this
         * one as it was. */
        std::vector<OutputLine> grown;
        grown.reserve(std::max<size_t>(8, slots_.size() * 2));
        for (size_t i = 0; i < count_; ++i) grown.push_back(std::move(At(i)));
        while (grown.size() < grown.capacity()) grown.emplace_back(SharedText(), "");
        slots_ = std::move(grown);
        first_ = 0;
    }
    slots_[(first_ + count_) % slots_.size()] = std::move(line);
    ++count_;
}

void OutputQueue::PopFront() noexcept {
    assert(count_ > 0);
    slots_[first_].head = SharedText();
    first_ = (first_ + 1) % slots_.size();
    if (--count_ == 0) {
        first_ = 0;
        if (slots_.size() > KEEP_SLOTS) std::vector<OutputLine>().swap(slots_);
    }
}

void OutputQueue::Clear() noexcept {
    std::vector<OutputLine>().swap(slots_);
    first_ = 0;
    count_ = 0;
}

}  // namespace Ipc
