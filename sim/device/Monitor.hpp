// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/device/Controls.hpp"
#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

/**
 * The monitor section: the monitor and headphone knobs, the Dim and Mute buttons,
 * HW/SW volume switching of the line outputs, speaker switching and talkback.
 */
class Monitor {
  public:
    Monitor(Controls& controls, const Layout& layout) : controls_(controls), layout_(layout) {}

    /** Makes the line outputs' writability agree with the initial values. */
    void ApplyAccess();
    /** The side effects of a client's write of control @p index. */
    void AfterWrite(std::size_t index, long long old_value, EventSink& sink);
    /** "knob PERCENT", "headphones PERCENT"; false for another verb. */
    bool Act(std::string_view verb, std::span<const std::string> words, EventSink& sink);
    /** "press dim|mute|talkback|speaker"; false for another button. */
    bool Press(std::string_view button, std::span<const std::string> words, EventSink& sink);
    void Help(std::vector<std::string>& help) const;

  private:
    bool IsHw(const Line& line) const;
    void Knob(std::size_t target, std::span<const std::string> words, EventSink& sink);
    void SetHwMode(const Line& line, bool hw, EventSink& sink);
    void AfterMuteChange(EventSink& sink);
    void AfterSpeakerChange(long long old_value, EventSink& sink);
    void MonitorOtherRefresh(EventSink& sink);
    void HwLineMuteEvents(EventSink& sink) const;

    Controls& controls_;
    const Layout& layout_;
};

}  // namespace Sim::DeviceDetail
