// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Conversions between one ctl element and the plain types of Types.hpp.
 * Internal to scd_alsa (includes <alsa/asoundlib.h>). Functions returning int give
 * 0 or alsa-lib's negative errno, so that element callbacks can use them.
 */

#include <alsa/asoundlib.h>

#include <cstdint>
#include <vector>

#include "alsa/Card.hpp"
#include "alsa/Types.hpp"

namespace Alsa {

/** Owner of one of alsa-lib's opaque malloc'ed structs. Throws Error if out of memory. */
template <typename T, int (*ALLOC)(T**), void (*FREE)(T*)>
class Opaque {
  public:
    Opaque() {
        if (const int err = ALLOC(&ptr_); err < 0) throw Error(err, "alsa-lib allocation");
    }
    ~Opaque() { FREE(ptr_); }
    Opaque(const Opaque&) = delete;
    Opaque& operator=(const Opaque&) = delete;
    T* get() const noexcept { return ptr_; }

  private:
    T* ptr_ = nullptr;
};

using ElemList = Opaque<snd_ctl_elem_list_t, snd_ctl_elem_list_malloc, snd_ctl_elem_list_free>;

/** One element of an open ctl: what every call below addresses. */
struct ElemRef {
    snd_ctl_t* ctl;
    const snd_ctl_elem_id_t* id;
};

/** Id, type, count, access, range, enum items and dB TLV of @p elem. */
int ReadElemInfo(ElemRef elem, ControlInfo& info);

/** Only the access flags of @p elem: one ioctl, no enum item names. */
int ReadElemAccess(ElemRef elem, Access& access);

/** The element's whole TLV, empty when unreadable. */
std::vector<uint32_t> ReadElemTlv(ElemRef elem);
/** The element's dB TLV entry (see FindDbTlv), empty if it has none or cannot be read. */
std::vector<uint32_t> ReadElemDbTlv(ElemRef elem);

/** Every channel of @p elem, as @p info describes it. */
int ReadElemValue(ElemRef elem, const ControlInfo& info, Value& value);

/**
 * Writes every channel of @p value. Throws Error(-EINVAL) if @p value does not fit
 * @p info (channel count, item index), and Error with alsa-lib's errno on failure.
 */
void WriteElemValue(ElemRef elem, const ControlInfo& info, const Value& value);

}  // namespace Alsa
