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

/** A number as written in a name ("01"), as OSC users count (1). */
std::string Number(const std::string& digits) {
    return std::to_string(std::stoul(digits));
}

/** One naming rule: a pattern on the whole name and what it makes of the match. */
struct Rule {
    std::regex pattern;
    /** The semantic addresses of a match, with the channel each shows. */
    std::vector<std::pair<std::string, std::optional<unsigned>>> (*paths)(const std::smatch&,
                                                                          const ControlInfo&);
};

using Paths = std::vector<std::pair<std::string, std::optional<unsigned>>>;

Paths One(std::string path) {
    return {{std::move(path), std::nullopt}};
}

const std::vector<Rule>& Rules() {
    static const std::vector<Rule> rules = [] {
        std::vector<Rule> r;
        const auto input = [&](const char* pattern,
                               Paths (*paths)(const std::smatch&, const ControlInfo&)) {
            r.push_back({std::regex(pattern), paths});
        };
        /* Inputs (Scarlett 2nd-4th Gen, Clarett, Vocaster; then 1st Gen). */
        input(R"(Line In (\d+) Gain Capture Volume)", [](const std::smatch& m, const ControlInfo&) {
            return One("/input/" + Number(m[1]) + "/gain");
        });
        input(R"(Line In (\d+) Air Capture (Switch|Enum))",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/input/" + Number(m[1]) + "/air");
              });
        input(R"(Line In (\d+) Pad Capture Switch)", [](const std::smatch& m, const ControlInfo&) {
            return One("/input/" + Number(m[1]) + "/pad");
        });
        input(R"(Line In (\d+) Level Capture Enum)", [](const std::smatch& m, const ControlInfo&) {
            return One("/input/" + Number(m[1]) + "/inst");
        });
        input(R"(Line In (\d+) Mute Capture Switch)", [](const std::smatch& m, const ControlInfo&) {
            return One("/input/" + Number(m[1]) + "/mute");
        });
        input(R"(Line In (\d+) Phantom Power Capture Switch)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/input/" + Number(m[1]) + "/phantom");
              });
        /* One switch for a group of inputs: behind each of them. */
        input(R"(Line In (\d+)-(\d+) Phantom Power Capture Switch)",
              [](const std::smatch& m, const ControlInfo&) {
                  Paths paths;
                  const unsigned first = std::stoul(m[1]), last = std::stoul(m[2]);
                  for (unsigned n = first; n <= last && n < first + 64; ++n)
                      paths.emplace_back("/input/" + std::to_string(n) + "/phantom", std::nullopt);
                  return paths;
              });
        input(R"(Input (\d+) Pad Switch)", [](const std::smatch& m, const ControlInfo&) {
            return One("/input/" + Number(m[1]) + "/pad");
        });
        input(R"(Input (\d+) Impedance Switch)", [](const std::smatch& m, const ControlInfo&) {
            return One("/input/" + Number(m[1]) + "/inst");
        });
        /* Outputs. */
        input(R"(Line (\d+)( \(.*\))? Playback Volume)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/output/" + Number(m[1]) + "/volume");
              });
        input(R"(Line (\d+) Mute Playback Switch)", [](const std::smatch& m, const ControlInfo&) {
            return One("/output/" + Number(m[1]) + "/mute");
        });
        /* 1st Gen: a stereo pair per control, its channels the pair's outputs. */
        input(R"(Master (\d+) \(.*\) Playback Volume)", [](const std::smatch& m,
                                                           const ControlInfo& c) {
            Paths paths;
            const unsigned pair = std::stoul(m[1]);
            for (unsigned ch = 0; ch < c.count && ch < 2; ++ch)
                paths.emplace_back("/output/" + std::to_string(2 * pair - 1 + ch) + "/volume", ch);
            return paths;
        });
        /* Mixes. */
        input(R"(Mix ([A-Z]) Input (\d+) Playback Volume)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/mix/" + m[1].str() + "/input/" + Number(m[2]));
              });
        input(R"(Matrix (\d+) Mix ([A-Z]) Playback Volume)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/mix/" + m[2].str() + "/input/" + Number(m[1]));
              });
        /* Routing: the destination's name. */
        input(R"(((?:Analogue|ADAT|S/PDIF) Output \d+) Playback Enum)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/route/" + EscapeName(m[1].str()));
              });
        input(R"(((?:PCM|Mixer Input|DSP Input) \d+) Capture Enum)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/route/" + EscapeName(m[1].str()));
              });
        input(R"((Matrix \d+) Input Playback Route)", [](const std::smatch& m, const ControlInfo&) {
            return One("/route/" + EscapeName(m[1].str()));
        });
        input(R"((Input Source \d+) Capture Route)", [](const std::smatch& m, const ControlInfo&) {
            return One("/route/" + EscapeName(m[1].str()));
        });
        input(R"((Master \d+[LR] \(.*\)) Source Playback Enum?)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/route/" + EscapeName(m[1].str()));
              });
        /* The monitor section and talkback. */
        input(R"(Master HW Playback Volume)",
              [](const std::smatch&, const ControlInfo&) { return One("/monitor/volume"); });
        input(R"(Dim Playback Switch)",
              [](const std::smatch&, const ControlInfo&) { return One("/monitor/dim"); });
        input(R"((Speaker )?Mute Playback Switch)",
              [](const std::smatch&, const ControlInfo&) { return One("/monitor/mute"); });
        input(R"(Talkback Enable Playback Switch)",
              [](const std::smatch&, const ControlInfo&) { return One("/talkback/enable"); });
        input(R"(Talkback Mix ([A-Z]) Playback Switch)",
              [](const std::smatch& m, const ControlInfo&) {
                  return One("/talkback/mix/" + m[1].str());
              });
        return r;
    }();
    return rules;
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
            for (auto& [path, channel] : rule.paths(match, c))
                space.Add(path, {c.numid, channel}, true);
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
