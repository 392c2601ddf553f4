// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * An in-process ALSA ctl built with alsa-lib's external ctl plugin API, so that the
 * real snd_ctl code paths (list, info, events, read/write/TLV) run without a sound
 * card. Element numids are positions + 1, as control_ext.c assigns
 * them, so elements are only ever appended or removed from the end.
 */

#include <alsa/asoundlib.h>
#include <alsa/control_external.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

class FakeCtl {
  public:
    struct Elem {
        std::string name;
        snd_ctl_elem_iface_t iface = SND_CTL_ELEM_IFACE_MIXER;
        snd_ctl_elem_type_t type = SND_CTL_ELEM_TYPE_INTEGER;
        unsigned access = SND_CTL_EXT_ACCESS_READWRITE;
        unsigned count = 1;
        long min = 0, max = 0, step = 0;
        std::vector<std::string> items;
        std::vector<long> values;          // boolean, integer, enumerated
        std::vector<unsigned char> bytes;  // bytes
        std::vector<unsigned> tlv;
    };

    FakeCtl() {
        ext_.version = SND_CTL_EXT_VERSION;
        ext_.card_idx = -1;
        std::strcpy(ext_.id, "Fake");
        std::strcpy(ext_.driver, "Fake");
        std::strcpy(ext_.name, "Scarlett Fake");
        std::strcpy(ext_.longname, "Fake ctl for tests");
        ext_.poll_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        ext_.callback = &CALLBACKS;
        ext_.private_data = this;
        ext_.tlv.c = OnTlv;
    }
    ~FakeCtl() { close(ext_.poll_fd); }
    FakeCtl(const FakeCtl&) = delete;
    FakeCtl& operator=(const FakeCtl&) = delete;

    /** A new ctl handle on this fake (owned by whoever closes it; outlive it). */
    snd_ctl_t* Open() {
        if (snd_ctl_ext_create(&ext_, "fake", SND_CTL_NONBLOCK) < 0)
            throw std::runtime_error("snd_ctl_ext_create");
        closed = false;
        return ext_.handle;
    }

    unsigned Add(Elem elem) {
        elems.push_back(std::move(elem));
        return static_cast<unsigned>(elems.size());
    }
    Elem& At(unsigned numid) { return elems.at(numid - 1); }
    void Push(unsigned numid, unsigned mask) {
        events.emplace_back(numid, mask);
        const uint64_t one = 1;
        (void)!write(ext_.poll_fd, &one, sizeof(one));
    }

    std::vector<Elem> elems;
    std::deque<std::pair<unsigned, unsigned>> events;
    bool subscribed = false;
    bool closed = true;
    int read_event_error = 0;  // returned once by the next read_event
    /* Runs when events get subscribed (before the card lists its elements). */
    std::function<void(FakeCtl&)> on_subscribe;
    int write_result = 0;
    std::vector<long> last_write;
    std::vector<unsigned char> last_write_bytes;
    unsigned tlv_reads = 0;

  private:
    static FakeCtl& Self(snd_ctl_ext_t* ext) { return *static_cast<FakeCtl*>(ext->private_data); }
    Elem* Get(snd_ctl_ext_key_t key) { return key < elems.size() ? &elems[key] : nullptr; }

    static void OnClose(snd_ctl_ext_t* ext) { Self(ext).closed = true; }
    static int OnCount(snd_ctl_ext_t* ext) { return static_cast<int>(Self(ext).elems.size()); }
    static int OnList(snd_ctl_ext_t* ext, unsigned offset, snd_ctl_elem_id_t* id) {
        auto& self = Self(ext);
        if (offset >= self.elems.size()) return -EINVAL;
        snd_ctl_elem_id_set_interface(id, self.elems[offset].iface);
        snd_ctl_elem_id_set_name(id, self.elems[offset].name.c_str());
        return 0;
    }
    static snd_ctl_ext_key_t OnFind(snd_ctl_ext_t* ext, const snd_ctl_elem_id_t* id) {
        auto& self = Self(ext);
        const unsigned numid = snd_ctl_elem_id_get_numid(id);
        if (numid > 0 && numid <= self.elems.size()) return numid - 1;
        for (size_t i = 0; i < self.elems.size(); ++i)
            if (self.elems[i].name == snd_ctl_elem_id_get_name(id)) return i;
        return SND_CTL_EXT_KEY_NOT_FOUND;
    }
    static int OnAttribute(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int* type, unsigned* acc,
                           unsigned* count) {
        Elem* e = Self(ext).Get(key);
        if (e == nullptr) return -ENOENT;
        *type = e->type;
        *acc = e->access |
               (e->tlv.empty() ? 0 : SND_CTL_EXT_ACCESS_TLV_READ | SND_CTL_EXT_ACCESS_TLV_CALLBACK);
        *count = e->count;
        return 0;
    }
    static int OnIntegerInfo(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* min, long* max,
                             long* step) {
        Elem* e = Self(ext).Get(key);
        *min = e->min;
        *max = e->max;
        *step = e->step;
        return 0;
    }
    static int OnEnumInfo(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
        *items = static_cast<unsigned>(Self(ext).Get(key)->items.size());
        return 0;
    }
    static int OnEnumName(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned item, char* name,
                          size_t max) {
        const Elem* e = Self(ext).Get(key);
        if (item >= e->items.size()) return -EINVAL;
        std::snprintf(name, max, "%s", e->items[item].c_str());
        return 0;
    }
    static int OnReadInteger(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* value) {
        const Elem* e = Self(ext).Get(key);
        std::copy(e->values.begin(), e->values.end(), value);
        return 0;
    }
    static int OnReadEnum(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
        const Elem* e = Self(ext).Get(key);
        for (size_t i = 0; i < e->values.size(); ++i)
            items[i] = static_cast<unsigned>(e->values[i]);
        return 0;
    }
    static int OnReadBytes(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned char* data, size_t) {
        const Elem* e = Self(ext).Get(key);
        std::copy(e->bytes.begin(), e->bytes.end(), data);
        return 0;
    }
    static int OnWriteInteger(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* value) {
        auto& self = Self(ext);
        Elem* e = self.Get(key);
        if (self.write_result < 0) return self.write_result;
        self.last_write.assign(value, value + e->count);
        e->values = self.last_write;
        return 1;
    }
    static int OnWriteEnum(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
        auto& self = Self(ext);
        Elem* e = self.Get(key);
        self.last_write.assign(items, items + e->count);
        e->values = self.last_write;
        return 1;
    }
    static int OnWriteBytes(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned char* data,
                            size_t) {
        auto& self = Self(ext);
        Elem* e = self.Get(key);
        self.last_write_bytes.assign(data, data + e->count);
        e->bytes = self.last_write_bytes;
        return 1;
    }
    static void OnSubscribe(snd_ctl_ext_t* ext, int subscribe) {
        auto& self = Self(ext);
        self.subscribed = subscribe != 0;
        if (!self.subscribed) self.events.clear();  // as the kernel does
        if (self.subscribed && self.on_subscribe) self.on_subscribe(self);
    }
    static int OnReadEvent(snd_ctl_ext_t* ext, snd_ctl_elem_id_t* id, unsigned* mask) {
        auto& self = Self(ext);
        if (const int err = self.read_event_error; err != 0) {
            self.read_event_error = 0;
            return err;
        }
        if (self.events.empty()) return -EAGAIN;
        const auto [numid, event_mask] = self.events.front();
        self.events.pop_front();
        snd_ctl_elem_id_set_numid(id, numid);
        if (numid <= self.elems.size()) {
            snd_ctl_elem_id_set_interface(id, self.elems[numid - 1].iface);
            snd_ctl_elem_id_set_name(id, self.elems[numid - 1].name.c_str());
        }
        *mask = event_mask;
        return 1;
    }
    static int OnTlv(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int op_flag, unsigned,
                     unsigned* tlv, unsigned tlv_size) {
        auto& self = Self(ext);
        const Elem* e = self.Get(key);
        ++self.tlv_reads;
        if (op_flag != 0 || e->tlv.empty()) return -ENXIO;
        if (tlv_size < e->tlv.size() * sizeof(unsigned)) return -ENOMEM;
        std::copy(e->tlv.begin(), e->tlv.end(), tlv);
        return 0;
    }

    static constexpr snd_ctl_ext_callback_t CALLBACKS = {
        .close = OnClose,
        .elem_count = OnCount,
        .elem_list = OnList,
        .find_elem = OnFind,
        .free_key = nullptr,
        .get_attribute = OnAttribute,
        .get_integer_info = OnIntegerInfo,
        .get_integer64_info = nullptr,
        .get_enumerated_info = OnEnumInfo,
        .get_enumerated_name = OnEnumName,
        .read_integer = OnReadInteger,
        .read_integer64 = nullptr,
        .read_enumerated = OnReadEnum,
        .read_bytes = OnReadBytes,
        .read_iec958 = nullptr,
        .write_integer = OnWriteInteger,
        .write_integer64 = nullptr,
        .write_enumerated = OnWriteEnum,
        .write_bytes = OnWriteBytes,
        .write_iec958 = nullptr,
        .subscribe_events = OnSubscribe,
        .read_event = OnReadEvent,
        .poll_descriptors_count = nullptr,
        .poll_descriptors = nullptr,
        .poll_revents = nullptr,
    };

    snd_ctl_ext_t ext_{};
};
