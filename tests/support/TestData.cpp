// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/TestData.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "alsa/Tlv.hpp"
#include "sim/StateFile.hpp"

namespace TestData {

namespace {

uint32_t Centi(int db100) {
    return static_cast<uint32_t>(db100);
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}

Alsa::ElemType ParseType(const Sim::StateControl& sc) {
    static const std::map<std::string, Alsa::ElemType> TYPES = {
        {"BOOLEAN", Alsa::ElemType::Boolean},     {"INTEGER", Alsa::ElemType::Integer},
        {"INTEGER64", Alsa::ElemType::Integer64}, {"ENUMERATED", Alsa::ElemType::Enumerated},
        {"BYTES", Alsa::ElemType::Bytes},         {"IEC958", Alsa::ElemType::Iec958},
    };
    auto it = TYPES.find(sc.type);
    if (it == TYPES.end())
        throw std::runtime_error(sc.Describe() + ": unknown type '" + sc.type + "'");
    return it->second;
}

std::vector<uint8_t> ParseHex(const Sim::StateControl& sc, const std::string& hex) {
    if (hex.size() % 2) throw std::runtime_error(sc.Describe() + ": odd hex length");
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i < hex.size(); i += 2)
        bytes.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

Alsa::Value ParseValues(const Sim::StateControl& sc, const Alsa::ControlInfo& info) {
    Alsa::Value value;
    if (info.type == Alsa::ElemType::Bytes || info.type == Alsa::ElemType::Iec958) {
        if (!sc.values.empty()) value.bytes = ParseHex(sc, sc.values.front());
        value.bytes.resize(info.type == Alsa::ElemType::Iec958 ? value.bytes.size() : info.count);
        return value;
    }
    for (const auto& text : sc.values) {
        switch (info.type) {
            case Alsa::ElemType::Boolean:
                value.numbers.push_back(text == "true" ? 1 : 0);
                break;
            case Alsa::ElemType::Enumerated: {
                auto it = std::find(info.items.begin(), info.items.end(), text);
                if (it == info.items.end())
                    throw std::runtime_error(sc.Describe() + ": unknown item '" + text + "'");
                value.numbers.push_back(it - info.items.begin());
                break;
            }
            default:
                value.numbers.push_back(std::stoll(text));
                break;
        }
    }
    /* A dump may omit channels; the kernel always has `count` of them. */
    value.numbers.resize(info.count, 0);
    return value;
}

Alsa::Access ParseAccess(const Sim::StateControl& sc) {
    Alsa::Access a;
    for (const auto& word : sc.access) {
        if (word == "read")
            a.read = true;
        else if (word == "write")
            a.write = true;
        else if (word == "volatile")
            a.is_volatile = true;
        else if (word == "inactive")
            a.inactive = true;
        else if (word == "locked" || word == "lock")
            a.locked = true;
        else if (word == "user")
            a.user = true;
        else if (word == "tlv_read")
            a.tlv_read = true;
        else if (word == "tlv_write")
            a.tlv_write = true;
        else if (word == "tlv_command")
            a.tlv_command = true;
    }
    /* Dumps hold a snapshot of the meters; on a device they are read fresh each time. */
    if (sc.name == "Level Meter") a.is_volatile = true;
    return a;
}

Alsa::Control FromState(const Sim::StateControl& sc, std::vector<uint32_t>& whole_tlv) {
    Alsa::Control c;
    auto iface = Alsa::ParseIface(Lower(sc.iface));
    if (!iface) throw std::runtime_error(sc.Describe() + ": unknown iface '" + sc.iface + "'");
    c.info.id = {
        sc.numid, *iface, sc.name, sc.index, sc.device.value_or(0), sc.subdevice.value_or(0)};
    c.info.type = ParseType(sc);
    c.info.count = sc.count;
    c.info.access = ParseAccess(sc);
    if (sc.range) {
        c.info.min = sc.range->min;
        c.info.max = sc.range->max;
        c.info.step = sc.range->step;
    }
    c.info.items = sc.items;
    /* The dump's own TLV when it has a dB entry (FCP's DB_LINEAR); otherwise the dB
     * range alsactl printed, as DB_MINMAX, which is what scarlett2 declares. */
    whole_tlv = sc.tlv;
    auto db = Alsa::FindDbTlv(sc.tlv);
    if (!db.empty()) {
        c.info.db_tlv.assign(db.begin(), db.end());
    } else if (sc.dbmin && sc.dbmax && *sc.dbmin > Alsa::TLV_DB_GAIN_MUTE) {
        c.info.db_tlv = {Alsa::TLV_DB_MINMAX, 8, static_cast<uint32_t>(*sc.dbmin),
                         static_cast<uint32_t>(*sc.dbmax)};
        if (whole_tlv.empty()) whole_tlv = c.info.db_tlv;
    }
    if (!whole_tlv.empty()) c.info.access.tlv_read = true;
    c.value = ParseValues(sc, c.info);
    return c;
}

/* By the controls present, as a driver would have created them. */
Alsa::Family GuessFamily(const Sim::StateBlock& block) {
    bool scarlett2 = false;
    for (const auto& c : block.controls) {
        if (c.iface == "CARD" && c.name == "Firmware Version" && c.count == 4)
            return Alsa::Family::Fcp;
        if (c.name == "Level Meter" || c.name == "Firmware Version" ||
            c.name.starts_with("Line In "))
            scarlett2 = true;
        if (c.name.starts_with("Matrix ") && c.name.ends_with(" Input Playback Route"))
            return Alsa::Family::Gen1;
    }
    return scarlett2 ? Alsa::Family::Scarlett2 : Alsa::Family::Other;
}

}  // namespace

Alsa::Control MakeControl(unsigned numid, const std::string& name, Alsa::ElemType type,
                          unsigned count, std::vector<int64_t> value) {
    Alsa::Control c;
    c.info.id = {numid, Alsa::Iface::Mixer, name, 0, 0, 0};
    c.info.type = type;
    c.info.count = count;
    c.info.access.read = c.info.access.write = true;
    if (type == Alsa::ElemType::Integer) SetRange(c, 0, 172);
    if (type == Alsa::ElemType::Enumerated) c.info.items = {"Off", "Analogue 1", "Analogue 2"};
    c.value.numbers = std::move(value);
    return c;
}

void SetRange(Alsa::Control& control, int64_t min, int64_t max) {
    control.info.min = min;
    control.info.max = max;
    control.info.step = 1;
}

std::vector<Alsa::Control> SmallControlSet() {
    using T = Alsa::ElemType;
    auto volume = MakeControl(1, "Mix A Input 01 Playback Volume", T::Integer, 1, {160});
    volume.info.db_tlv = {Alsa::TLV_DB_MINMAX, 8, Centi(-8000), Centi(600)};
    volume.info.access.tlv_read = true;
    auto air = MakeControl(2, "Line In 1 Air Capture Switch", T::Boolean, 1, {0});
    auto mux = MakeControl(3, "PCM 01 Capture Enum", T::Enumerated, 1, {1});
    auto stereo = MakeControl(4, "Line 01 Playback Volume", T::Integer, 2, {10, 20});
    auto sync = MakeControl(5, "Sync Status", T::Enumerated, 1, {0});
    sync.info.items = {"Unlocked", "Locked"};
    sync.info.access.write = false;
    auto firmware = MakeControl(6, "Firmware Version", T::Integer, 1, {1644});
    firmware.info.id.iface = Alsa::Iface::Card;
    firmware.info.access.write = false;
    return {volume, air, mux, stereo, sync, firmware};
}

Alsa::Control LevelMeter(unsigned numid, unsigned channels) {
    auto meter = MakeControl(numid, "Level Meter", Alsa::ElemType::Integer, channels,
                             std::vector<int64_t>(channels, 0));
    meter.info.id.iface = Alsa::Iface::Pcm;
    meter.info.max = 4095;
    meter.info.access.write = false;
    meter.info.access.is_volatile = true;
    return meter;
}

std::vector<Alsa::Control> EveryKindControlSet() {
    using Alsa::ElemType;
    auto make = [](unsigned numid, const char* name, ElemType type, unsigned count, int64_t min,
                   int64_t max, std::vector<int64_t> value) {
        auto c = MakeControl(numid, name, type, count, std::move(value));
        c.info.min = min;
        c.info.max = max;
        c.info.step = type == ElemType::Integer || type == ElemType::Integer64 ? 1 : 0;
        return c;
    };
    std::vector<Alsa::Control> out;
    auto master = make(1, "Master Playback Volume", ElemType::Integer, 2, 0, 127, {100, 90});
    master.info.db_tlv = {Alsa::TLV_DB_SCALE, 8, Centi(-6350), 50 | Alsa::TLV_DB_SCALE_MUTE};
    out.push_back(master);
    auto mix = make(2, "Mix A Input 01 Playback Volume", ElemType::Integer, 1, 0, 172, {160});
    mix.info.db_tlv = {Alsa::TLV_DB_MINMAX, 8, Centi(-8000), Centi(600)};
    out.push_back(mix);
    out.push_back(make(3, "Line In 1 Air Capture Switch", ElemType::Boolean, 1, 0, 1, {0}));
    auto mux = make(4, "PCM 01 Capture Enum", ElemType::Enumerated, 1, 0, 0, {1});
    mux.info.items = {"Off", "Analogue 1", "Analogue 2", "S/PDIF 1"};
    out.push_back(mux);
    auto sync = make(5, "Sync Status", ElemType::Enumerated, 1, 0, 0, {0});
    sync.info.items = {"Unlocked", "Locked"};
    sync.info.access.write = false;
    out.push_back(sync);
    auto firmware = make(6, "Firmware Version", ElemType::Integer, 1, 0, 1 << 30, {1644});
    firmware.info.id.iface = Alsa::Iface::Card;
    firmware.info.access.write = false;
    out.push_back(firmware);
    auto phantom = make(7, "Phantom Power Capture Switch", ElemType::Boolean, 2, 0, 1, {0, 1});
    phantom.info.access.locked = true;
    out.push_back(phantom);
    auto mute = make(8, "Line 02 Mute Playback Switch", ElemType::Boolean, 1, 0, 1, {1});
    mute.info.access.inactive = true;
    out.push_back(mute);
    /* As ALSA reports one: count 1, the value a whole snd_aes_iec958_t (176 bytes). */
    auto iec = make(9, "IEC958 Playback Default", ElemType::Iec958, 1, 0, 0, {});
    iec.value.bytes.assign(176, 0);
    out.push_back(iec);
    auto bytes = make(10, "Custom Bytes", ElemType::Bytes, 4, 0, 0, {});
    bytes.value.bytes = {0xde, 0xad, 0xbe, 0xef};
    out.push_back(bytes);
    /* Near the int64 limits, where step arithmetic can overflow. */
    out.push_back(make(11, "Big Value", ElemType::Integer64, 1,
                       std::numeric_limits<int64_t>::min() + 2,
                       std::numeric_limits<int64_t>::max() - 2, {0}));
    auto meter = make(12, "Level Meter", ElemType::Integer, 4, 0, 4095, {0, 10, 4095, 1});
    meter.info.id.iface = Alsa::Iface::Pcm;
    meter.info.access.write = false;
    meter.info.access.is_volatile = true;
    out.push_back(meter);
    auto mix1 = make(13, "Mix A Input 01 Playback Volume", ElemType::Integer, 1, 0, 172, {0});
    mix1.info.id.index = 1;
    mix1.info.db_tlv = {Alsa::TLV_DB_MINMAX_MUTE, 8, Centi(-8000), Centi(600)};
    out.push_back(mix1);
    /* DB_RANGE: two DB_SCALE items of 6 words each. */
    auto line = make(14, "Line Out 01 Volume", ElemType::Integer, 1, 0, 100, {50});
    line.info.db_tlv = {Alsa::TLV_DB_RANGE, 48,  0,  50,  Alsa::TLV_DB_SCALE, 8,
                        Centi(-7000),       100, 51, 100, Alsa::TLV_DB_SCALE, 8,
                        Centi(-2000),       40};
    out.push_back(line);
    auto gain = make(15, "Line In 1 Gain Capture Volume", ElemType::Integer, 1, 0, 70, {0});
    gain.info.db_tlv = {Alsa::TLV_DB_LINEAR, 8, Centi(-4800), 0};
    gain.info.step = 7;
    out.push_back(gain);
    auto pcm_master = make(16, "Master Playback Volume", ElemType::Integer, 1, -10, 10, {0});
    pcm_master.info.id.iface = Alsa::Iface::Pcm;
    out.push_back(pcm_master);
    return out;
}

Alsa::CardIdentity ScarlettIdentity(const std::string& id, const std::string& serial, int card) {
    Alsa::CardIdentity identity;
    identity.id = id;
    identity.card = card;
    identity.ctl = id;
    identity.card_id = "USB";
    identity.name = "Scarlett 18i20 USB";
    identity.longname = "Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-2";
    identity.driver = "USB-Audio";
    identity.model = "Scarlett 18i20 3rd Gen";
    identity.family = Alsa::Family::Scarlett2;
    identity.usb = Alsa::UsbIdentity{"1235", "8215", serial, "1-2"};
    return identity;
}

Device MakeDevice(Alsa::CardIdentity identity, std::vector<Alsa::Control> controls,
                  const std::map<unsigned, std::vector<uint32_t>>& tlvs) {
    Device device;
    device.identity = std::move(identity);
    for (const auto& c : controls) device.infos.emplace(c.info.id.numid, c.info);
    device.fake = std::make_shared<FakeDevice>(std::move(controls));
    for (const auto& [numid, tlv] : tlvs) device.fake->SetTlv(numid, tlv);
    return device;
}

Device MakeSmallDevice(const std::string& serial, int card) {
    auto controls = SmallControlSet();
    const auto db_tlv = controls[0].info.db_tlv;
    return MakeDevice(ScarlettIdentity("usb-1235-8215-" + serial, serial, card),
                      std::move(controls), {{1, db_tlv}});
}

Device MakeStateDevice(const std::string& path, const std::string& block_id, int card) {
    const auto blocks = Sim::LoadStateFile(path);
    if (blocks.empty()) throw std::runtime_error(path + ": no state block");
    const Sim::StateBlock* block = &blocks.front();
    if (!block_id.empty()) {
        auto it = std::find_if(blocks.begin(), blocks.end(),
                               [&](const Sim::StateBlock& b) { return b.id == block_id; });
        if (it == blocks.end()) throw std::runtime_error(path + ": no block state." + block_id);
        block = &*it;
    }
    std::vector<Alsa::Control> controls;
    std::map<unsigned, std::vector<uint32_t>> tlvs;
    for (const auto& sc : block->controls) {
        std::vector<uint32_t> tlv;
        controls.push_back(FromState(sc, tlv));
        if (!tlv.empty()) tlvs.emplace(sc.numid, std::move(tlv));
    }
    const std::string stem = std::filesystem::path(path).stem().string();

    Alsa::CardIdentity identity;
    identity.id = "test-" + stem + "-" + block->id;
    identity.card = card;
    identity.ctl = identity.id;
    identity.card_id = block->id;
    identity.name = "Testbed " + stem;
    identity.longname = "Testbed " + stem + " (state." + block->id + " of " + path + ")";
    identity.driver = "testbed";
    identity.family = GuessFamily(*block);
    return MakeDevice(std::move(identity), std::move(controls), tlvs);
}

void InMemoryCards::Configure(Options& options) {
    options.watch_dev_snd = false;
    options.discover = [this] {
        std::vector<Alsa::CardIdentity> out;
        for (const auto& device : devices)
            if (device.fake->IsPresent()) out.push_back(device.identity);
        return out;
    };
    options.open_card = [this](const std::string& ctl, Alsa::CardListener& listener) {
        for (const auto& device : devices)
            if (device.identity.ctl == ctl)
                return std::unique_ptr<Alsa::Card>(new FakeCard(device.fake, listener));
        throw Alsa::Error(-ENOENT, "no in-memory card " + ctl);
    };
}

const Device* InMemoryCards::Find(const std::string& id) const noexcept {
    for (const auto& device : devices)
        if (device.identity.id == id) return &device;
    return nullptr;
}

}  // namespace TestData
