// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include "sim/device/DeviceTypes.hpp"

namespace Sim::DeviceDetail {

/*
 * Collects the events of one Write()/Act()/Advance() call: one entry per control,
 * masks OR-ed, in order of first appearance, as a client would receive them.
 */
class EventSink {
  public:
    explicit EventSink(std::vector<DeviceEvent>& out) : out_(out), first_(out.size()) {}

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

}  // namespace Sim::DeviceDetail
