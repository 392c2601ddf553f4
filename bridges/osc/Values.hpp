// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bridges/osc/AddressSpace.hpp"

namespace Osc {

/** One OSC argument, as the bridge reads or writes it (type tag and value). */
struct Arg {
    /** 'i' int32, 'f' float32, 's' string, 'T' true, 'F' false; others are refused. */
    char type = 'N';
    int32_t i = 0;
    float f = 0;
    std::string s;

    static Arg Int(int32_t v) { return {'i', v, 0, {}}; }
    static Arg Float(float v) { return {'f', 0, v, {}}; }
    static Arg String(std::string v) { return {'s', 0, 0, std::move(v)}; }
    static Arg Bool(bool v) { return {v ? 'T' : 'F', 0, 0, {}}; }
    bool operator==(const Arg&) const = default;
};

/**
 * What the value rules need of a control: its full form from controls.list
 * (type, count, items, db) and its latest values (from the list and every
 * controls.changed after it).
 */
struct ControlView {
    explicit ControlView(const nlohmann::json& full);
    /** A controls.changed entry: its value and db_value. */
    void Update(const nlohmann::json& changed);
    bool IsInteger() const noexcept { return type == "integer" || type == "integer64"; }

    unsigned numid = 0;
    std::string type;
    unsigned count = 1;
    std::vector<std::string> items;
    std::optional<double> db_min;
    nlohmann::json value = nlohmann::json::array();
    nlohmann::json db_value;
};

/** What the address space needs of a control, from its full form (controls.list). */
ControlInfo InfoFor(const nlohmann::json& full);

/** A device's addresses from its controls' full forms (controls.list): InfoFor() of
 *  each, with its ALSA index where not 0; a control it cannot read (a newer
 *  protocol's form) gets no address. */
AddressSpace SpaceFor(const nlohmann::json& controls);

/**
 * The change a message's arguments make (the `change` object of controls.set,
 * without its control), for the whole control or one @p channel of it:
 *   boolean     i (0 off, else on), f (0 off, else on), T, F
 *   enumerated  i (the index, from 0) or s (the label)
 *   integer     f: dB when the control has a dB range, else the raw value rounded;
 *               i: the raw value
 * Throws std::invalid_argument with what is wrong (the bridge answers on /error).
 */
nlohmann::json ChangeFor(const ControlView& control, std::optional<unsigned> channel,
                         const std::vector<Arg>& args);

/**
 * The arguments that show the value (a query's reply, feedback): a boolean as i
 * 0/1, an enum as i and s (index and label), a level with a dB range as f (dB; at
 * its muted bottom, the range's minimum), other integers as i; a whole control of
 * several channels gives one argument (or pair) per channel.
 */
std::vector<Arg> ArgsFor(const ControlView& control, std::optional<unsigned> channel);

}  // namespace Osc
