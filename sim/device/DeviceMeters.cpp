// SPDX-License-Identifier: GPL-3.0-or-later
/* Levels: dB conversion of control values and the level meter's view of the signals. */

#include <cmath>
#include <cstdint>
#include <limits>

#include "sim/device/Device.hpp"
#include "sim/device/DeviceInternal.hpp"

namespace Sim {

namespace {

constexpr double SILENCE = -std::numeric_limits<double>::infinity();

/* SNDRV_CTL_TLVT_* and the "mute" minimum of DB_LINEAR. */
constexpr std::uint32_t TLV_CONTAINER = 0, TLV_DB_SCALE = 1, TLV_DB_LINEAR = 2, TLV_DB_MIN_MAX = 4,
                        TLV_DB_MIN_MAX_MUTE = 5;
constexpr std::int32_t TLV_DB_GAIN_MUTE = -9999999;

double PowerSum(double a, double b) {
    if (std::isinf(a) && a < 0) return b;
    if (std::isinf(b) && b < 0) return a;
    return 10.0 * std::log10(std::pow(10.0, a / 10.0) + std::pow(10.0, b / 10.0));
}

}  // namespace

/* The control's value in dB, from its TLV (or the dB range alsactl wrote), if it has one. */
std::optional<double> Device::Decibels(std::size_t index, long long value) const {
    const StateControl& c = block_.controls[index];
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

std::optional<long long> Device::ValueForDecibels(std::size_t index, double db) const {
    const StateControl& c = block_.controls[index];
    if (!c.range || c.range->max <= c.range->min) return std::nullopt;
    const long long step = std::max<long long>(c.range->step, 1);
    if ((c.range->max - c.range->min) / step > 200000) return std::nullopt;
    std::optional<long long> best;
    double best_error = 0;
    for (long long v = c.range->min; v <= c.range->max; v += step) {
        const auto at = Decibels(index, v);
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

/* What the preamp adds to input @p input: its gain control, minus the pad. */
double Device::InputGainDb(unsigned input) const {
    const auto it = inputs_.find(input);
    if (it == inputs_.end()) return 0.0;
    double db = 0.0;
    if (it->second.gain) db += Decibels(*it->second.gain, Value(*it->second.gain)).value_or(0.0);
    if (it->second.pad && Value(*it->second.pad) != 0) db -= 10.0;
    return db;
}

double Device::SourceLevel(const Source& source, int depth) const {
    if (depth > 4) return SILENCE;
    const auto& [kind, number] = source;
    if (kind == "mix") {
        double level = SILENCE;
        for (const auto& [key, gain] : mix_gains_) {
            if (key.first != number) continue;
            const auto route = route_by_dest_.find(Source{"mixer", key.second});
            if (route == route_by_dest_.end()) continue;
            const double in = RouteLevel(route->second, depth + 1);
            const auto db = Decibels(gain, Value(gain));
            if (std::isinf(in) || !db || std::isinf(*db)) continue;
            level = PowerSum(level, in + *db);
        }
        // The talkback microphone goes into the mixes that have talkback enabled.
        const auto mix = talkback_mix_.find(number);
        if (talkback_ && talkback_input_ && mix != talkback_mix_.end() && Value(mix->second) != 0 &&
            Value(*talkback_) == 2) {
            level = PowerSum(level, SourceLevel(Source{"analogue", talkback_input_}, depth + 1));
        }
        return std::min(level, 0.0);
    }
    if (kind == "dsp") {
        const auto route = route_by_dest_.find(Source{"dsp", number});
        return route == route_by_dest_.end() ? SILENCE : RouteLevel(route->second, depth + 1);
    }
    const auto signal = signals_.find(source);
    if (signal == signals_.end()) return SILENCE;
    if (kind != "analogue") return std::min(signal->second, 0.0);
    const auto in = inputs_.find(number);
    if (in != inputs_.end() && in->second.mute && Value(*in->second.mute) != 0) return SILENCE;
    return std::min(signal->second + InputGainDb(number), 0.0);
}

double Device::RouteLevel(std::size_t route, int depth) const {
    const auto items = route_items_.find(route);
    if (items == route_items_.end()) return SILENCE;
    const long long item = Value(route);
    if (item < 0 || item >= static_cast<long long>(items->second.size())) return SILENCE;
    const Source& source = items->second[static_cast<std::size_t>(item)];
    if (source.first == "off") return SILENCE;
    return SourceLevel(source, depth);
}

std::vector<float> Device::MeterLevels() const {
    if (!meter_) return {};
    const std::size_t count = state_[*meter_].values.size();
    std::vector<float> levels(count, -std::numeric_limits<float>::infinity());
    if (routes_.size() == count) {
        // scarlett2: one channel per mux destination, in the routing controls' order.
        for (std::size_t i = 0; i < count; ++i)
            levels[i] = static_cast<float>(RouteLevel(routes_[i], 0));
        return levels;
    }
    // fcp-server sets its own meter map; approximated as the sources, then the destinations.
    for (std::size_t i = 0; i < count; ++i) {
        if (i < sources_.size()) {
            levels[i] = static_cast<float>(SourceLevel(sources_[i], 0));
        } else if (i - sources_.size() < routes_.size()) {
            levels[i] = static_cast<float>(RouteLevel(routes_[i - sources_.size()], 0));
        }
    }
    return levels;
}

}  // namespace Sim
