// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace Osc {

/** One device of a generated control surface. */
struct LayoutDevice {
    /** Address prefix of this device: "" (the bridge knows one device) or its part as
     *  the bridge's feedback writes it (e.g. "/studio": its nickname, else its id). */
    std::string prefix;
    /** Shown as the tab label, e.g. "Scarlett 18i20 3rd Gen". */
    std::string title;
    /** The "controls" array of controls.list: full forms (protocol-v1.md §3). */
    nlohmann::json controls;
};

/**
 * An Open Stage Control session (the JSON document its "Load session" reads) for
 * these devices; widgets send to and listen on the bridge at @p bridge_host:@p
 * bridge_port. A tab per device holds panels of its semantic addresses (docs/OSC.md):
 * Inputs, Outputs, Monitor, one per mix, Routing, Talkback (and Other, for a family
 * this generator does not know yet). Switches are toggle buttons sending i 0/1,
 * levels with a dB range faders over that range sending f, other integers faders
 * sending i, choices dropdowns sending the item's index (i). The root's onCreate
 * script sends /subscribe at once and every 5 s (feedback lasts 10 s after each)
 * and queries every address, a few at a time, so the surface starts from the
 * device's values. Controls without an OSC form (bytes, IEC958) get no widget.
 *
 * The format is Open Stage Control 1.x's, written as version 1.25.6 (see Layout.cpp
 * for where it was checked). Throws nlohmann::json::exception when a control lacks
 * numid, name or type.
 */
nlohmann::json OpenStageControlSession(const std::vector<LayoutDevice>& devices,
                                       const std::string& bridge_host, unsigned bridge_port);

}  // namespace Osc
