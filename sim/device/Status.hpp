// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/device/Controls.hpp"
#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

/** What the device reports of the world around it: clock sync, power, bluetooth volume. */
class Status {
  public:
    Status(Controls& controls, const Layout& layout) : controls_(controls), layout_(layout) {}

    /** "sync locked|unlocked", "power ITEM", "bluetooth VOLUME"; false for another verb. */
    bool Act(std::string_view verb, std::span<const std::string> words, EventSink& sink);
    void Help(std::vector<std::string>& help) const;

  private:
    void Sync(std::span<const std::string> words, EventSink& sink);
    void Power(std::span<const std::string> words, EventSink& sink);
    void Bluetooth(std::span<const std::string> words, EventSink& sink);

    Controls& controls_;
    const Layout& layout_;
};

}  // namespace Sim::DeviceDetail
