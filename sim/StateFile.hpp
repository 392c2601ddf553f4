// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Reader (and writer) for the files `alsactl store` writes: one or more
 * `state.<card id> { control.N { ... } }` blocks in alsa-lib's configuration syntax.
 * Pure C++, no libasound: the unit tests and the in-VM tests compare dumps with it.
 */

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alsa/Types.hpp"

namespace Sim {

/** A syntax or content error; what() is "origin:line: message". */
class StateFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct StateRange {
    long long min = 0;
    long long max = 0;
    long long step = 0;  // 0 when alsactl wrote no "(step s)"

    bool operator==(const StateRange&) const = default;
};

/**
 * One `control.N` entry. Values are normalised text, one entry per channel:
 * booleans "true"/"false", integers in decimal, enumerated as item labels (an index
 * in the file is turned into its label), bytes and IEC958 as ONE lowercase hex
 * string. Everything under `comment` is what the card reported when it was stored.
 */
struct StateControl {
    unsigned numid = 0;  // the N of control.N
    std::string iface;   // as written: CARD, MIXER, PCM, HWDEP, ...
    std::string name;
    unsigned index = 0;
    std::optional<unsigned> device;
    std::optional<unsigned> subdevice;
    std::vector<std::string> values;

    std::vector<std::string> access;  // words of comment.access, in file order
    std::string type;                 // BOOLEAN, INTEGER, INTEGER64, ENUMERATED, BYTES, IEC958
    unsigned count = 0;
    std::optional<StateRange> range;
    std::vector<std::string> items;   // ENUMERATED
    std::optional<long long> dbmin;   // 1/100 dB
    std::optional<long long> dbmax;   // 1/100 dB
    std::vector<long long> dbvalues;  // comment.dbvalue.N, 1/100 dB
    std::vector<std::uint32_t> tlv;   // comment.tlv, as host-order words

    bool HasAccess(std::string_view word) const;
    /** "MIXER 'Master Playback Volume',0" (plus device/subdevice when set). */
    std::string Describe() const;
};

struct StateBlock {
    std::string id;  // the <card id> of state.<card id>
    std::vector<StateControl> controls;

    /** The control with this identity, or nullptr. */
    const StateControl* Find(std::string_view iface, std::string_view name, unsigned index,
                             std::optional<unsigned> device = std::nullopt,
                             std::optional<unsigned> subdevice = std::nullopt) const;
};

/** The iface an `iface` word names as alsactl writes it ("MIXER", "CARD", ...), if any. */
std::optional<Alsa::Iface> ParseStateIface(std::string_view word);

/** Parses the text of a state file. @p origin names it in error messages. */
std::vector<StateBlock> ParseState(std::string_view text, const std::string& origin = "state");

/** Reads and parses a file. Throws StateFileError (also when it cannot be read). */
std::vector<StateBlock> LoadStateFile(const std::filesystem::path& path);

/** The block with @p id, the only block when @p id is empty and there is one, else throws. */
const StateBlock& SelectBlock(const std::vector<StateBlock>& blocks, std::string_view id);

/** Writes blocks in alsactl's layout and quoting; ParseState() reads it back unchanged. */
std::string FormatState(const std::vector<StateBlock>& blocks);

/** What CompareBlocks() tolerates. */
struct CompareOptions {
    /** Access words ignored on both sides (e.g. "user", which a loader adds). */
    std::vector<std::string> ignore_access;
    /** Skip values of controls whose expected access lacks "write". */
    bool ignore_read_only_values = false;
    /** Controls only in @p actual are fine (e.g. the dummy card's own). */
    bool allow_extra = false;
    bool ignore_dbvalues = false;
    bool ignore_tlv = false;
    /** Compare TLVs only where @p expected has one (alsactl before 1.2.x wrote none). */
    bool ignore_missing_tlv = false;
    /** Skip values (and dB values) entirely, e.g. when they are a user's settings. */
    bool ignore_values = false;
    /** Also report when the controls both have appear in a different order (numids). */
    bool compare_order = false;
};

/**
 * Every difference between two blocks, matched by (iface, name, index, device,
 * subdevice), one human-readable line each; empty when they agree. numids are not
 * compared: they depend on creation order.
 */
std::vector<std::string> CompareBlocks(const StateBlock& expected, const StateBlock& actual,
                                       const CompareOptions& options = {});

}  // namespace Sim
