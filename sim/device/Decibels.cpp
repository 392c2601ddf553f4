// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Decibels.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>

namespace Sim::DeviceDetail {

namespace {

/* SNDRV_CTL_TLVT_* and the "mute" minimum of DB_LINEAR. */
constexpr std::uint32_t TLV_CONTAINER = 0, TLV_DB_SCALE = 1, TLV_DB_LINEAR = 2, TLV_DB_MIN_MAX = 4,
                        TLV_DB_MIN_MAX_MUTE = 5;
constexpr std::int32_t TLV_DB_GAIN_MUTE = -9999999;

}  // namespace

std::optional<double> Decibels(const StateControl& c, long long value) {
    if (!c.range || c.range->max <= c.range->min) return std::nullopt;
    const double lo = static_cast<double>(c.range->min);
    const double hi = static_cast<double>(c.range->max);
    const double v = static_cast<double>(value);

    std::span<const std::uint32_t> tlv(c.tlv);
    if (tlv.size() >= 4 && tlv[0] == TLV_CONTAINER) tlv = tlv.subspan(2);
    if (tlv.size() >= 4) {
        const double a = static_cast<std::int32_t>(tlv[2]) / 100.0;
        switch (tlv[0]) {
            case TLV_DB_SCALE: {
                const double step = (tlv[3] & 0xffff) / 100.0;
                if ((tlv[3] & 0x10000) && value <= c.range->min) return SILENCE;
                return a + (v - lo) * step;
            }
            case TLV_DB_MIN_MAX:
            case TLV_DB_MIN_MAX_MUTE: {
                const double b = static_cast<std::int32_t>(tlv[3]) / 100.0;
                if (tlv[0] == TLV_DB_MIN_MAX_MUTE && value <= c.range->min) return SILENCE;
                return a + (b - a) * (v - lo) / (hi - lo);
            }
            case TLV_DB_LINEAR: {
                // Linear in amplitude between the two ends.
                const double b = static_cast<std::int32_t>(tlv[3]) / 100.0;
                const double amp_lo = static_cast<std::int32_t>(tlv[2]) <= TLV_DB_GAIN_MUTE
                                          ? 0.0
                                          : std::pow(10.0, a / 20.0);
                const double amp =
                    amp_lo + (std::pow(10.0, b / 20.0) - amp_lo) * (v - lo) / (hi - lo);
                return amp <= 0 ? SILENCE : 20.0 * std::log10(amp);
            }
            default:
                break;
        }
    }
    if (c.dbmin && c.dbmax) {
        const double a = static_cast<double>(*c.dbmin) / 100.0;
        const double b = static_cast<double>(*c.dbmax) / 100.0;
        return a + (b - a) * (v - lo) / (hi - lo);
    }
    return std::nullopt;
}

std::optional<long long> ValueForDecibels(const StateControl& c, double db) {
    if (!c.range || c.range->max <= c.range->min) return std::nullopt;
    const long long step = std::max<long long>(c.range->step, 1);
    if ((c.range->max - c.range->min) / step > 200000) return std::nullopt;
    std::optional<long long> best;
    double best_error = 0;
    for (long long v = c.range->min; v <= c.range->max; v += step) {
        const auto at = Decibels(c, v);
        if (!at) return std::nullopt;
        const double error =
            std::isinf(*at) ? std::numeric_limits<double>::max() : std::abs(*at - db);
        if (!best || error < best_error) {
            best = v;
            best_error = error;
        }
    }
    return best;
}

}  // namespace Sim::DeviceDetail
