// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/AddressSpace.hpp"

#include <regex>

namespace Osc {

namespace {

bool Kept(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/** How many addresses a match makes. */
enum class Spread {
    /** One address for the control. */
    One,
    /** "Line In 1-4 ...": one address per input of the range (groups 1 and 2), each
     *  the whole control. */
    Range,
    /** 1st Gen "Master <p> (...)": a stereo pair (group 1), its channels outputs 2p-1
     *  and 2p. */
    Pair,
};

/**
 * One naming rule: a pattern on the whole name and the address it makes. In the
 * address, {<k>n} is group k as OSC users count ("01" -> "1"), {<k>s} group k as
 * written, {<k>e} group k by EscapeName(), and {n} the number Range or Pair counts.
 * The table is docs/OSC.md's.
 */
struct Rule {
    std::regex pattern;
    std::string_view address;
    Spread spread = Spread::One;
};

const std::vector<Rule>& Rules() {
    static const std::vector<Rule> rules = {
        /* Inputs (Scarlett 2nd-4th Gen, Clarett, Vocaster; then 1st Gen). */
        {std::regex(R"(Line In (\d+) Gain Capture Volume)"), "/input/{1n}/gain"},
        {std::regex(R"(Line In (\d+) Air Capture (?:Switch|Enum))"), "/input/{1n}/air"},
        {std::regex(R"(Line In (\d+) Pad Capture Switch)"), "/input/{1n}/pad"},
        {std::regex(R"(Line In (\d+) Level Capture Enum)"), "/input/{1n}/inst"},
        {std::regex(R"(Line In (\d+) Mute Capture Switch)"), "/input/{1n}/mute"},
        {std::regex(R"(Line In (\d+) Phantom Power Capture Switch)"), "/input/{1n}/phantom"},
        {std::regex(R"(Line In (\d+)-(\d+) Phantom Power Capture Switch)"), "/input/{n}/phantom",
         Spread::Range},
        {std::regex(R"(Input (\d+) Pad Switch)"), "/input/{1n}/pad"},
        {std::regex(R"(Input (\d+) Impedance Switch)"), "/input/{1n}/inst"},
        /* Outputs. */
        {std::regex(R"(Line (\d+)(?: \(.*\))? Playback Volume)"), "/output/{1n}/volume"},
        {std::regex(R"(Line (\d+) Mute Playback Switch)"), "/output/{1n}/mute"},
        {std::regex(R"(Master (\d+) \(.*\) Playback Volume)"), "/output/{n}/volume", Spread::Pair},
        /* Mixes. */
        {std::regex(R"(Mix ([A-Z]) Input (\d+) Playback Volume)"), "/mix/{1s}/input/{2n}"},
        {std::regex(R"(Matrix (\d+) Mix ([A-Z]) Playback Volume)"), "/mix/{2s}/input/{1n}"},
        /* Routing: the destination's name. */
        {std::regex(R"(((?:Analogue|ADAT|S/PDIF) Output \d+) Playback Enum)"), "/route/{1e}"},
        {std::regex(R"(((?:PCM|Mixer Input|DSP Input) \d+) Capture Enum)"), "/route/{1e}"},
        {std::regex(R"((Matrix \d+) Input Playback Route)"), "/route/{1e}"},
        {std::regex(R"((Input Source \d+) Capture Route)"), "/route/{1e}"},
        {std::regex(R"((Master \d+[LR] \(.*\)) Source Playback Enum?)"), "/route/{1e}"},
        /* The monitor section and talkback. */
        {std::regex(R"(Master HW Playback Volume)"), "/monitor/volume"},
        {std::regex(R"(Dim Playback Switch)"), "/monitor/dim"},
        {std::regex(R"((?:Speaker )?Mute Playback Switch)"), "/monitor/mute"},
        {std::regex(R"(Talkback Enable Playback Switch)"), "/talkback/enable"},
        /* 3rd Gen 18i20: Disabled, Off, On. */
        {std::regex(R"(Talkback Playback Enum)"), "/talkback/enable"},
        {std::regex(R"(Talkback Mix ([A-Z]) Playback Switch)"), "/talkback/mix/{1s}"},
    };
    return rules;
}

/** A rule's address for @p match, its placeholders filled (Rule); @p number is {n}. */
std::string Fill(std::string_view address, const std::smatch& match, unsigned number = 0) {
    std::string out;
    for (size_t i = 0; i < address.size(); ++i) {
        if (address[i] != '{') {
            out += address[i];
            continue;
        }
        const size_t close = address.find('}', i);
        const std::string_view field = address.substr(i + 1, close - i - 1);
        i = close;
        if (field == "n") {
            out += std::to_string(number);
            continue;
        }
        const std::string group = match[field[0] - '0'].str();
        if (field[1] == 'n')
            out += std::to_string(std::stoul(group));
        else if (field[1] == 'e')
            out += EscapeName(group);
        else
            out += group;
    }
    return out;
}

}  // namespace

std::string EscapeName(std::string_view name) {
    static const char HEX[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(name.size());
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (Kept(c))
            out += ch;
        else if (c == ' ')
            out += '_';
        else {
            out += '%';
            out += HEX[c >> 4];
            out += HEX[c & 15];
        }
    }
    return out;
}

std::optional<std::string> UnescapeName(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (size_t i = 0; i < part.size(); ++i) {
        const auto c = static_cast<unsigned char>(part[i]);
        if (c == '_') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= part.size()) return std::nullopt;
            const int high = HexDigit(part[i + 1]), low = HexDigit(part[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            const auto byte = static_cast<unsigned char>(high * 16 + low);
            /* Only what the rule escapes: one spelling per name. */
            if (Kept(byte) || byte == ' ') return std::nullopt;
            out += static_cast<char>(byte);
            i += 2;
        } else if (Kept(c)) {
            out += static_cast<char>(c);
        } else {
            return std::nullopt;
        }
    }
    return out;
}

AddressSpace AddressSpace::Build(const std::vector<ControlInfo>& controls,
                                 const std::map<unsigned, unsigned>& indexes) {
    AddressSpace space;
    for (const auto& c : controls) {
        const auto index = indexes.find(c.numid);
        const unsigned alsa_index = index == indexes.end() ? 0 : index->second;
        space.Add("/control/" + EscapeName(c.name) +
                      (alsa_index ? "~" + std::to_string(alsa_index) : std::string()),
                  {c.numid, std::nullopt}, false);
        if (alsa_index) continue;
        for (const auto& rule : Rules()) {
            std::smatch match;
            if (!std::regex_match(c.name, match, rule.pattern)) continue;
            if (rule.spread == Spread::One) {
                space.Add(Fill(rule.address, match), {c.numid, std::nullopt}, true);
            } else if (rule.spread == Spread::Range) {
                const unsigned first = std::stoul(match[1]), last = std::stoul(match[2]);
                for (unsigned n = first; n <= last && n < first + 64; ++n)
                    space.Add(Fill(rule.address, match, n), {c.numid, std::nullopt}, true);
            } else {
                const unsigned pair = std::stoul(match[1]);
                for (unsigned ch = 0; ch < c.count && ch < 2; ++ch)
                    space.Add(Fill(rule.address, match, 2 * pair - 1 + ch), {c.numid, ch}, true);
            }
            break;
        }
    }
    return space;
}

void AddressSpace::Add(std::string path, Target target, bool semantic) {
    /* The first control to claim an address keeps it (two "Mute Playback Switch"es
     * never occur on one card; if they did, the raw forms still tell them apart). */
    if (by_path_.contains(path)) return;
    entries_.push_back({path, target, semantic});
    by_path_.emplace(std::move(path), entries_.size() - 1);
    by_numid_.emplace(target.numid, entries_.size() - 1);
}

const AddressSpace::Entry* AddressSpace::Find(std::string_view path) const {
    const auto it = by_path_.find(path);
    return it == by_path_.end() ? nullptr : &entries_[it->second];
}

std::vector<const AddressSpace::Entry*> AddressSpace::ForControl(unsigned numid) const {
    std::vector<const Entry*> out;
    for (auto [it, end] = by_numid_.equal_range(numid); it != end; ++it)
        out.push_back(&entries_[it->second]);
    return out;
}

}  // namespace Osc
