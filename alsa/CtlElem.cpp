// SPDX-License-Identifier: GPL-3.0-or-later
#include "alsa/CtlElem.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "alsa/Tlv.hpp"

namespace Alsa {

namespace {

/* Capacities of struct snd_ctl_elem_value (sound/asound.h). */
constexpr unsigned MAX_INTEGER_CHANNELS = 128;
constexpr unsigned MAX_INTEGER64_CHANNELS = 64;
constexpr unsigned MAX_BYTES = 512;
/* Plenty for any dB TLV (alsa-lib rejects dB entries above 256 bytes). */
constexpr unsigned TLV_BUFFER_WORDS = 1024;

using ElemInfo = Opaque<snd_ctl_elem_info_t, snd_ctl_elem_info_malloc, snd_ctl_elem_info_free>;
using ElemValue = Opaque<snd_ctl_elem_value_t, snd_ctl_elem_value_malloc, snd_ctl_elem_value_free>;

Iface ToIface(snd_ctl_elem_iface_t iface) noexcept {
    switch (iface) {
        case SND_CTL_ELEM_IFACE_CARD:
            return Iface::Card;
        case SND_CTL_ELEM_IFACE_HWDEP:
            return Iface::Hwdep;
        case SND_CTL_ELEM_IFACE_MIXER:
            return Iface::Mixer;
        case SND_CTL_ELEM_IFACE_PCM:
            return Iface::Pcm;
        case SND_CTL_ELEM_IFACE_RAWMIDI:
            return Iface::Rawmidi;
        case SND_CTL_ELEM_IFACE_TIMER:
            return Iface::Timer;
        case SND_CTL_ELEM_IFACE_SEQUENCER:
            return Iface::Sequencer;
    }
    return Iface::Mixer;
}

ElemType ToType(snd_ctl_elem_type_t type) noexcept {
    switch (type) {
        case SND_CTL_ELEM_TYPE_BOOLEAN:
            return ElemType::Boolean;
        case SND_CTL_ELEM_TYPE_INTEGER:
            return ElemType::Integer;
        case SND_CTL_ELEM_TYPE_ENUMERATED:
            return ElemType::Enumerated;
        case SND_CTL_ELEM_TYPE_BYTES:
            return ElemType::Bytes;
        case SND_CTL_ELEM_TYPE_IEC958:
            return ElemType::Iec958;
        case SND_CTL_ELEM_TYPE_INTEGER64:
            return ElemType::Integer64;
        default:
            return ElemType::None;
    }
}

/* Channels a value of @p info can hold (the kernel never exceeds these). */
unsigned Channels(const ControlInfo& info) noexcept {
    switch (info.type) {
        case ElemType::Integer64:
            return std::min(info.count, MAX_INTEGER64_CHANNELS);
        case ElemType::Bytes:
            return std::min(info.count, MAX_BYTES);
        default:
            return std::min(info.count, MAX_INTEGER_CHANNELS);
    }
}

Access ToAccess(const snd_ctl_elem_info_t* info) noexcept {
    Access access;
    access.read = snd_ctl_elem_info_is_readable(info) != 0;
    access.write = snd_ctl_elem_info_is_writable(info) != 0;
    access.is_volatile = snd_ctl_elem_info_is_volatile(info) != 0;
    access.inactive = snd_ctl_elem_info_is_inactive(info) != 0;
    access.locked = snd_ctl_elem_info_is_locked(info) != 0;
    access.user = snd_ctl_elem_info_is_user(info) != 0;
    access.tlv_read = snd_ctl_elem_info_is_tlv_readable(info) != 0;
    access.tlv_write = snd_ctl_elem_info_is_tlv_writable(info) != 0;
    access.tlv_command = snd_ctl_elem_info_is_tlv_commandable(info) != 0;
    return access;
}

}  // namespace

int ReadElemAccess(ElemRef elem, Access& access) {
    /* On the stack: it runs after every value change (no heap allocation per change). */
    snd_ctl_elem_info_t* info;
    snd_ctl_elem_info_alloca(&info);
    snd_ctl_elem_info_set_id(info, elem.id);
    if (const int err = snd_ctl_elem_info(elem.ctl, info); err < 0) return err;
    access = ToAccess(info);
    return 0;
}

int ReadElemInfo(ElemRef elem, ControlInfo& out) {
    ElemInfo holder;
    snd_ctl_elem_info_t* info = holder.get();
    snd_ctl_elem_info_set_id(info, elem.id);
    if (const int err = snd_ctl_elem_info(elem.ctl, info); err < 0) return err;

    out = ControlInfo{};
    out.id.numid = snd_ctl_elem_info_get_numid(info);
    out.id.iface = ToIface(snd_ctl_elem_info_get_interface(info));
    out.id.name = snd_ctl_elem_info_get_name(info);
    out.id.index = snd_ctl_elem_info_get_index(info);
    out.id.device = snd_ctl_elem_info_get_device(info);
    out.id.subdevice = snd_ctl_elem_info_get_subdevice(info);
    out.type = ToType(snd_ctl_elem_info_get_type(info));
    out.count = snd_ctl_elem_info_get_count(info);

    out.access = ToAccess(info);
    const Access& access = out.access;

    switch (out.type) {
        case ElemType::Integer:
            out.min = snd_ctl_elem_info_get_min(info);
            out.max = snd_ctl_elem_info_get_max(info);
            out.step = snd_ctl_elem_info_get_step(info);
            break;
        case ElemType::Integer64:
            out.min = snd_ctl_elem_info_get_min64(info);
            out.max = snd_ctl_elem_info_get_max64(info);
            out.step = snd_ctl_elem_info_get_step64(info);
            break;
        case ElemType::Enumerated: {
            const unsigned items = snd_ctl_elem_info_get_items(info);
            ItemList::Vector names;
            names.reserve(items);
            for (unsigned i = 0; i < items; ++i) {
                snd_ctl_elem_info_set_item(info, i);
                if (const int err = snd_ctl_elem_info(elem.ctl, info); err < 0) return err;
                names.emplace_back(snd_ctl_elem_info_get_item_name(info));
            }
            out.items = std::move(names);
            break;
        }
        default:
            break;
    }

    if (access.tlv_read) out.db_tlv = ReadElemDbTlv(elem);
    return 0;
}

std::vector<uint32_t> ReadElemTlv(ElemRef elem) {
    std::vector<unsigned> buffer(TLV_BUFFER_WORDS);
    const auto bytes = static_cast<unsigned>(buffer.size() * sizeof(unsigned));
    if (snd_ctl_elem_tlv_read(elem.ctl, elem.id, buffer.data(), bytes) < 0) return {};
    const size_t words = std::min<size_t>(buffer.size(), 2 + (size_t{buffer[1]} + 3) / 4);
    return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(words)};
}

std::vector<uint32_t> ReadElemDbTlv(ElemRef elem) {
    /* A TLV that cannot be read, or is not dB (e.g. fcp-server's socket path), is
     * simply no dB information. */
    const auto tlv = ReadElemTlv(elem);
    const auto db = FindDbTlv(tlv);
    return {db.begin(), db.end()};
}

int ReadElemValue(ElemRef elem, const ControlInfo& info, Value& out) {
    /* On the stack, and @p out's vectors refilled in place: reading a changed value
     * allocates nothing once its control was read before. */
    snd_ctl_elem_value_t* v;
    snd_ctl_elem_value_alloca(&v);
    snd_ctl_elem_value_set_id(v, elem.id);
    if (const int err = snd_ctl_elem_read(elem.ctl, v); err < 0) return err;

    out.numbers.clear();
    out.bytes.clear();
    const unsigned channels = Channels(info);
    switch (info.type) {
        case ElemType::Boolean:
            for (unsigned i = 0; i < channels; ++i)
                out.numbers.push_back(snd_ctl_elem_value_get_boolean(v, i));
            break;
        case ElemType::Integer:
            for (unsigned i = 0; i < channels; ++i)
                out.numbers.push_back(snd_ctl_elem_value_get_integer(v, i));
            break;
        case ElemType::Integer64:
            for (unsigned i = 0; i < channels; ++i)
                out.numbers.push_back(snd_ctl_elem_value_get_integer64(v, i));
            break;
        case ElemType::Enumerated:
            for (unsigned i = 0; i < channels; ++i)
                out.numbers.push_back(snd_ctl_elem_value_get_enumerated(v, i));
            break;
        case ElemType::Bytes: {
            const auto* bytes = static_cast<const uint8_t*>(snd_ctl_elem_value_get_bytes(v));
            out.bytes.assign(bytes, bytes + channels);
            break;
        }
        case ElemType::Iec958: {
            snd_aes_iec958_t iec958;
            snd_ctl_elem_value_get_iec958(v, &iec958);
            const auto* bytes = reinterpret_cast<const uint8_t*>(&iec958);
            out.bytes.assign(bytes, bytes + sizeof(iec958));
            break;
        }
        case ElemType::None:
        case ElemType::Text: /* the daemon's own, never a card's */
            break;
    }
    return 0;
}

void WriteElemValue(ElemRef elem, const ControlInfo& info, const Value& value) {
    const std::string what = "snd_ctl_elem_write " + info.id.name;
    ElemValue v;
    snd_ctl_elem_value_set_id(v.get(), elem.id);

    /* Every channel is set: a channel left out would be written as 0. */
    switch (info.type) {
        case ElemType::Boolean:
        case ElemType::Integer:
        case ElemType::Integer64:
        case ElemType::Enumerated:
            if (value.numbers.size() != info.count || Channels(info) != info.count)
                throw Error(-EINVAL, what + ": wrong channel count");
            for (unsigned i = 0; i < info.count; ++i) {
                const int64_t n = value.numbers[i];
                if (info.type == ElemType::Boolean)
                    snd_ctl_elem_value_set_boolean(v.get(), i, n != 0);
                else if (info.type == ElemType::Integer)
                    snd_ctl_elem_value_set_integer(v.get(), i, static_cast<long>(n));
                else if (info.type == ElemType::Integer64)
                    snd_ctl_elem_value_set_integer64(v.get(), i, static_cast<long long>(n));
                else if (n < 0 || n > UINT32_MAX)
                    throw Error(-EINVAL, what + ": item index out of range");
                else
                    snd_ctl_elem_value_set_enumerated(v.get(), i, static_cast<unsigned>(n));
            }
            break;
        case ElemType::Bytes:
            if (value.bytes.size() != info.count || info.count > MAX_BYTES)
                throw Error(-EINVAL, what + ": wrong byte count");
            for (unsigned i = 0; i < info.count; ++i)
                snd_ctl_elem_value_set_byte(v.get(), i, value.bytes[i]);
            break;
        case ElemType::Iec958: {
            snd_aes_iec958_t iec958;
            if (value.bytes.size() != sizeof(iec958))
                throw Error(-EINVAL, what + ": wrong IEC958 size");
            std::memcpy(&iec958, value.bytes.data(), sizeof(iec958));
            snd_ctl_elem_value_set_iec958(v.get(), &iec958);
            break;
        }
        case ElemType::None:
        case ElemType::Text:
            throw Error(-EINVAL, what + ": element has no value");
    }

    if (const int err = snd_ctl_elem_write(elem.ctl, v.get()); err < 0) throw Error(err, what);
}

}  // namespace Alsa
