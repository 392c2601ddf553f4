// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Osc {

/**
 * An ALSA control name as one OSC address part. OSC reserves space, '#', '*', ',',
 * '/', '?', '[', ']', '{' and '}'; the rule keeps names readable and is reversible:
 * ASCII letters, digits, '-' and '.' stay, a space becomes '_', and every other
 * byte (an '_' too) is written %XX in uppercase hex.
 * "Line In 1-2 Phantom Power Capture Switch" -> "Line_In_1-2_Phantom_Power_Capture_Switch",
 * "S/PDIF Output 1 Playback Enum" -> "S%2FPDIF_Output_1_Playback_Enum".
 */
std::string EscapeName(std::string_view name);
/** The name EscapeName() made @p part from; nullopt when @p part is not such a part
 *  (a bad %XX, or a byte the rule would have escaped). */
std::optional<std::string> UnescapeName(std::string_view part);

/** What the address space needs of a control (from controls.list). */
struct ControlInfo {
    unsigned numid = 0;
    std::string name;
    /** boolean, integer, integer64, enumerated, bytes, iec958 */
    std::string type;
    unsigned count = 1;
    /** The control has a dB range: levels are sent and taken in dB. */
    bool has_db = false;
};

/** One control, or one channel of it, behind an address. */
struct Target {
    unsigned numid = 0;
    /** Every channel when unset. */
    std::optional<unsigned> channel;
};

/**
 * The addresses of one device, without the device prefix (`/input/1/gain`,
 * `/control/Line_In_1_Gain_Capture_Volume`), generated from its controls' names by
 * the rules in docs/OSC.md; never a table per model:
 *   /input/<n>/{gain,air,phantom,inst,pad,mute}   "Line In <n> ..." (Gen 1: "Input <n> ...")
 *   /output/<n>/{volume,mute}                     "Line <n> ... Playback Volume", "Line <n> Mute
 * ..." (Gen 1: "Master <p> (...)" pairs, 2 channels) /mix/<A..>/input/<n> "Mix <X> Input <n>
 * Playback Volume" (Gen 1: "Matrix <n> Mix <X> Playback Volume") /route/<destination> routing
 * enums: "<destination> Playback Enum", "PCM <n> Capture Enum", "Mixer Input <n> Capture Enum"
 *   /monitor/{volume,dim,mute}                    "Master HW Playback Volume", "Dim Playback
 * Switch", "Mute Playback Switch" / "Speaker Mute Playback Switch" /talkback/{enable,mix/<X>}
 * "Talkback Enable ...", "Talkback Mix <X> ..." /control/<escaped name>                       every
 * control (index 0; index k > 0 gets "~k") A shared control ("Line In 1-2 Phantom Power") stands
 * behind each input it serves.
 */
class AddressSpace {
  public:
    struct Entry {
        std::string path;
        Target target;
        /** The semantic form (false: the raw /control/ form). */
        bool semantic = false;
    };

    /** @p controls: the device's controls; @p indexes: numid -> ALSA index, where
     *  not 0. */
    static AddressSpace Build(const std::vector<ControlInfo>& controls,
                              const std::map<unsigned, unsigned>& indexes = {});

    const Entry* Find(std::string_view path) const;
    /** Every address that shows control @p numid (its feedback goes to each). */
    std::vector<const Entry*> ForControl(unsigned numid) const;
    const std::vector<Entry>& Entries() const noexcept { return entries_; }

  private:
    void Add(std::string path, Target target, bool semantic);

    std::vector<Entry> entries_;
    std::map<std::string, size_t, std::less<>> by_path_;
    std::multimap<unsigned, size_t> by_numid_;
};

}  // namespace Osc
