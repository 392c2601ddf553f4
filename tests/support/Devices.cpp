// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/Devices.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "alsa/Tlv.hpp"
#include "sim/StateFile.hpp"

namespace Testbed {

namespace {

Alsa::Control MakeControl(unsigned numid, Alsa::Iface iface, const std::string& name,
                          Alsa::ElemType type, std::vector<int64_t> value) {
    Alsa::Control c;
    c.info.id = {numid, iface, name, 0, 0, 0};
    c.info.type = type;
    c.info.count = static_cast<unsigned>(value.size());
    c.info.access.read = c.info.access.write = true;
    if (type == Alsa::ElemType::Integer) {
        c.info.min = 0;
        c.info.max = 172;
        c.info.step = 1;
    }
    c.value.numbers = std::move(value);
    return c;
}

Device Assemble(Alsa::CardIdentity identity, std::vector<Alsa::Control> controls,
                const std::map<unsigned, std::vector<uint32_t>>& tlvs = {}) {
    Device device;
    device.identity = std::move(identity);
    for (const auto& c : controls) device.infos.emplace(c.info.id.numid, c.info);
    device.fake = std::make_shared<TestData::FakeDevice>(std::move(controls));
    for (const auto& [numid, tlv] : tlvs) device.fake->SetTlv(numid, tlv);
    return device;
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

Device MakeSmallDevice(int card_index) {
    using T = Alsa::ElemType;
    using I = Alsa::Iface;
    auto volume = MakeControl(1, I::Mixer, "Mix A Input 01 Playback Volume", T::Integer, {160});
    volume.info.db_tlv = {Alsa::TLV_DB_MINMAX, 8, static_cast<uint32_t>(-8000), 600};
    volume.info.access.tlv_read = true;
    auto air = MakeControl(2, I::Mixer, "Line In 1 Air Capture Switch", T::Boolean, {0});
    auto mux = MakeControl(3, I::Mixer, "PCM 01 Capture Enum", T::Enumerated, {1});
    mux.info.items = {"Off", "Analogue 1", "Analogue 2"};
    auto stereo = MakeControl(4, I::Mixer, "Line 01 Playback Volume", T::Integer, {10, 20});
    auto sync = MakeControl(5, I::Mixer, "Sync Status", T::Enumerated, {0});
    sync.info.items = {"Unlocked", "Locked"};
    sync.info.access.write = false;
    auto firmware = MakeControl(6, I::Card, "Firmware Version", T::Integer, {1644});
    firmware.info.min = firmware.info.max = firmware.info.step = 0;
    firmware.info.access.write = false;
    auto db_tlv = volume.info.db_tlv;

    Alsa::CardIdentity identity;
    identity.id = SMALL_DEVICE_ID;
    identity.card = card_index;
    identity.ctl = identity.id;
    identity.card_id = "USB";
    identity.name = "Scarlett 18i20 USB";
    identity.longname = "Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-2, high speed";
    identity.driver = "USB-Audio";
    identity.model = "Scarlett 18i20 3rd Gen";
    identity.family = Alsa::Family::Scarlett2;
    identity.usb = Alsa::UsbIdentity{"1235", "8215", "TESTBED", "1-2"};
    return Assemble(std::move(identity), {volume, air, mux, stereo, sync, firmware}, {{1, db_tlv}});
}

Device MakeStateDevice(const std::string& path, const std::string& block_id, int card_index) {
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
    identity.card = card_index;
    identity.ctl = identity.id;
    identity.card_id = block->id;
    identity.name = "Testbed " + stem;
    identity.longname = "Testbed " + stem + " (state." + block->id + " of " + path + ")";
    identity.driver = "testbed";
    identity.family = GuessFamily(*block);
    return Assemble(std::move(identity), std::move(controls), tlvs);
}

}  // namespace Testbed
