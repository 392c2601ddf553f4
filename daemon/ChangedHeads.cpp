// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/ChangedHeads.hpp"

#include <algorithm>
#include <functional>

namespace {

size_t Hash(std::string_view key) noexcept {
    return std::hash<std::string_view>{}(key);
}

}  // namespace

const Ipc::SharedText* ChangedHeads::Find(std::string_view key) const noexcept {
    if (used_ == 0) return nullptr;
    const size_t hash = Hash(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask; slots_[i] != 0; i = (i + 1) & mask) {
        const Entry& e = entries_[slots_[i] - 1];
        if (e.hash == hash && e.key == key) return &e.head;
    }
    return nullptr;
}

const Ipc::SharedText& ChangedHeads::Insert(std::string_view key, Ipc::SharedText head) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    if (used_ == entries_.size()) entries_.emplace_back();
    Entry& e = entries_[used_];
    e.key.assign(key);
    e.hash = Hash(key);
    e.head = std::move(head);
    const size_t mask = slots_.size() - 1;
    size_t i = e.hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(++used_);
    return e.head;
}

void ChangedHeads::Clear() noexcept {
    if (used_ == 0) return;
    for (size_t i = 0; i < used_; ++i) entries_[i].head = Ipc::SharedText();
    used_ = 0;
    std::fill(slots_.begin(), slots_.end(), 0);
}

void ChangedHeads::Grow() {
    std::vector<uint32_t> slots(std::max<size_t>(16, slots_.size() * 2), 0);
    const size_t mask = slots.size() - 1;
    for (size_t n = 0; n < used_; ++n) {
        size_t i = entries_[n].hash & mask;
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = static_cast<uint32_t>(n + 1);
    }
    slots_ = std::move(slots);
}
