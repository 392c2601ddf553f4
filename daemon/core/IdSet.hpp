// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <vector>

namespace Core {

/**
 * A set of control numids kept as a sorted vector: clear() keeps its memory, so the
 * pending sets that every subscription fills and empties once per change allocate
 * nothing once warm (a node per insert for std::set: issue 17). Insertion moves the
 * ids after it, at most one device's controls (under a thousand).
 */
class IdSet {
  public:
    IdSet() = default;
    IdSet(std::initializer_list<unsigned> ids) {
        for (unsigned id : ids) insert(id);
    }

    void insert(unsigned id) {
        const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
        if (it == ids_.end() || *it != id) ids_.insert(it, id);
    }
    /** @return how many were erased (0 or 1), as std::set's. */
    size_t erase(unsigned id) noexcept {
        const auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
        if (it == ids_.end() || *it != id) return 0;
        ids_.erase(it);
        return 1;
    }
    bool contains(unsigned id) const noexcept {
        return std::binary_search(ids_.begin(), ids_.end(), id);
    }
    /** Keeps the memory of up to KEEP ids: what a few changes per flush need, not
     *  what a device's replug marked (which a long-lived subscription would otherwise
     *  hold, wherever in the heap it was made). */
    void clear() noexcept {
        if (ids_.capacity() > KEEP)
            std::vector<unsigned>().swap(ids_);
        else
            ids_.clear();
    }
    static constexpr size_t KEEP = 32;
    bool empty() const noexcept { return ids_.empty(); }
    size_t size() const noexcept { return ids_.size(); }
    auto begin() const noexcept { return ids_.begin(); }
    auto end() const noexcept { return ids_.end(); }
    bool operator==(const IdSet&) const = default;

  private:
    std::vector<unsigned> ids_;
};

}  // namespace Core
