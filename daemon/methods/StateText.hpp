// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/core/StateCache.hpp"

namespace Methods {

/**
 * A device's last state in the preset format, State::SerializePreset(CurrentState()),
 * kept up to date one control at a time. The last state is written every 2 s while
 * values change; encoding every control each time cost about 8,000 instructions per
 * control (443 controls: ~3.7M a record while a knob turns), where a change touches
 * one line. Loop thread only.
 */
class StateText {
  public:
    /** Everything is encoded again at the next Text(): the device came back, or a
     *  control was added, removed or changed its access (which decides what a preset
     *  keeps). */
    void Reset() noexcept;
    /** @p numid's value changed; ignored unless it is one of the lines. */
    void Changed(unsigned numid);
    /** The text for @p device as it is now; only the changed lines are encoded again. */
    std::string Text(const Core::Device& device);

  private:
    /** One kept control's `name=value` line, where it is in the text. */
    struct Line {
        unsigned numid;
        bool changed = false;
        size_t offset = 0;
        size_t size = 0;
    };

    void Build(const Core::Device& device);
    /** Encodes @p control's line into scratch_; false for a type presets do not keep. */
    bool Encode(const Alsa::Control& control);

    bool built_ = false;
    /* The whole text; a changed line is written over its old one in place (the lines
     * after it move when its length changed), so a record costs what changed. */
    std::string text_;
    std::string scratch_;
    std::vector<Line> lines_;
    /* numid -> position in lines_ */
    std::unordered_map<unsigned, size_t> at_;
    /* Positions of changed lines, each once. */
    std::vector<size_t> changed_;
};

}  // namespace Methods
