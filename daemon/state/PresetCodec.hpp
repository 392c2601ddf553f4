// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alsa/Types.hpp"

namespace State {

/**
 * A control's value as alsa-scarlett-gui 1.0 writes it in a preset's [controls]
 * group (docs/dev/alsa-scarlett-gui-files.md §3): booleans `true`/`false`, enumerated
 * by item label, integers in raw driver units joined by `,`, bytes as text up to the
 * first NUL. That program writes one value for a boolean or enumerated control; so do
 * we when the channels agree, and `,`-joined values when they differ (it reads those
 * as its first channel's "off", never as garbage). std::nullopt for types it does not
 * keep (IEC958, 64-bit integers).
 */
std::optional<std::string> EncodePresetValue(const Alsa::ControlInfo& info,
                                             const Alsa::Value& value);

/**
 * The reverse, stricter than that program (which takes anything but `true`/`1` as
 * "off" and writes integers unchecked): a value that does not fit the control is an
 * error, reported by the caller as a skipped control, never written. Accepted:
 * booleans `true`/`false`/`1`/`0`; enumerated by label, or by index within range;
 * integers within [min, max]; one value for every channel, or one per channel.
 * @return the value, or why not (a sentence naming no file content).
 */
std::variant<Alsa::Value, std::string> DecodePresetValue(const Alsa::ControlInfo& info,
                                                         std::string_view text);

/** A preset file: alsa-scarlett-gui's [device] and [controls] groups. */
struct Preset {
    std::optional<std::string> serial;
    std::optional<std::string> model;
    struct Entry {
        std::string name;
        std::string value;
        size_t line = 0;
    };
    /** In file order. */
    std::vector<Entry> controls;
    /** Control names given more than once (the last value counts). */
    std::vector<std::string> duplicates;
};

/** Throws KeyFileError (a file without a [controls] group is not a preset). */
Preset ParsePreset(std::string_view text);
/** As that program writes it: [device] (serial, model when known), then [controls]. */
std::string SerializePreset(const Preset& preset);
/** What SerializePreset writes before the first control: [device] and the [controls]
 *  line. Each control then follows as KeyFile::AppendEntry writes it. */
std::string SerializePresetHead(const std::optional<std::string>& serial,
                                const std::optional<std::string>& model);

}  // namespace State
