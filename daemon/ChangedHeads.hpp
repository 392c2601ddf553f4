// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/SharedText.hpp"

/**
 * The controls.changed heads encoded during one flush, by a key naming the device and
 * the pending controls: subscribers with the same pending set share one. An open
 * addressing table over entries that are emptied, not freed, between flushes: after
 * warm-up a flush allocates nothing here (issue 17), and a lookup is one hash and
 * one comparison however many distinct sets a thousand subscribers have.
 * Loop thread only.
 */
class ChangedHeads {
  public:
    /** The head kept under @p key, or nullptr. */
    const Ipc::SharedText* Find(std::string_view key) const noexcept;
    /** Keeps @p head under @p key (not there yet). */
    const Ipc::SharedText& Insert(std::string_view key, Ipc::SharedText head);
    /** Forgets every head (their texts go back to the pool); keeps the memory. */
    void Clear() noexcept;
    size_t Size() const noexcept { return used_; }

  private:
    struct Entry {
        size_t hash = 0;
        std::string key;
        Ipc::SharedText head;
    };
    void Grow();

    std::vector<Entry> entries_;
    size_t used_ = 0;
    /* Entry index + 1, 0 for free; a power of two, at most half full. */
    std::vector<uint32_t> slots_;
};
