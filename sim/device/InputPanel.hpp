// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/device/Controls.hpp"
#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

class Autogain;

/**
 * The front-panel buttons of the inputs (48V, Air, Inst, Pad, Safe, input mute) and
 * the Select and Direct Monitor buttons, which autogain's lock may refuse.
 */
class InputPanel {
  public:
    InputPanel(Controls& controls, const Layout& layout, const Autogain& autogain)
        : controls_(controls), layout_(layout), autogain_(autogain) {}

    /** "press select|direct", "press phantom|air|inst|pad|safe|mute INPUT"; false otherwise. */
    bool Press(std::string_view button, std::span<const std::string> words, EventSink& sink);
    void Help(std::vector<std::string>& help) const;

    /** The events of a device-side change of the inputs' @p kind ("air", "gain", ...). */
    static void GroupEvents(const Layout& layout, std::string_view kind, EventSink& sink);

  private:
    Controls& controls_;
    const Layout& layout_;
    const Autogain& autogain_;
};

}  // namespace Sim::DeviceDetail
