// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/device/Controls.hpp"
#include "sim/device/DeviceTypes.hpp"
#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

class Signals;

/**
 * The preamp gain: autogain runs (started by a client's switch or the Auto button),
 * the input controls they lock, and the gain knob whose setting they choose.
 */
class Autogain {
  public:
    Autogain(Controls& controls, const Layout& layout, const Signals& signals);

    /** Takes over the runs the initial values show started, and locks the inputs. */
    void ApplyAccess();

    /** While autogain runs, scarlett2 clears WRITE on these; the Auto buttons refuse. */
    bool Locks(std::size_t index) const;
    /** While autogain runs, writes of these are refused though they keep WRITE. */
    bool RefusesWrite(std::size_t index) const;
    /** Throws ActionError when a front-panel press of @p index meets the lock. */
    void RefuseIfLocked(std::size_t index) const;

    /** The side effects of a client's write of a phantom power switch (Gen 4 style). */
    void AfterPhantomWrite(std::size_t index, EventSink& sink);
    /** A client's write of an autogain switch starts (or cancels) a run. */
    void AfterSwitchWrite(std::size_t index, EventSink& sink);

    /** "autogain INPUT [cancel]", "gain INPUT DB"; false for another verb. */
    bool Act(std::string_view verb, std::span<const std::string> words, SimClock::time_point now,
             EventSink& sink);
    void Help(std::vector<std::string>& help) const;

    /** When the next run finishes, nullopt when none runs. */
    std::optional<SimClock::time_point> NextDeadline() const;
    /** Finishes the runs due at @p now. */
    void Advance(SimClock::time_point now, EventSink& sink);

  private:
    struct Run {
        unsigned input = 0;
        /* nullopt: started by a client write, which carries no time; Advance() stamps it. */
        std::optional<SimClock::time_point> deadline;
    };

    bool Running() const { return !runs_.empty(); }
    void ActAutogain(std::span<const std::string> words, SimClock::time_point now, EventSink& sink);
    void ActGain(std::span<const std::string> words, EventSink& sink);
    void Start(unsigned input, std::optional<SimClock::time_point> deadline, EventSink& sink);
    void Finish(std::size_t run, bool cancelled, EventSink& sink);
    std::string_view SettleGain(unsigned input, std::size_t gain, EventSink& sink);
    void Notify(EventSink& sink);

    Controls& controls_;
    const Layout& layout_;
    const Signals& signals_;
    std::vector<std::size_t> locked_;  // WRITE cleared while autogain runs
    std::vector<Run> runs_;
};

}  // namespace Sim::DeviceDetail
