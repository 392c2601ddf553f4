// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/models/Models.hpp"

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>

#include "sim/models/Builder.hpp"

namespace Sim {

namespace {

Model Make(std::string id, std::string name, std::string card_name, unsigned pid,
           ModelFamily family, std::string driver) {
    Model model;
    model.id = std::move(id);
    model.name = std::move(name);
    model.card_name = std::move(card_name);
    model.usb_pid = pid;
    model.family = family;
    model.driver = std::move(driver);
    return model;
}

std::string Squash(std::string_view text) {
    std::string out;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

const std::vector<Model>& Models() {
    using F = ModelFamily;
    static const std::vector<Model> models = {
        Make("scarlett-gen1-6i6", "Scarlett 6i6 1st Gen", "Scarlett 6i6 USB", 0x8012, F::Gen1,
             "mixer_scarlett"),
        Make("scarlett-gen1-8i6", "Scarlett 8i6 1st Gen", "Scarlett 8i6 USB", 0x8002, F::Gen1,
             "mixer_scarlett"),
        Make("scarlett-gen1-18i6", "Scarlett 18i6 1st Gen", "Scarlett 18i6 USB", 0x8004, F::Gen1,
             "mixer_scarlett"),
        Make("scarlett-gen1-18i8", "Scarlett 18i8 1st Gen", "Scarlett 18i8 USB", 0x8014, F::Gen1,
             "mixer_scarlett"),
        Make("scarlett-gen1-18i20", "Scarlett 18i20 1st Gen", "Scarlett 18i20 USB", 0x800c, F::Gen1,
             "mixer_scarlett"),
        Make("scarlett-gen2-6i6", "Scarlett 6i6 2nd Gen", "Scarlett 6i6 USB", 0x8203, F::Gen2,
             "scarlett2"),
        Make("scarlett-gen2-18i8", "Scarlett 18i8 2nd Gen", "Scarlett 18i8 USB", 0x8204, F::Gen2,
             "scarlett2"),
        Make("scarlett-gen2-18i20", "Scarlett 18i20 2nd Gen", "Scarlett 18i20 USB", 0x8201, F::Gen2,
             "scarlett2"),
        Make("scarlett-gen3-solo", "Scarlett Solo 3rd Gen", "Scarlett Solo USB", 0x8211, F::Gen3,
             "scarlett2"),
        Make("scarlett-gen3-2i2", "Scarlett 2i2 3rd Gen", "Scarlett 2i2 USB", 0x8210, F::Gen3,
             "scarlett2"),
        Make("scarlett-gen3-4i4", "Scarlett 4i4 3rd Gen", "Scarlett 4i4 USB", 0x8212, F::Gen3,
             "scarlett2"),
        Make("scarlett-gen3-8i6", "Scarlett 8i6 3rd Gen", "Scarlett 8i6 USB", 0x8213, F::Gen3,
             "scarlett2"),
        Make("scarlett-gen3-18i8", "Scarlett 18i8 3rd Gen", "Scarlett 18i8 USB", 0x8214, F::Gen3,
             "scarlett2"),
        Make("scarlett-gen3-18i20", "Scarlett 18i20 3rd Gen", "Scarlett 18i20 USB", 0x8215, F::Gen3,
             "scarlett2"),
        Make("scarlett-gen4-solo", "Scarlett Solo 4th Gen", "Scarlett Solo 4th Gen", 0x8218,
             F::Gen4, "scarlett2"),
        Make("scarlett-gen4-2i2", "Scarlett 2i2 4th Gen", "Scarlett 2i2 4th Gen", 0x8219, F::Gen4,
             "scarlett2"),
        Make("scarlett-gen4-4i4", "Scarlett 4i4 4th Gen", "Scarlett 4i4 4th Gen", 0x821a, F::Gen4,
             "scarlett2"),
        Make("scarlett-gen4-16i16", "Scarlett 16i16 4th Gen", "Scarlett 16i16 4th Gen", 0x821b,
             F::Gen4Fcp, "fcp-server"),
        Make("scarlett-gen4-18i16", "Scarlett 18i16 4th Gen", "Scarlett 18i16 4th Gen", 0x821c,
             F::Gen4Fcp, "fcp-server"),
        Make("scarlett-gen4-18i20", "Scarlett 18i20 4th Gen", "Scarlett 18i20 4th Gen", 0x821d,
             F::Gen4Fcp, "fcp-server"),
        Make("clarett-2pre", "Clarett 2Pre USB", "Clarett 2Pre USB", 0x8206, F::Clarett,
             "scarlett2"),
        Make("clarett-4pre", "Clarett 4Pre USB", "Clarett 4Pre USB", 0x8207, F::Clarett,
             "scarlett2"),
        Make("clarett-8pre", "Clarett 8Pre USB", "Clarett 8Pre USB", 0x8208, F::Clarett,
             "scarlett2"),
        Make("clarett-plus-2pre", "Clarett+ 2Pre", "Clarett+ 2Pre", 0x820a, F::ClarettPlus,
             "scarlett2"),
        Make("clarett-plus-4pre", "Clarett+ 4Pre", "Clarett+ 4Pre", 0x820b, F::ClarettPlus,
             "scarlett2"),
        Make("clarett-plus-8pre", "Clarett+ 8Pre", "Clarett+ 8Pre", 0x820c, F::ClarettPlus,
             "scarlett2"),
        Make("vocaster-one", "Vocaster One", "Vocaster One USB", 0x8216, F::Vocaster, "scarlett2"),
        Make("vocaster-two", "Vocaster Two", "Vocaster Two USB", 0x8217, F::Vocaster, "scarlett2"),
    };
    return models;
}

const Model* FindModel(std::string_view id_or_name) {
    for (const auto& model : Models())
        if (model.id == id_or_name) return &model;
    std::string wanted = Squash(id_or_name);
    for (const auto& model : Models())
        if (Squash(model.name) == wanted || Squash(model.id) == wanted) return &model;
    return nullptr;
}

const std::vector<KernelEra>& KernelEras() {
    static const std::vector<KernelEra> eras = {
        {"latest",
         "6.8 and later: firmware-version controls, mixer 0..184 (-80..+12 dB), "
         "volatile channel maps, Gen 4 small and Vocaster (6.10)"},
        {"gen4-preview",
         "the Dec 2023 Gen 4 driver (linux-fcp fork, before 6.8 final): "
         "firmware controls, mixer 0..172, Gen 4 gain -70..0 dB, "
         "5-state autogain status, one 'Line In 1-2 Link', MSD switch always"},
        {"6.7",
         "5.18 to 6.7: no firmware-version controls, mixer 0..172 (-80..+6 dB), "
         "Standalone Switch, read-only (not volatile) channel maps"},
        {"5.14", "5.14 to 5.17: as 6.7 but without the Standalone Switch"},
    };
    return eras;
}

const KernelEra& FindKernelEra(std::string_view id) {
    if (id.empty()) id = "latest";
    for (const auto& era : KernelEras())
        if (era.id == id) return era;
    std::string known;
    for (const auto& era : KernelEras()) known += (known.empty() ? "" : ", ") + era.id;
    throw std::invalid_argument("unknown kernel era '" + std::string(id) + "' (known: " + known +
                                ")");
}

StateBlock GenerateControls(const Model& model, std::string_view era) {
    return GenerateControls(model, era, GenerateOptions{});
}

StateBlock GenerateControls(const Model& model, std::string_view era,
                            const GenerateOptions& options) {
    ModelsDetail::EraFeatures features = ModelsDetail::FeaturesOf(FindKernelEra(era));
    StateBlock block;
    switch (model.family) {
        case ModelFamily::Gen1:
            block = ModelsDetail::GenerateGen1(model, features);
            break;
        case ModelFamily::Gen4Fcp:
            block = ModelsDetail::GenerateFcp(model, features);
            break;
        default:
            block = ModelsDetail::GenerateScarlett2(model, features, options.msd_switch);
            break;
    }
    DeriveAccess(block);
    return block;
}

namespace {

StateControl* FindNamed(StateBlock& block, const std::string& name) {
    for (auto& control : block.controls)
        if (control.name == name) return &control;
    return nullptr;
}

void SetWritable(StateControl& control, bool writable) {
    auto& access = control.access;
    auto it = std::find(access.begin(), access.end(), "write");
    if (writable && it == access.end()) {
        auto read = std::find(access.begin(), access.end(), "read");
        access.insert(read == access.end() ? access.begin() : read + 1, "write");
    } else if (!writable && it != access.end()) {
        access.erase(it);
    }
}

}  // namespace

void DeriveAccess(StateBlock& block) {
    const StateControl* speaker = FindNamed(block, "Speaker Switching Playback Enum");
    bool speaker_on = speaker && !speaker->values.empty() && speaker->values[0] != "Off";
    for (unsigned line = 1; line <= 20; ++line) {
        StateControl* mode = FindNamed(
            block, ModelsDetail::Format("Line Out %02u Volume Control Playback Enum", line));
        if (!mode) continue;
        if (line <= 4 && speaker) SetWritable(*mode, !speaker_on);
        bool hw = !mode->values.empty() && mode->values[0] == "HW";
        std::string prefix = ModelsDetail::Format("Line %02u ", line);
        for (auto& control : block.controls) {
            if (control.name.rfind(prefix, 0) != 0) continue;
            if (control.name.ends_with("Playback Volume") ||
                control.name == prefix + "Mute Playback Switch")
                SetWritable(control, !hw);
        }
    }
}

void AdoptValues(StateBlock& block, const StateBlock& source) {
    for (auto& control : block.controls) {
        const StateControl* from = source.Find(control.iface, control.name, control.index,
                                               control.device, control.subdevice);
        if (!from || from->type != control.type || from->values.size() != control.values.size())
            continue;
        control.values = from->values;
        ModelsDetail::UpdateDbValues(control);
    }
    DeriveAccess(block);
}

namespace ModelsDetail {

EraFeatures FeaturesOf(const KernelEra& era) {
    EraFeatures features;
    if (era.id == "gen4-preview") {
        features.mixer_max = 172;
        features.chmap_volatile = false;
        features.gen4_preview = true;
        features.msd_always = true;
    } else if (era.id == "6.7" || era.id == "5.14") {
        features.firmware_controls = false;
        features.mixer_max = 172;
        features.chmap_volatile = false;
        features.standalone = era.id == "6.7";
        features.digital_mode = false;
        features.old_era = era.id == "5.14";
    }
    return features;
}

std::string Format(const char* format, ...) {
    char buffer[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    return buffer;
}

std::string MixLetter(unsigned index) {
    return std::string(1, static_cast<char>('A' + index));
}

StateControl& Builder::Add(std::string iface, std::string name, std::string type, unsigned count,
                           std::vector<std::string> access) {
    StateControl control;
    control.numid = static_cast<unsigned>(block_.controls.size() + 1);
    control.iface = std::move(iface);
    control.name = std::move(name);
    control.type = std::move(type);
    control.count = count;
    control.access = std::move(access);
    block_.controls.push_back(std::move(control));
    return block_.controls.back();
}

StateControl& Builder::Bool(const std::string& name, bool value, std::vector<std::string> access,
                            const std::string& iface) {
    auto& control = Add(iface, name, "BOOLEAN", 1, std::move(access));
    control.values = {value ? "true" : "false"};
    return control;
}

StateControl& Builder::Int(const std::string& name, long long min, long long max, long long value,
                           std::vector<std::string> access, const std::string& iface,
                           unsigned count, long long step) {
    auto& control = Add(iface, name, "INTEGER", count, std::move(access));
    control.range = StateRange{min, max, step};
    control.values.assign(count, std::to_string(value));
    return control;
}

StateControl& Builder::Enum(const std::string& name, std::vector<std::string> items,
                            const std::string& value, std::vector<std::string> access,
                            const std::string& iface) {
    auto& control = Add(iface, name, "ENUMERATED", 1, std::move(access));
    control.items = std::move(items);
    control.values = {value};
    return control;
}

void Builder::DbMinMax(StateControl& control, long long db_min, long long db_max) {
    control.tlv = {TLV_DB_MIN_MAX, 8, static_cast<std::uint32_t>(db_min),
                   static_cast<std::uint32_t>(db_max)};
    control.dbmin = db_min;
    control.dbmax = db_max;
    UpdateDbValues(control);
}

void UpdateDbValues(StateControl& control) {
    if (!control.dbmin || !control.range || control.type != "INTEGER") return;
    if (control.tlv.size() < 4) return;
    bool scale = control.tlv[0] == TLV_DB_SCALE;
    if (!scale && control.tlv[0] != TLV_DB_MIN_MAX) return;
    control.dbvalues.clear();
    long long span = control.range->max - control.range->min;
    for (const auto& text : control.values) {
        long long value = std::stoll(text);
        if (scale) {
            control.dbvalues.push_back(*control.dbmin +
                                       (value - control.range->min) * (control.tlv[3] & 0xffff));
            continue;
        }
        long long db = span <= 0 ? *control.dbmin
                                 : *control.dbmin + (value - control.range->min) *
                                                        (*control.dbmax - *control.dbmin) / span;
        control.dbvalues.push_back(db);
    }
}

void AddUsbAudioControls(Builder& builder, const UsbAudioParams& params, const EraFeatures& era) {
    // usb-audio gives a stream a channel map only when it fits snd_pcm_chmap_elem (15 channels).
    constexpr unsigned MAX_CHMAP_CHANNELS = 15;
    std::vector<std::string> chmap_access = {"read"};
    if (era.chmap_volatile) chmap_access.push_back("volatile");
    auto chmap = [&](const char* name, unsigned channels) {
        if (channels == 0 || channels > MAX_CHMAP_CHANNELS) return;
        auto& control = builder.Add("PCM", name, "INTEGER", channels, chmap_access);
        control.range = StateRange{0, 36, 0};
        control.values.assign(channels, "0");
    };
    chmap("Playback Channel Map", params.playback_channels);
    chmap("Capture Channel Map", params.capture_channels);
    for (const auto& clock : params.clocks)
        builder.Bool(clock + " Validity", true, {"read"}, "CARD");
    if (params.clocks.size() > 1)
        builder.Enum(params.selector_name, params.clocks, params.clocks.front());
}

}  // namespace ModelsDetail
}  // namespace Sim
