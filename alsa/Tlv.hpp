// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * dB conversion from raw ALSA TLV words, without libasound. Follows alsa-lib's
 * snd_tlv_parse_dB_info / snd_tlv_get_dB_range / snd_tlv_convert_to_dB /
 * snd_tlv_convert_from_dB, with two deliberate differences:
 *  - results are not truncated to 1/100 dB (alsa-lib works in integer 0.01 dB), so
 *    every raw value of a fine-grained control (e.g. 0..32613 on FCP mixers) has its
 *    own dB value and DbToRaw(RawToDb(x)) == x;
 *  - DbRange::min is the lowest *finite* dB value; a muting lowest step is reported
 *    through DbRange::mute instead of alsa-lib's -99999.99 dB.
 */

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alsa/Types.hpp"

namespace Alsa {

/* SNDRV_CTL_TLVT_* from <sound/tlv.h>, restated to keep this free of alsa headers. */
inline constexpr uint32_t TLV_CONTAINER = 0;
inline constexpr uint32_t TLV_DB_SCALE = 1;
inline constexpr uint32_t TLV_DB_LINEAR = 2;
inline constexpr uint32_t TLV_DB_RANGE = 3;
inline constexpr uint32_t TLV_DB_MINMAX = 4;
inline constexpr uint32_t TLV_DB_MINMAX_MUTE = 5;
/** DB_SCALE: bit in the step word meaning "the lowest raw value mutes". */
inline constexpr uint32_t TLV_DB_SCALE_MUTE = 0x10000;
/** TLV dB values are in 1/100 dB; this value (or less) means -inf. */
inline constexpr int32_t TLV_DB_GAIN_MUTE = -9999999;

/**
 * Finds the dB entry in @p tlv (a TLV as snd_ctl_elem_tlv_read returns it, possibly
 * a container) and returns its words: type, length in bytes, payload.
 * @return an empty span when there is no valid dB entry
 */
std::span<const uint32_t> FindDbTlv(std::span<const uint32_t> tlv) noexcept;

/** @return true if FindDbTlv() finds a dB entry */
inline bool HasDbTlv(std::span<const uint32_t> tlv) noexcept {
    return !FindDbTlv(tlv).empty();
}

/**
 * The dB range of a control with raw range @p min..@p max.
 * @return nullopt without a valid dB TLV or when no raw value has a finite dB value
 */
std::optional<DbRange> GetDbRange(std::span<const uint32_t> tlv, int64_t min, int64_t max) noexcept;

/**
 * The dB value of raw value @p raw (clamped to @p min..@p max).
 * @return nullopt for mute (-inf dB), and also when there is no valid dB TLV or a
 * DB_RANGE does not cover @p raw; check GetDbRange() to tell these apart
 */
std::optional<double> RawToDb(std::span<const uint32_t> tlv, int64_t min, int64_t max,
                              int64_t raw) noexcept;

/**
 * The raw value whose dB value is nearest to @p db. -HUGE_VAL (-inf) selects the
 * muting raw value. Values within 0.005 dB outside the range are clamped into it.
 * @return nullopt without a valid dB TLV, for NaN, or when @p db is outside the
 * range (including -inf on a control that cannot mute)
 */
/**
 * Channel labels from the FCP driver's TLV (type 0x110 on "Level Meter"): the
 * payload is NUL-terminated strings, padded to 4 bytes. Empty if @p tlv is not one.
 */
inline constexpr uint32_t TLV_FCP_CHANNEL_LABELS = 0x110;
std::vector<std::string> ParseChannelLabels(std::span<const uint32_t> tlv);

std::optional<int64_t> DbToRaw(std::span<const uint32_t> tlv, int64_t min, int64_t max,
                               double db) noexcept;

}  // namespace Alsa
