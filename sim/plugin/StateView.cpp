// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/plugin/StateView.hpp"

#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace Sim::Plugin {

namespace {

/* A 32-bit mix of its inputs, for the meters' jitter. */
std::uint32_t Hash(std::uint32_t a, std::uint32_t b) {
    std::uint32_t x = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u + (a << 6) + (a >> 2));
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    return x ^ (x >> 16);
}

}  // namespace

StateView::~StateView() {
    if (state_ != nullptr) ::munmap(const_cast<void*>(state_), size_);
}

int StateView::Map(int fd, std::size_t size, std::size_t control_count) {
    size_ = size;
    void* state = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    if (state == MAP_FAILED) return -errno;
    state_ = state;
    const auto& header = Header();
    if (header.magic != Wire::STATE_MAGIC || header.total_size > size_ ||
        header.control_count != control_count)
        return -EPROTO;
    return 0;
}

bool StateView::Flags(std::size_t key, std::uint32_t& flags) const {
    return Snapshot([&] { flags = Slot(key).flags.load(std::memory_order_relaxed); });
}

int StateView::ReadBytes(std::size_t key, unsigned char* data, std::size_t max) const {
    const auto& slot = Slot(key);
    const Word* words = Words() + slot.first_word;
    std::uint32_t flags = 0;
    const bool ok = Snapshot([&] {
        flags = slot.flags.load(std::memory_order_relaxed);
        for (std::uint32_t b = 0; b < slot.count && b < max; ++b)
            data[b] = static_cast<unsigned char>(words[b / 4].load(std::memory_order_relaxed) >>
                                                 (8 * (b % 4)));
    });
    if (!ok) return -ENODEV;
    return (flags & Wire::SLOT_READABLE) != 0 ? 0 : -EPERM;
}

bool StateView::ReadMeter(const StateControl& control, std::vector<double>& readings) const {
    const double max = control.range ? static_cast<double>(control.range->max) : 4095.0;
    const double min = control.range ? static_cast<double>(control.range->min) : 0.0;
    const std::uint32_t count = std::min<std::uint32_t>(control.count, Header().meter_count);
    std::vector<float> levels(count);
    if (!Snapshot([&] {
            for (std::uint32_t i = 0; i < count; ++i)
                levels[i] = std::bit_cast<float>(Meters()[i].load(std::memory_order_relaxed));
        }))
        return false;
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const double seconds =
        static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
    const auto tick = static_cast<std::uint32_t>(now.tv_sec * 20 + now.tv_nsec / 50000000);
    readings.assign(control.count, min);
    for (std::uint32_t i = 0; i < count; ++i) {
        if (!std::isfinite(levels[i])) continue;
        const double jitter = static_cast<double>(Hash(tick, i) % 1000) / 1000.0 - 0.5;
        const double db = std::min(0.0, levels[i] + 1.5 * std::sin(seconds * 2.1 + i) + jitter);
        readings[i] =
            static_cast<double>(std::lround(std::clamp(max * std::pow(10.0, db / 20.0), min, max)));
    }
    return true;
}

}  // namespace Sim::Plugin
