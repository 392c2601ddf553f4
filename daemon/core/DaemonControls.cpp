// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/core/DaemonControls.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>

namespace Core {

namespace {

enum class Category { Off, Hw, Pcm, Mix, Dsp };
enum class HwType { Analogue, Spdif, Adat };

const char* HwTypeName(HwType type) {
    switch (type) {
        case HwType::Spdif:
            return "S/PDIF";
        case HwType::Adat:
            return "ADAT";
        case HwType::Analogue:
            break;
    }
    return "Analogue";
}

/** A routing port as alsa-scarlett-gui sees it: what kind, and its channel number. */
struct Port {
    Category category = Category::Off;
    HwType hw = HwType::Analogue;
    int lr = 0;
    bool left = false;
};

bool StartsWith(const std::string& s, std::string_view prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool Contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

/** The first decimal number in @p s, -1 when there is none (that program's rule). */
int FirstNumber(const std::string& s) {
    const auto digit =
        std::find_if(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
    if (digit == s.end()) return -1;
    return std::atoi(&*digit);
}

/** "Master 1L (Monitor) Source…" is channel 1, "Master 1R …" channel 2 (1st Gen). */
int SinkNumber(const std::string& name) {
    if (StartsWith(name, "Master Playback") || StartsWith(name, "Master HW Playback")) return 0;
    if (StartsWith(name, "Master")) {
        char* end = nullptr;
        const long n = std::strtol(name.c_str() + 6, &end, 10);
        if (end == name.c_str() + 6 || *end == '\0') return -1;
        return static_cast<int>(n * 2 - ((*end == 'L' || *end == ' ') ? 1 : 0));
    }
    return FirstNumber(name);
}

bool IsRoutingSink(const std::string& name) {
    if (Contains(name, "Capture Route") || Contains(name, "Input Playback Route") ||
        (StartsWith(name, "Master ") && Contains(name, "Source Playback Enu")))
        return true;
    if (Contains(name, "Capture Enum") &&
        (StartsWith(name, "PCM ") || StartsWith(name, "Mixer ") || StartsWith(name, "DSP ")))
        return true;
    return Contains(name, "Playback Enum") &&
           (StartsWith(name, "Analogue ") || StartsWith(name, "S/PDIF ") ||
            StartsWith(name, "ADAT "));
}

/** The kinds of controls that program keeps at all (its alsa_get_elem). */
bool IsListed(const Alsa::ControlInfo& info) {
    using T = Alsa::ElemType;
    return (info.type == T::Boolean || info.type == T::Enumerated || info.type == T::Integer ||
            info.type == T::Bytes) &&
           !Contains(info.id.name, "Validity") && !Contains(info.id.name, "Channel Map");
}

Port SourcePort(const std::string& item) {
    Port p;
    if (item == "Off") return p;
    if (StartsWith(item, "Mix")) {
        p.category = Category::Mix;
        p.lr = item.size() > 4 ? item[4] - 'A' + 1 : 0;
    } else {
        if (StartsWith(item, "DSP"))
            p.category = Category::Dsp;
        else if (StartsWith(item, "PCM"))
            p.category = Category::Pcm;
        else {
            p.category = Category::Hw;
            if (StartsWith(item, "S/PDIF") || StartsWith(item, "SPDIF"))
                p.hw = HwType::Spdif;
            else if (StartsWith(item, "ADAT"))
                p.hw = HwType::Adat;
        }
        p.lr = FirstNumber(item);
    }
    p.left = p.lr % 2 == 1;
    return p;
}

/** The port a routing sink control feeds, before its side is known. */
Port SinkPort(const std::string& name) {
    Port p;
    if (StartsWith(name, "Mixer") || StartsWith(name, "Matrix"))
        p.category = Category::Mix;
    else if (StartsWith(name, "DSP"))
        p.category = Category::Dsp;
    else if (StartsWith(name, "PCM") || StartsWith(name, "Input Source"))
        p.category = Category::Pcm;
    else if (Contains(name, "Playback Enu")) {
        p.category = Category::Hw;
        if (StartsWith(name, "S/PDIF") || Contains(name, "SPDIF"))
            p.hw = HwType::Spdif;
        else if (!StartsWith(name, "Analog") && Contains(name, "ADAT"))
            p.hw = HwType::Adat;
    }
    p.lr = SinkNumber(name);
    return p;
}

bool SameKind(const Port& a, const Port& b) {
    return a.category == b.category && (a.category != Category::Hw || a.hw == b.hw);
}

/** "Analogue In", "PCM Out", …: signal flows out of a source, into a sink, so the
 *  direction word of a hardware port is the other way round from the rest. */
std::string Prefix(const Port& p, bool sink) {
    const char* direction = (p.category == Category::Hw) != sink ? "In" : "Out";
    switch (p.category) {
        case Category::Hw:
            return std::string(HwTypeName(p.hw)) + " " + direction;
        case Category::Pcm:
            return std::string("PCM ") + direction;
        case Category::Mix:
            return std::string("Mixer ") + direction;
        case Category::Dsp:
            return std::string("DSP ") + direction;
        case Category::Off:
            break;
    }
    return {};
}

std::string PortName(const Port& p, bool sink) {
    return Prefix(p, sink) + " " + std::to_string(p.lr);
}

std::string PairName(const Port& left, bool sink) {
    return Prefix(left, sink) + " " + std::to_string(left.lr) + "-" + std::to_string(left.lr + 1);
}

/** The partner of ports[i] (same kind, next or previous channel), as that program
 *  pairs them: the first port of the kind with that channel; for sinks, it must be
 *  on the other side. */
std::optional<size_t> Partner(const std::vector<Port>& ports, size_t i, bool sink) {
    const Port& p = ports[i];
    const int want = p.left ? p.lr + 1 : p.lr - 1;
    for (size_t j = 0; j < ports.size(); ++j) {
        if (j == i || !SameKind(ports[j], p) || ports[j].lr != want) continue;
        if (sink && ports[j].left == p.left) return std::nullopt;
        return j;
    }
    return std::nullopt;
}

const Alsa::Control* FindKernel(const std::map<unsigned, Alsa::Control>& card,
                                const std::string& name) {
    for (const auto& [numid, c] : card)
        if (c.info.id.name == name && !IsDaemonControl(c.info)) return &c;
    return nullptr;
}

/** The sources: the items of the first capture routing control, as that program
 *  takes them. Empty when the card has no routing. */
std::vector<Port> Sources(const std::map<unsigned, Alsa::Control>& card) {
    const Alsa::Control* capture = nullptr;
    for (const char* name :
         {"PCM 01 Capture Enum", "PCM 1 Capture Enum", "Input Source 01 Capture Route"})
        if (!capture) capture = FindKernel(card, name);
    std::vector<Port> sources;
    if (capture)
        for (const auto& item : capture->info.items) sources.push_back(SourcePort(item));
    return sources;
}

/** The sinks: the routing controls, in numid order. */
std::vector<Port> Sinks(const std::map<unsigned, Alsa::Control>& card,
                        const std::vector<Port>& sources) {
    std::vector<Port> sinks;
    for (const auto& [numid, c] : card) {
        if (IsDaemonControl(c.info) || !IsListed(c.info) || !IsRoutingSink(c.info.id.name))
            continue;
        Port p = SinkPort(c.info.id.name);
        if (p.category == Category::Off || p.lr <= 0) continue;
        p.left = p.lr % 2 == 1;
        /* Fixed mixer inputs take their side from the source they carry. */
        const bool writable = c.info.access.write && !c.info.access.locked;
        if (p.category == Category::Mix && !writable && !c.value.numbers.empty()) {
            const int64_t src = c.value.numbers[0];
            if (src > 0 && static_cast<size_t>(src) < sources.size())
                p.left = sources[static_cast<size_t>(src)].lr % 2 == 1;
        }
        sinks.push_back(p);
    }
    return sinks;
}

}  // namespace

Alsa::Value DefaultDaemonValue(const Alsa::ControlInfo& info) {
    Alsa::Value value;
    /* A Switch shows its port until told otherwise; a Link starts unlinked, so that a
     * client of protocol 1.0 sees no write it did not ask for. */
    if (info.type == Alsa::ElemType::Boolean)
        value.numbers = {info.id.name.ends_with(" Switch") ? 1 : 0};
    return value;
}

std::string CheckText(const std::string& text) {
    if (text.size() > MAX_TEXT_BYTES)
        return "is " + std::to_string(text.size()) + " bytes, at most " +
               std::to_string(MAX_TEXT_BYTES) + " are allowed";
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0) return "holds a NUL byte";
        size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xe  ? 3
                     : (c >> 3) == 0x1e ? 4
                                        : 0;
        if (len == 0 || i + len > text.size()) return "is not valid UTF-8";
        uint32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xc0) != 0x80) return "is not valid UTF-8";
            cp = cp << 6 | (cc & 0x3f);
        }
        /* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8 either. */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return "is not valid UTF-8";
        i += len;
    }
    return {};
}

std::vector<std::string> MeterLabels(const std::map<unsigned, Alsa::Control>& card,
                                     size_t channels) {
    const std::vector<Port> sources = Sources(card);
    if (sources.empty()) return {};
    const std::vector<Port> sinks = Sinks(card, sources);
    std::vector<std::string> labels;
    for (const Category category : {Category::Hw, Category::Mix, Category::Dsp, Category::Pcm})
        for (const auto& p : sinks)
            if (p.category == category) labels.push_back(PortName(p, true));
    if (labels.size() != channels) return {};
    return labels;
}

std::vector<Alsa::Control> DeriveDaemonControls(const std::map<unsigned, Alsa::Control>& card,
                                                const std::map<std::string, Alsa::Value>& values) {
    std::vector<Alsa::Control> out;
    std::set<std::string> names;
    for (const auto& [numid, c] : card) names.insert(c.info.id.name);
    auto add = [&](const std::string& name, Alsa::ElemType type) {
        if (!names.insert(name).second) return; /* the card's own, or made already */
        Alsa::Control c;
        c.info.id.numid = DAEMON_NUMID_BASE + static_cast<unsigned>(out.size());
        c.info.id.iface = Alsa::Iface::Daemon;
        c.info.id.name = name;
        c.info.type = type;
        c.info.count = 1;
        c.info.access.read = c.info.access.write = true;
        auto it = values.find(name);
        c.value = it != values.end() ? it->second : DefaultDaemonValue(c.info);
        out.push_back(std::move(c));
    };
    add("Name", Alsa::ElemType::Text);

    const std::vector<Port> sources = Sources(card);
    if (sources.empty()) return out;
    const std::vector<Port> sinks = Sinks(card, sources);

    for (const auto& p : sources)
        if (p.category != Category::Off) add(PortName(p, false) + " Name", Alsa::ElemType::Text);
    for (const auto& p : sinks)
        if (p.category != Category::Dsp) add(PortName(p, true) + " Name", Alsa::ElemType::Text);
    for (const auto& p : sources)
        if (p.category != Category::Off)
            add(PortName(p, false) + " Switch", Alsa::ElemType::Boolean);
    for (const auto& p : sinks) add(PortName(p, true) + " Switch", Alsa::ElemType::Boolean);
    for (size_t i = 0; i < sources.size(); ++i) {
        const Port& p = sources[i];
        if (!p.left || p.category == Category::Off || !Partner(sources, i, false)) continue;
        add(PairName(p, false) + " Link", Alsa::ElemType::Boolean);
        add(PairName(p, false) + " Name", Alsa::ElemType::Text);
    }
    for (size_t i = 0; i < sinks.size(); ++i) {
        const Port& p = sinks[i];
        if (!p.left || !Partner(sinks, i, true)) continue;
        add(PairName(p, true) + " Link", Alsa::ElemType::Boolean);
        /* Mixer inputs show the source they carry, so their pairs have no name. */
        if (p.category != Category::Mix) add(PairName(p, true) + " Name", Alsa::ElemType::Text);
    }
    return out;
}

namespace {

/** A gangable control's channel, the pair it belongs to, and how to name the same
 *  control of another channel. */
struct Gangable {
    int channel = 0;
    std::string link_prefix;  // "Analogue Out", "Mixer In"
    std::string pattern;      // the name with the channel (and "(…)") taken out
    int mix = 0;              // mixer levels: the mix (A = 1)
};

/** Splits "Line 01 (Monitor L) Playback Volume" into 1 and "Line # Playback Volume". */
std::optional<Gangable> Parse(const std::string& name) {
    auto number_after = [&](std::string_view prefix, size_t& end) -> int {
        if (!StartsWith(name, prefix)) return -1;
        size_t i = prefix.size(), j = i;
        while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j]))) ++j;
        if (j == i || j - i > 3) return -1;
        end = j;
        return std::atoi(name.c_str() + i);
    };
    size_t end = 0;
    int n;
    if ((n = number_after("Line In ", end)) > 0) {
        const std::string rest = name.substr(end);
        if (rest == " Gain Capture Volume" || rest == " Mute Capture Switch")
            return Gangable{n, "Analogue In", "Line In #" + rest, 0};
        return std::nullopt;
    }
    if ((n = number_after("Line ", end)) > 0) {
        std::string rest = name.substr(end);
        if (StartsWith(rest, " (")) {
            const size_t close = rest.find(')');
            if (close == std::string::npos) return std::nullopt;
            rest = rest.substr(close + 1);
        }
        if (rest == " Playback Volume" || rest == " Mute Playback Switch")
            return Gangable{n, "Analogue Out", "Line #" + rest, 0};
        return std::nullopt;
    }
    if ((n = number_after("Analogue ", end)) > 0 && name.substr(end) == " Playback Volume")
        return Gangable{n, "Analogue Out", "Analogue # Playback Volume", 0};
    /* Mixer levels: "Mix A Input 01 Playback Volume", 1st Gen "Matrix 01 Mix A Playback Volume". */
    if (StartsWith(name, "Mix ") && name.size() > 5 &&
        std::isupper(static_cast<unsigned char>(name[4])) &&
        (n = number_after(name.substr(0, 5) + " Input ", end)) > 0 &&
        name.substr(end) == " Playback Volume")
        return Gangable{n, "Mixer In", "Mix @ Input # Playback Volume", name[4] - 'A' + 1};
    if ((n = number_after("Matrix ", end)) > 0 && name.size() == end + 22 &&
        name.compare(end, 5, " Mix ") == 0 &&
        std::isupper(static_cast<unsigned char>(name[end + 5])) &&
        name.compare(end + 6, 16, " Playback Volume") == 0)
        return Gangable{n, "Mixer In", "Matrix # Mix @ Playback Volume", name[end + 5] - 'A' + 1};
    return std::nullopt;
}

bool Linked(const std::map<unsigned, Alsa::Control>& controls, const std::string& prefix,
            int channel) {
    const int left = channel % 2 == 1 ? channel : channel - 1;
    const std::string link =
        prefix + " " + std::to_string(left) + "-" + std::to_string(left + 1) + " Link";
    for (auto it = controls.lower_bound(DAEMON_NUMID_BASE); it != controls.end(); ++it)
        if (it->second.info.id.name == link)
            return !it->second.value.numbers.empty() && it->second.value.numbers[0] != 0;
    return false;
}

}  // namespace

const Alsa::Control* GangPartner(const std::map<unsigned, Alsa::Control>& controls,
                                 const Alsa::Control& control) {
    if (IsDaemonControl(control.info)) return nullptr;
    const auto g = Parse(control.info.id.name);
    if (!g) return nullptr;
    const auto other = [](int n) { return n % 2 == 1 ? n + 1 : n - 1; };
    int channel = g->channel, mix = g->mix;
    bool moved = false;
    if (Linked(controls, g->link_prefix, g->channel)) {
        channel = other(channel);
        moved = true;
    }
    if (mix > 0 && Linked(controls, "Mixer Out", mix)) {
        mix = other(mix);
        moved = true;
    }
    if (!moved) return nullptr;
    for (const auto& [numid, c] : controls) {
        if (IsDaemonControl(c.info) || &c == &control) continue;
        const auto p = Parse(c.info.id.name);
        if (p && p->pattern == g->pattern && p->channel == channel && p->mix == mix &&
            c.info.type == control.info.type && c.info.count == control.info.count)
            return &c;
    }
    return nullptr;
}

}  // namespace Core
