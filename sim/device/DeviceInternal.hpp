// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Helpers shared by the Device*.cpp files; not part of the library's interface. */

#include <string_view>
#include <vector>

#include "sim/device/Device.hpp"

namespace Sim {

/*
 * Collects the events of one Write()/Act()/Advance() call: one entry per control,
 * masks OR-ed, in order of first appearance, as a client would receive them.
 */
class Device::Sink {
  public:
    explicit Sink(std::vector<DeviceEvent>& out) : out_(out), first_(out.size()) {}

    void Add(std::size_t index, unsigned mask) {
        for (std::size_t i = first_; i < out_.size(); ++i) {
            if (out_[i].index == index) {
                out_[i].mask |= mask;
                return;
            }
        }
        out_.push_back({index, mask});
    }
    void Add(std::optional<std::size_t> index, unsigned mask) {
        if (index) Add(*index, mask);
    }

  private:
    std::vector<DeviceEvent>& out_;
    std::size_t first_;
};

namespace DeviceDetail {

/**
 * Matches a control name against a driver's name format: "%d" is a decimal number,
 * "%c" one capital letter, "%s" any text. The numbers (letters as their character
 * code) are appended to @p fields.
 */
bool MatchName(std::string_view name, std::string_view format, std::vector<unsigned>& fields);
bool MatchName(std::string_view name, std::string_view format);

std::string Lower(std::string_view text);

}  // namespace DeviceDetail
}  // namespace Sim
