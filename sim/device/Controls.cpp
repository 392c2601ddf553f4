// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Controls.hpp"

#include <algorithm>
#include <charconv>

#include "sim/device/ActionWords.hpp"

namespace Sim::DeviceDetail {

namespace {

long long ParseNumber(const std::string& text) {
    long long value = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    std::from_chars(begin, end, value);
    return value;
}

}  // namespace

ControlState InitialState(const StateControl& c) {
    ControlState s;
    s.readable = c.access.empty() || c.HasAccess("read");
    // "locked": another program (fcp-server) owns the element, so clients cannot write it.
    s.writable = c.HasAccess("write") && !c.HasAccess("locked");
    if (IsBytes(c)) {
        std::string hex;
        for (const auto& v : c.values) hex += v;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
            unsigned byte = 0;
            std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
            s.bytes.push_back(static_cast<unsigned char>(byte));
        }
        if (s.bytes.size() < c.count) s.bytes.resize(c.count, 0);
        return s;
    }
    for (const auto& v : c.values) {
        if (c.type == "BOOLEAN") {
            s.values.push_back(v == "true" || v == "on" || v == "1" ? 1 : 0);
        } else if (c.type == "ENUMERATED") {
            const auto it = std::find(c.items.begin(), c.items.end(), v);
            s.values.push_back(it != c.items.end() ? it - c.items.begin() : ParseNumber(v));
        } else {
            s.values.push_back(ParseNumber(v));
        }
    }
    const std::size_t count = std::max<std::size_t>(c.count, 1);
    if (s.values.size() < count) s.values.resize(count, c.range ? c.range->min : 0);
    return s;
}

bool IsBytes(const StateControl& control) {
    return control.type == "BYTES" || control.type == "IEC958";
}

Controls::Controls(StateBlock block) : block_(std::move(block)) {
    state_.reserve(block_.controls.size());
    for (std::size_t i = 0; i < block_.controls.size(); ++i) {
        state_.push_back(InitialState(block_.controls[i]));
        by_name_.emplace(block_.controls[i].name, i);
    }
}

std::optional<std::size_t> Controls::Find(std::string_view name) const {
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
}

std::optional<long long> Controls::ItemIndex(std::size_t index, std::string_view label) const {
    const auto& items = block_.controls[index].items;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (Lower(items[i]) == Lower(label)) {
            return static_cast<long long>(i);
        }
    }
    return std::nullopt;
}

bool Controls::Set(std::size_t index, long long value, EventSink& sink, unsigned mask) {
    auto& values = state_[index].values;
    bool changed = false;
    for (auto& v : values) {
        if (v != value) {
            v = value;
            changed = true;
        }
    }
    if (changed) sink.Add(index, mask);
    return changed;
}

void Controls::Fill(std::size_t index, long long value) {
    std::fill(state_[index].values.begin(), state_[index].values.end(), value);
}

void Controls::Step(std::size_t index, EventSink& sink) {
    const StateControl& c = block_.controls[index];
    const long long n = c.type == "ENUMERATED" ? static_cast<long long>(c.items.size()) : 2;
    Set(index, (Value(index) + 1) % std::max<long long>(n, 1), sink);
}

void Controls::Store(std::size_t index, std::span<const long long> values) {
    std::copy(values.begin(), values.end(), state_[index].values.begin());
}

void Controls::StoreBytes(std::size_t index, std::span<const unsigned char> bytes) {
    std::copy(bytes.begin(), bytes.end(), state_[index].bytes.begin());
}

}  // namespace Sim::DeviceDetail
