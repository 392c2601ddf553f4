// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/server/SharedState.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <limits>
#include <new>
#include <system_error>

namespace Sim {

namespace {

std::uint32_t AlignUp(std::uint32_t value) {
    return (value + 7u) & ~7u;
}

}  // namespace

SharedState::SharedState(const Device& device) {
    const auto& controls = device.Definition().controls;
    const auto meter_index = device.MeterIndex();
    const std::uint32_t meter_count =
        meter_index ? controls.at(*meter_index).count : static_cast<std::uint32_t>(0);
    std::uint32_t words = 0;
    for (const auto& control : controls) words += Wire::WordsFor(control.type, control.count);

    const auto slots_offset = AlignUp(sizeof(Wire::StateHeader));
    const auto words_offset = AlignUp(
        slots_offset + static_cast<std::uint32_t>(controls.size() * sizeof(Wire::ControlSlot)));
    const auto meters_offset = AlignUp(words_offset + words * 4);
    size_ = AlignUp(meters_offset + meter_count * 4);

    fd_.Reset(::memfd_create("scarlett-sim-state", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd_) throw std::system_error(errno, std::generic_category(), "memfd_create");
    if (::ftruncate(fd_.Get(), size_) != 0)
        throw std::system_error(errno, std::generic_category(), "ftruncate");
    /* Clients must not be able to shrink it under the server's (or each other's) feet. */
    (void)::fcntl(fd_.Get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
    map_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.Get(), 0);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw std::system_error(errno, std::generic_category(), "mmap");
    }

    auto* header = new (map_) Wire::StateHeader{};
    header->magic = Wire::STATE_MAGIC;
    header->version = Wire::VERSION;
    header->control_count = static_cast<std::uint32_t>(controls.size());
    header->meter_count = meter_count;
    header->slots_offset = slots_offset;
    header->words_offset = words_offset;
    header->meters_offset = meters_offset;
    header->total_size = size_;
    std::uint32_t first = 0;
    for (std::size_t i = 0; i < controls.size(); ++i) {
        auto* slot = new (Slots() + i) Wire::ControlSlot{};
        slot->type_words = Wire::WordsFor(controls[i].type, controls[i].count);
        slot->first_word = first;
        slot->count = controls[i].count;
        first += slot->type_words;
    }
    UpdateAll(device);
}

SharedState::~SharedState() {
    if (map_ != nullptr) ::munmap(map_, size_);
}

Wire::ControlSlot* SharedState::Slots() noexcept {
    return reinterpret_cast<Wire::ControlSlot*>(static_cast<char*>(map_) + Header().slots_offset);
}

std::atomic<std::uint32_t>* SharedState::Words() noexcept {
    return reinterpret_cast<std::atomic<std::uint32_t>*>(static_cast<char*>(map_) +
                                                         Header().words_offset);
}

std::atomic<std::uint32_t>* SharedState::Meters() noexcept {
    return reinterpret_cast<std::atomic<std::uint32_t>*>(static_cast<char*>(map_) +
                                                         Header().meters_offset);
}

void SharedState::BeginWrite() noexcept {
    auto& sequence = Header().sequence;
    sequence.store(sequence.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
}

void SharedState::EndWrite() noexcept {
    auto& sequence = Header().sequence;
    sequence.store(sequence.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

void SharedState::StoreControl(const Device& device, std::size_t index) noexcept {
    if (index >= Header().control_count) return;
    const auto& control = device.Definition().controls[index];
    const auto& state = device.State(index);
    auto& slot = Slots()[index];
    slot.flags.store(
        (state.readable ? Wire::SLOT_READABLE : 0u) | (state.writable ? Wire::SLOT_WRITABLE : 0u),
        std::memory_order_relaxed);
    auto* words = Words() + slot.first_word;
    if (control.type == "BYTES" || control.type == "IEC958") {
        for (std::uint32_t w = 0; w < slot.type_words; ++w) {
            std::uint32_t word = 0;
            for (std::uint32_t b = 0; b < 4; ++b) {
                const std::size_t at = w * 4 + b;
                if (at < state.bytes.size())
                    word |= static_cast<std::uint32_t>(state.bytes[at]) << (8 * b);
            }
            words[w].store(word, std::memory_order_relaxed);
        }
    } else if (control.type == "INTEGER64") {
        for (std::uint32_t v = 0; v < slot.count; ++v) {
            const auto value =
                v < state.values.size() ? static_cast<std::uint64_t>(state.values[v]) : 0;
            words[2 * v].store(static_cast<std::uint32_t>(value), std::memory_order_relaxed);
            words[2 * v + 1].store(static_cast<std::uint32_t>(value >> 32),
                                   std::memory_order_relaxed);
        }
    } else {
        for (std::uint32_t v = 0; v < slot.type_words; ++v) {
            const auto value = v < state.values.size() ? state.values[v] : 0;
            words[v].store(static_cast<std::uint32_t>(static_cast<std::int32_t>(value)),
                           std::memory_order_relaxed);
        }
    }
}

void SharedState::StoreMeters(const Device& device) noexcept {
    const auto count = Header().meter_count;
    if (count == 0) return;
    const auto levels = device.MeterLevels();
    auto* meters = Meters();
    for (std::uint32_t i = 0; i < count; ++i) {
        const float level = i < levels.size() ? levels[i] : -std::numeric_limits<float>::infinity();
        meters[i].store(std::bit_cast<std::uint32_t>(level), std::memory_order_relaxed);
    }
}

void SharedState::Update(const Device& device, std::span<const DeviceEvent> changed) noexcept {
    BeginWrite();
    for (const auto& event : changed) StoreControl(device, event.index);
    StoreMeters(device);
    EndWrite();
}

void SharedState::UpdateAll(const Device& device) noexcept {
    BeginWrite();
    for (std::size_t i = 0; i < Header().control_count; ++i) StoreControl(device, i);
    StoreMeters(device);
    EndWrite();
}

void SharedState::MarkUnplugged() noexcept {
    Header().unplugged.store(1, std::memory_order_release);
}

}  // namespace Sim
