// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/device/Controls.hpp"
#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

/**
 * The signals fed into the device's inputs, and the level meter's view of them: each
 * followed through the preamp, the routing enums and the mixer.
 */
class Signals {
  public:
    Signals(const Controls& controls, const Layout& layout)
        : controls_(controls), layout_(layout) {}

    /** "signal INPUT DBFS|off", "signal spdif|adat|pcm N DBFS|off"; false for another verb. */
    bool Act(std::string_view verb, std::span<const std::string> words);
    /** The routing side effects of a client's write of control @p index. */
    void AfterWrite(std::size_t index, EventSink& sink) const;
    void Help(std::vector<std::string>& help) const;

    /** The level at each channel of the level meter, in dBFS (SILENCE for none). */
    std::vector<float> MeterLevels() const;
    /** The signal fed into analogue input @p input, in dBFS before gain and pad. */
    std::optional<double> Fed(unsigned input) const;

  private:
    void Feed(std::span<const std::string> words);
    double InputGainDb(unsigned input) const;
    double SourceLevel(const Source& source, int depth) const;
    double RouteLevel(std::size_t route, int depth) const;

    const Controls& controls_;
    const Layout& layout_;
    std::map<Source, double> signals_;  // dBFS before input gain and pad
};

}  // namespace Sim::DeviceDetail
