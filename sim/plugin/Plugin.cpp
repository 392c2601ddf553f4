// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The ALSA external control plugin `scarlett_sim`: makes a running `scarlett-sim
 * serve` look like a sound card's control device (protocol in sim/server/Protocol.hpp).
 * Reads come from the shared state memfd without a round trip; writes and
 * (un)subscribing are requests; events arrive on a socket that is the poll fd.
 * This file is the C side: the callback table and the entry point alsa-lib looks up.
 */
#include <alsa/asoundlib.h>
#include <alsa/control_external.h>

#include <cstring>
#include <new>
#include <string>

#include "sim/plugin/SimCtl.hpp"

namespace {

using Sim::Plugin::SimCtl;

constexpr const char* DEFAULT_NAME = "scarlett-gen3-18i20";

SimCtl& Self(snd_ctl_ext_t* ext) {
    return *static_cast<SimCtl*>(ext->private_data);
}

/* C callers: no exception may leave a callback. */
template <class F>
int Guard(F body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return -ENOMEM;
    } catch (...) {
        return -EIO;
    }
}

void OnClose(snd_ctl_ext_t* ext) {
    delete &Self(ext);
}
int OnCount(snd_ctl_ext_t* ext) {
    return Self(ext).Count();
}
int OnList(snd_ctl_ext_t* ext, unsigned offset, snd_ctl_elem_id_t* id) {
    return Self(ext).List(offset, id);
}
snd_ctl_ext_key_t OnFind(snd_ctl_ext_t* ext, const snd_ctl_elem_id_t* id) {
    try {
        return Self(ext).Find(id);
    } catch (...) {
        return SND_CTL_EXT_KEY_NOT_FOUND;
    }
}
int OnAttribute(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int* type, unsigned* access,
                unsigned* count) {
    return Self(ext).Attribute(key, type, access, count);
}
int OnIntegerInfo(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* min, long* max, long* step) {
    return Self(ext).IntegerInfo(key, min, max, step);
}
int OnInteger64Info(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int64_t* min, int64_t* max,
                    int64_t* step) {
    return Self(ext).Integer64Info(key, min, max, step);
}
int OnEnumInfo(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
    return Self(ext).EnumInfo(key, items);
}
int OnEnumName(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned item, char* name, size_t max) {
    return Self(ext).EnumName(key, item, name, max);
}
int OnReadInteger(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* value) {
    return Guard([&] { return Self(ext).ReadValues(key, value); });
}
int OnReadInteger64(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int64_t* value) {
    return Guard([&] { return Self(ext).ReadValues(key, value); });
}
int OnReadEnum(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
    return Guard([&] { return Self(ext).ReadValues(key, items); });
}
int OnReadBytes(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned char* data, size_t max) {
    return Self(ext).ReadBytes(key, data, max);
}
int OnWriteInteger(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* value) {
    return Guard([&] { return Self(ext).WriteValues(key, value); });
}
int OnWriteInteger64(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int64_t* value) {
    return Guard([&] { return Self(ext).WriteValues(key, value); });
}
int OnWriteEnum(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
    return Guard([&] { return Self(ext).WriteValues(key, items); });
}
int OnWriteBytes(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned char* data, size_t) {
    return Guard([&] { return Self(ext).WriteBytes(key, data); });
}
void OnSubscribe(snd_ctl_ext_t* ext, int subscribe) {
    (void)Guard([&] {
        Self(ext).Subscribe(subscribe);
        return 0;
    });
}
int OnReadEvent(snd_ctl_ext_t* ext, snd_ctl_elem_id_t* id, unsigned* mask) {
    return Self(ext).ReadEvent(id, mask);
}
int OnPollRevents(snd_ctl_ext_t* ext, struct pollfd* pfds, unsigned nfds, unsigned short* revents) {
    return Self(ext).PollRevents(pfds, nfds, revents);
}
int OnTlv(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int op_flag, unsigned, unsigned* tlv,
          unsigned tlv_size) {
    return Self(ext).Tlv(key, op_flag, tlv, tlv_size);
}

constexpr snd_ctl_ext_callback_t CALLBACKS = {
    .close = OnClose,
    .elem_count = OnCount,
    .elem_list = OnList,
    .find_elem = OnFind,
    .free_key = nullptr,
    .get_attribute = OnAttribute,
    .get_integer_info = OnIntegerInfo,
    .get_integer64_info = OnInteger64Info,
    .get_enumerated_info = OnEnumInfo,
    .get_enumerated_name = OnEnumName,
    .read_integer = OnReadInteger,
    .read_integer64 = OnReadInteger64,
    .read_enumerated = OnReadEnum,
    .read_bytes = OnReadBytes,
    .read_iec958 = nullptr,
    .write_integer = OnWriteInteger,
    .write_integer64 = OnWriteInteger64,
    .write_enumerated = OnWriteEnum,
    .write_bytes = OnWriteBytes,
    .write_iec958 = nullptr,
    .subscribe_events = OnSubscribe,
    .read_event = OnReadEvent,
    .poll_descriptors_count = nullptr,
    .poll_descriptors = nullptr,
    .poll_revents = OnPollRevents,
};

}  // namespace

/* Built with hidden visibility: only the entry point and its version tag are exported. */
#pragma GCC visibility push(default)
extern "C" {

SND_CTL_PLUGIN_DEFINE_FUNC(scarlett_sim) {
    (void)root;
    std::string instance = DEFAULT_NAME;
    snd_config_iterator_t i, next;
    snd_config_for_each(i, next, conf) {
        snd_config_t* node = snd_config_iterator_entry(i);
        const char* id;
        if (snd_config_get_id(node, &id) < 0) continue;
        if (std::strcmp(id, "comment") == 0 || std::strcmp(id, "type") == 0 ||
            std::strcmp(id, "hint") == 0)
            continue;
        if (std::strcmp(id, "name") == 0) {
            const char* value;
            if (snd_config_get_string(node, &value) < 0) {
                SNDERR("scarlett_sim: name must be a string");
                return -EINVAL;
            }
            instance = value;
            continue;
        }
        SNDERR("scarlett_sim: unknown field %s", id);
        return -EINVAL;
    }

    return Guard([&] {
        auto* ctl = new SimCtl;
        if (const int error = ctl->Connect(instance); error < 0) {
            delete ctl;
            return error;
        }
        ctl->ext.version = SND_CTL_EXT_VERSION;
        ctl->ext.card_idx = -1;
        ctl->ext.callback = &CALLBACKS;
        ctl->ext.private_data = ctl;
        ctl->ext.tlv.c = OnTlv;
        if (const int error = snd_ctl_ext_create(&ctl->ext, name, mode); error < 0) {
            delete ctl;
            return error;
        }
        *handlep = ctl->ext.handle;
        return 0;
    });
}

SND_CTL_PLUGIN_SYMBOL(scarlett_sim)

}  // extern "C"
#pragma GCC visibility pop
