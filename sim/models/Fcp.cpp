// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The big 4th Gen (16i16, 18i16, 18i20) under the FCP driver (Linux 6.14+). The kernel
 * creates only "Level Meter" (when fcp-server sets the meter map); everything else is
 * fcp-server's user controls, added in the server's order: sync, meter, mixer, routing,
 * per-input controls, per-output controls, globals. Names and types follow the server's
 * fcp-alsa-map-<pid>.json; which entries exist follows the device's own map (ports,
 * preamps), which is what the per-model parameters below stand for.
 */
#include <stdexcept>

#include "sim/models/Builder.hpp"

namespace Sim::ModelsDetail {

/* Named, so that Params and the Add* helpers do not meet Scarlett2.cpp's in a unity build. */
namespace {
namespace Fcp {

constexpr unsigned MIXES = 12;                         // "Mix A".."Mix L"
constexpr unsigned SPDIF = 2;                          // S/PDIF in and out pairs on all three
constexpr unsigned FCP_CARD = 0;                       // the ALSA card number fcp-server runs for
constexpr long long MIXER_MAX = 32613;                 // linear gain, 8192 = 0 dB, max +12 dB
constexpr long long TLV_MUTE = -9999999;               // SNDRV_CTL_TLVD_DB_GAIN_MUTE
constexpr std::uint32_t TLV_SOCKET_PATH = 0x53434b54;  // "SCKT", fcp-server's own TLV type

/*
 * How fcp-server ran where the reference dumps were taken. Its socket goes to
 * $RUNTIME_DIRECTORY (the packaged systemd service) or else $XDG_RUNTIME_DIR (started by
 * hand as root). Only the service's dump has input and line mutes; all three dumps share
 * firmware 2.0.2464.0, so this is taken as a difference between server releases.
 */
struct ServerSetup {
    std::string runtime_dir;
    bool mutes = false;  // "Line In N Mute Capture Switch" and "Line N Mute Playback Switch"
};

const ServerSetup SYSTEMD_SERVICE{"/run/fcp-server-" + std::to_string(FCP_CARD), true};
const ServerSetup ROOT_SHELL{"/run/user/0", false};

struct Params {
    std::vector<std::string> clocks;
    unsigned meters = 0;        // fcp-server's meter map size
    unsigned analogue_in = 0;   // routing sources "Analogue N"
    bool talkback_mic = false;  // the last analogue input: no output-group source
    unsigned analogue_out = 0;  // "Analogue N" sinks, volumes and output-group members
    unsigned adat_in = 0, adat_out = 0;
    unsigned pcm_out = 0;  // USB playback channels: routing sources "PCM N"
    unsigned pcm_in = 0;   // USB capture channels: sinks "PCM N Capture Enum"
    unsigned mixer_inputs = 0;
    unsigned preamps = 0;                    // inputs with gain, air, autogain, phantom, ...
    unsigned inst_inputs = 0;                // inputs 1..N also have the Line/Inst switch
    std::vector<std::string> digital_modes;  // "Digital I/O Mode" items
    bool speaker_switching = false;          // "Speaker Switching Playback Switch"
    bool talkback = false;                   // Talkback Enable, Talk, Talkback Mix A..L
    bool output_switch = false;              // "Output Playback Switch"
    ServerSetup setup;
};

Params ParamsFor(const std::string& id) {
    Params p;
    if (id == "scarlett-gen4-16i16") {
        p.clocks = {"Internal", "S/PDIF", "ADAT"};
        p.meters = 54;
        p.analogue_in = 6;
        p.analogue_out = 8;
        p.adat_in = p.adat_out = 8;
        p.pcm_out = p.pcm_in = 18;
        p.mixer_inputs = 34;
        p.preamps = p.inst_inputs = 2;
        p.digital_modes = {"ADAT", "Optical S/PDIF"};
        p.setup = SYSTEMD_SERVICE;
    } else if (id == "scarlett-gen4-18i16") {
        p.clocks = {"Internal", "S/PDIF", "ADAT"};
        p.meters = 56;
        p.analogue_in = 8;
        p.analogue_out = 8;
        p.adat_in = p.adat_out = 8;
        p.pcm_out = 18;
        p.pcm_in = 20;
        p.mixer_inputs = 36;
        p.preamps = 4;
        p.inst_inputs = 2;
        p.digital_modes = {"S/PDIF RCA", "S/PDIF Optical"};
        p.speaker_switching = true;
        p.setup = ROOT_SHELL;
    } else if (id == "scarlett-gen4-18i20") {
        p.clocks = {"Internal", "S/PDIF", "ADAT Port 1", "ADAT Port 2"};
        p.meters = 79;
        p.analogue_in = 9;
        p.talkback_mic = true;
        p.analogue_out = 14;
        p.adat_in = p.adat_out = 16;
        p.pcm_out = p.pcm_in = 26;
        p.mixer_inputs = 53;
        p.preamps = 8;
        p.inst_inputs = 2;
        p.digital_modes = {"S/PDIF RCA", "S/PDIF Optical", "Dual ADAT"};
        p.talkback = true;
        p.output_switch = true;
        p.setup = ROOT_SHELL;
    } else {
        throw std::invalid_argument("no FCP parameters for model " + id);
    }
    return p;
}

std::vector<std::string> Numbered(const char* prefix, unsigned count) {
    std::vector<std::string> names;
    for (unsigned i = 1; i <= count; ++i) names.push_back(Format("%s %u", prefix, i));
    return names;
}

void Append(std::vector<std::string>& to, const std::vector<std::string>& names) {
    to.insert(to.end(), names.begin(), names.end());
}

/* Routing sources in the server map's order: hardware inputs, USB, mixes. */
std::vector<std::string> RoutingSources(const Params& p) {
    std::vector<std::string> sources = {"Off"};
    Append(sources, Numbered("Analogue", p.analogue_in));
    Append(sources, Numbered("S/PDIF", SPDIF));
    Append(sources, Numbered("ADAT", p.adat_in));
    Append(sources, Numbered("PCM", p.pcm_out));
    for (unsigned mix = 0; mix < MIXES; ++mix) sources.push_back("Mix " + MixLetter(mix));
    return sources;
}

/* Output-group sources ("output-group-sources"): USB first, no "Off", no talkback mic. */
std::vector<std::string> GroupSources(const Params& p) {
    std::vector<std::string> sources = Numbered("PCM", p.pcm_out);
    Append(sources, Numbered("Analogue", p.analogue_in - (p.talkback_mic ? 1 : 0)));
    Append(sources, Numbered("S/PDIF", SPDIF));
    Append(sources, Numbered("ADAT", p.adat_in));
    for (unsigned mix = 0; mix < MIXES; ++mix) sources.push_back("Mix " + MixLetter(mix));
    return sources;
}

/* The item at @p index in @p items, or the first ("Off") past the end. */
const std::string& ItemOr(const std::vector<std::string>& items, size_t index) {
    return index < items.size() ? items[index] : items.front();
}

const std::vector<std::string> USER = {"read", "write", "user"};
/* fcp-server locks the controls it owns outright: read-only ones and its socket marker. */
const std::vector<std::string> LOCKED = {"read", "write", "locked", "user"};

StateControl& MixerGain(Builder& b, const std::string& name) {
    auto& control = b.Int(name, 0, MIXER_MAX, 0, USER);
    control.tlv = {TLV_DB_LINEAR, 8, static_cast<std::uint32_t>(TLV_MUTE),
                   static_cast<std::uint32_t>(1200)};
    control.dbmin = TLV_MUTE;
    control.dbmax = 1200;
    // UpdateDbValues() knows no DB_LINEAR: the value alsactl shows for the factory 0.
    control.dbvalues = {TLV_MUTE};
    return control;
}

/* An INTEGER with the map's "db-min"/"db-max" (whole dB) as a DB_MINMAX TLV. */
StateControl& Volume(Builder& b, const std::string& name, long long min, long long max,
                     long long db_min, long long db_max) {
    auto& control = b.Int(name, min, max, 0, USER);
    Builder::DbMinMax(control, db_min * 100, db_max * 100);
    return control;
}

std::string HexBytes(const std::string& text, size_t size) {
    std::string hex;
    for (size_t i = 0; i < size; ++i)
        hex += Format("%02x", i < text.size() ? static_cast<unsigned char>(text[i]) : 0u);
    return hex;
}

/* The socket-path TLV fcp-server writes on "Firmware Version": NUL-terminated, padded. */
std::vector<std::uint32_t> SocketPathTlv(const std::string& path) {
    size_t padded = (path.size() + 1 + 3) & ~size_t{3};
    std::vector<std::uint32_t> tlv = {TLV_SOCKET_PATH, static_cast<std::uint32_t>(padded)};
    for (size_t i = 0; i < padded; i += 4) {
        std::uint32_t word = 0;  // the bytes as a little-endian host stores them
        for (size_t k = 0; k < 4 && i + k < path.size(); ++k)
            word |= static_cast<std::uint32_t>(static_cast<unsigned char>(path[i + k])) << (8 * k);
        tlv.push_back(word);
    }
    return tlv;
}

void AddMixer(Builder& b, const Params& p) {
    for (unsigned mix = 0; mix < MIXES; ++mix)
        for (unsigned input = 1; input <= p.mixer_inputs; ++input)
            MixerGain(b,
                      Format("Mix %s Input %02u Playback Volume", MixLetter(mix).c_str(), input));
}

/*
 * One enum per sink, in the map's sink order. Hardware outputs take USB playback by
 * default, USB capture and the mixer take the hardware inputs, then USB playback. The
 * mixer inputs have static sources; the server's read-only flag, once set by the first of
 * them, stays set for the rest, so every "Mixer N" element is locked.
 */
void AddRouting(Builder& b, const Params& p) {
    const auto sources = RoutingSources(p);
    const size_t first_pcm = 1 + p.analogue_in + SPDIF + p.adat_in;
    auto sink = [&](const std::string& name, size_t source,
                    const std::vector<std::string>& access) {
        b.Enum(name, sources, ItemOr(sources, source), access);
    };
    unsigned out = 0;
    for (unsigned i = 1; i <= p.analogue_out; ++i)
        sink(Format("Analogue %u Playback Enum", i), first_pcm + out++, USER);
    for (unsigned i = 1; i <= SPDIF; ++i)
        sink(Format("S/PDIF %u Playback Enum", i), first_pcm + out++, USER);
    for (unsigned i = 1; i <= p.adat_out; ++i)
        sink(Format("ADAT %u Playback Enum", i), first_pcm + out++, USER);
    for (unsigned i = 1; i <= p.pcm_in; ++i) sink(Format("PCM %u Capture Enum", i), i, USER);
    for (unsigned i = 1; i <= p.mixer_inputs; ++i)
        sink(Format("Mixer %u Capture Enum", i), i < first_pcm + p.pcm_out ? i : 0, LOCKED);
}

/* Per input, the map's "input-controls" in its key order, where the device has them. */
void AddInputs(Builder& b, const Params& p) {
    for (unsigned in = 1; in <= p.preamps; ++in) {
        auto name = [in](const char* what) { return Format("Line In %u %s", in, what); };
        b.Enum(name("Air Capture Enum"), {"Off", "Presence", "Presence + Drive"}, "Off", USER);
        b.Bool(name("Autogain Capture Switch"), false, USER);
        b.Enum(name("Autogain Status Capture Enum"),
               {"Success", "DRover", "MinGainLimit", "DRunder", "MaxGainLimit", "Clipped",
                "Cancelled", "Root"},
               "Success", USER);
        b.Bool(name("Link Capture Switch"), false, USER);
        b.Bool(name("Safe Capture Switch"), false, USER);
        if (in <= p.inst_inputs) b.Enum(name("Level Capture Enum"), {"Line", "Inst"}, "Line", USER);
        b.Bool(name("Phantom Power Capture Switch"), false, USER);
        Volume(b, name("Gain Capture Volume"), 0, 70, 0, 69);
    }
    // The device map's "inputMutes" array, after the per-input controls.
    if (p.setup.mutes)
        for (unsigned in = 1; in <= p.preamps; ++in)
            b.Bool(Format("Line In %u Mute Capture Switch", in), false, USER);
}

/* The map's "output-controls": per control type, every analogue output. */
void AddOutputs(Builder& b, const Params& p) {
    const unsigned outs = p.analogue_out;
    for (unsigned i = 1; i <= outs; ++i)
        Volume(b, Format("Analogue %u Playback Volume", i), -127, 0, -127, 0);
    if (p.setup.mutes)
        for (unsigned i = 1; i <= outs; ++i)
            b.Bool(Format("Line %u Mute Playback Switch", i), false, USER);
    const auto sources = GroupSources(p);
    for (const char* group : {"Main", "Alt"}) {
        for (unsigned i = 1; i <= outs; ++i)
            b.Bool(Format("%s Group Output %u Playback Switch", group, i), false, USER);
        for (unsigned i = 1; i <= outs; ++i)
            b.Enum(Format("%s Group Output %u Source Playback Enum", group, i), sources,
                   ItemOr(sources, i - 1), USER);
        for (unsigned i = 1; i <= outs; ++i)
            Volume(b, Format("%s Group Output %u Trim Playback Volume", group, i), -128, 0, -128,
                   0);
    }
}

/* The map's "global-controls", in its order. */
void AddGlobals(Builder& b, const Model& model, const Params& p) {
    auto& firmware = b.Int("Firmware Version", 0, 65535, 0, LOCKED, "CARD", 4);
    firmware.values = {"2", "0", "2464", "0"};
    firmware.tlv = SocketPathTlv(p.setup.runtime_dir + Format("/fcp-%u.sock", FCP_CARD));
    auto& name = b.Add("MIXER", "Name", "BYTES", 32, USER);
    name.values = {HexBytes(model.card_name, 32)};
    auto& esp = b.Int("ESP Firmware Version", 0, 65535, 0, LOCKED, "CARD", 4);
    esp.values = {"1", "0", "0", "364"};
    b.Enum("Input Select Capture Enum", Numbered("Input", p.preamps), "Input 1", USER);
    Volume(b, "Master Playback Volume", -127, 0, -127, 0);
    b.Bool("Mute Playback Switch", false, USER);
    b.Bool("Dim Playback Switch", false, USER);
    if (p.speaker_switching) b.Bool("Speaker Switching Playback Switch", false, USER);
    b.Bool("Speaker Switching Alt Playback Switch", false, USER);
    if (p.talkback) {
        b.Bool("Talkback Enable Playback Switch", false, USER);
        b.Bool("Talk Playback Switch", false, USER);
        for (unsigned mix = 0; mix < MIXES; ++mix)
            b.Bool("Talkback Mix " + MixLetter(mix) + " Playback Switch", false, USER);
    }
    if (p.output_switch) b.Bool("Output Playback Switch", false, USER);
    b.Enum("Digital I/O Mode Capture Enum", p.digital_modes, p.digital_modes.front(), USER);
    b.Bool("Standalone Switch", false, USER);
    b.Bool("Phantom Power Persistence Capture Switch", false, USER);
}

}  // namespace Fcp
}  // namespace

StateBlock GenerateFcp(const Model& model, const EraFeatures& era) {
    const Fcp::Params p = Fcp::ParamsFor(model.id);
    UsbAudioParams usb;  // both PCM directions have more than 15 channels: no channel maps
    usb.clocks = p.clocks;
    Builder b("Gen");
    AddUsbAudioControls(b, usb, era);
    b.Enum("Sync Status", {"Unlocked", "Locked"}, "Locked", Fcp::LOCKED);
    b.Int("Level Meter", 0, 4095, 0, {"read", "volatile"}, "PCM", p.meters);
    Fcp::AddMixer(b, p);
    Fcp::AddRouting(b, p);
    Fcp::AddInputs(b, p);
    Fcp::AddOutputs(b, p);
    Fcp::AddGlobals(b, model, p);
    return b.Take();
}

}  // namespace Sim::ModelsDetail
