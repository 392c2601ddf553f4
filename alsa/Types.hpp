// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Plain descriptions of ALSA controls and cards. No <alsa/asoundlib.h> here: the
 * state cache and its tests use these without linking libasound.
 */

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace Alsa {

/* Daemon and Text are not ALSA's: the controls scarlettd itself owns (port names,
 * stereo links; protocol 1.1 §3) travel the same paths as the card's. No card ever
 * reports them, and none is ever written to a card. */
enum class Iface { Card, Hwdep, Mixer, Pcm, Rawmidi, Timer, Sequencer, Daemon };
enum class ElemType { None, Boolean, Integer, Enumerated, Bytes, Iec958, Integer64, Text };

/** Lowercase protocol names: "mixer", "card", ...; "boolean", "integer", ... */
const char* IfaceName(Iface iface) noexcept;
const char* TypeName(ElemType type) noexcept;
std::optional<Iface> ParseIface(std::string_view name) noexcept;

/** Access flags of an element, as the kernel reports them right now. */
struct Access {
    bool read = false;
    bool write = false;
    bool is_volatile = false;
    bool inactive = false;
    bool locked = false;
    bool user = false;
    bool tlv_read = false;
    bool tlv_write = false;
    bool tlv_command = false;

    /** write access and neither locked nor inactive. */
    bool IsWritable() const noexcept { return write && !locked && !inactive; }
    bool operator==(const Access&) const = default;
};

/** dB range of a control, from its TLV, in dB (not 1/100 dB). */
struct DbRange {
    double min = 0;
    double max = 0;
    /** The lowest raw value means mute (-inf dB). */
    bool mute = false;
    bool operator==(const DbRange&) const = default;
};

struct ControlId {
    unsigned numid = 0;
    Iface iface = Iface::Mixer;
    std::string name;
    unsigned index = 0;
    unsigned device = 0;
    unsigned subdevice = 0;
    bool operator==(const ControlId&) const = default;
};

/**
 * An enumerated control's item names: immutable once made, shared by its copies (the
 * card and the state cache each keep the control) and by the controls whose lists
 * are equal (CtlCard shares them: a Scarlett's routing enums, over a hundred on the
 * larger ones, each list the same 50-80 sources). Reads like a const vector.
 */
class ItemList {
  public:
    using Vector = std::vector<std::string>;
    using const_iterator = Vector::const_iterator;

    ItemList() = default;
    ItemList(Vector items)
        : items_(items.empty() ? nullptr : std::make_shared<const Vector>(std::move(items))) {}
    ItemList(std::initializer_list<std::string> items) : ItemList(Vector(items)) {}

    const Vector& Get() const noexcept { return items_ ? *items_ : Empty(); }
    size_t size() const noexcept { return Get().size(); }
    bool empty() const noexcept { return Get().empty(); }
    const std::string& operator[](size_t i) const noexcept { return Get()[i]; }
    const std::string& at(size_t i) const { return Get().at(i); }
    const std::string& front() const noexcept { return Get().front(); }
    const_iterator begin() const noexcept { return Get().begin(); }
    const_iterator end() const noexcept { return Get().end(); }
    /** The same list in memory (not only equal). */
    bool SharesWith(const ItemList& other) const noexcept { return items_ == other.items_; }
    bool operator==(const ItemList& other) const noexcept {
        return items_ == other.items_ || Get() == other.Get();
    }

  private:
    static const Vector& Empty() noexcept {
        static const Vector none;
        return none;
    }
    std::shared_ptr<const Vector> items_;
};

/** Everything snd_ctl_elem_info (and the dB TLV) says about one element. */
struct ControlInfo {
    ControlId id;
    ElemType type = ElemType::None;
    unsigned count = 0;
    Access access;
    /* integer and integer64 */
    int64_t min = 0;
    int64_t max = 0;
    int64_t step = 0;
    /* enumerated */
    ItemList items;
    /* The raw TLV words (SNDRV_CTL_TLVT_*) when the control has a dB TLV. */
    std::vector<uint32_t> db_tlv;
    bool operator==(const ControlInfo&) const = default;
};

/**
 * A control's value. Boolean, integer, integer64 and enumerated (item index) use
 * @c numbers, one per channel; bytes, iec958 and text (UTF-8, no NUL) use @c bytes.
 */
struct Value {
    std::vector<int64_t> numbers;
    std::vector<uint8_t> bytes;
    bool operator==(const Value&) const = default;
};

struct Control {
    ControlInfo info;
    Value value;
};

/** Driver family, decides what a client may expect of the control set. */
enum class Family { Gen1, Scarlett2, Fcp, Other };
const char* FamilyName(Family family) noexcept;

struct UsbIdentity {
    std::string vendor;   // 4 lowercase hex digits, "1235"
    std::string product;  // "8215"
    std::string serial;   // empty when the device has none
    std::string path;     // sysfs USB device name, e.g. "1-2.3" (the port)
};

/** What identifies a card across replug, reboot and renumbering. */
struct CardIdentity {
    std::string id;       // stable device id, see Identity.hpp for the scheme
    int card = -1;        // ALSA card index now (-1 for a plugin ctl)
    std::string ctl;      // ctl name to open: "hw:2" or a plugin name
    std::string card_id;  // ALSA card id string ("USB", "Dummy")
    std::string name;     // ALSA card name ("Scarlett 18i20 USB")
    std::string longname;
    std::string driver;
    std::optional<std::string> model;
    Family family = Family::Other;
    std::optional<UsbIdentity> usb;
};

}  // namespace Alsa
