// SPDX-License-Identifier: GPL-3.0-or-later
#include "alsa/Tlv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Alsa {

namespace {

constexpr double NEG_INF = -std::numeric_limits<double>::infinity();
/* alsa-lib's MAX_TLV_RANGE_SIZE: larger dB entries are rejected, so amixer and we agree. */
constexpr uint32_t MAX_DB_TLV_BYTES = 256;
/* Nested containers / DB_RANGEs: real drivers use one level; bound the recursion. */
constexpr int MAX_DEPTH = 4;
/* Half of the 0.01 dB resolution of TLVs: what clients may round away. */
constexpr double DB_TOLERANCE = 0.005;

constexpr size_t WordsOf(uint32_t bytes) noexcept {
    return (size_t{bytes} + 3) / 4;
}

/* One TLV entry: the whole entry (header + payload) or empty if malformed. */
std::span<const uint32_t> TakeEntry(std::span<const uint32_t> words) noexcept {
    if (words.size() < 2) return {};
    const size_t payload = WordsOf(words[1]);
    if (payload > words.size() - 2) return {};
    return words.first(2 + payload);
}

std::span<const uint32_t> FindDb(std::span<const uint32_t> words, int depth) noexcept {
    const auto entry = TakeEntry(words);
    if (entry.empty()) return {};
    const uint32_t bytes = entry[1];
    switch (entry[0]) {
        case TLV_CONTAINER: {
            if (depth >= MAX_DEPTH) return {};
            auto rest = entry.subspan(2);
            while (!rest.empty()) {
                const auto sub = TakeEntry(rest);
                if (sub.empty()) return {};
                if (auto found = FindDb(sub, depth + 1); !found.empty()) return found;
                rest = rest.subspan(sub.size());
            }
            return {};
        }
        case TLV_DB_SCALE:
        case TLV_DB_LINEAR:
        case TLV_DB_MINMAX:
        case TLV_DB_MINMAX_MUTE:
        case TLV_DB_RANGE: {
            const uint32_t min_bytes = entry[0] == TLV_DB_RANGE ? 16 : 8;
            if (bytes < min_bytes || bytes > MAX_DB_TLV_BYTES) return {};
            return entry;
        }
        default:
            return {};
    }
}

/* A DB_RANGE item: raw sub-range and the dB entry that applies to it. */
struct RangeItem {
    int64_t min;
    int64_t max;
    std::span<const uint32_t> entry;
};

/* Calls @p f for each item of a DB_RANGE until it returns false. @return false if malformed. */
template <typename F>
bool ForEachRangeItem(std::span<const uint32_t> entry, F&& f) {
    auto rest = entry.subspan(2);
    while (!rest.empty()) {
        if (rest.size() < 4) return false;
        const auto sub = TakeEntry(rest.subspan(2));
        if (sub.empty()) return false;
        const RangeItem item{static_cast<int32_t>(rest[0]), static_cast<int32_t>(rest[1]), sub};
        if (!f(item)) return true;
        rest = rest.subspan(2 + sub.size());
    }
    return true;
}

/* cdB (1/100 dB, as in TLVs) to dB; the mute marker becomes -inf. */
double CentiToDb(double cdb) noexcept {
    return cdb <= TLV_DB_GAIN_MUTE ? NEG_INF : cdb / 100.0;
}

/* dB value of @p raw: -inf for mute, nullopt if malformed or not covered. */
std::optional<double> Eval(std::span<const uint32_t> entry, int64_t min, int64_t max, int64_t raw,
                           int depth) noexcept {
    if (entry.size() < 4) return std::nullopt;
    const uint32_t type = entry[0];
    const double a = static_cast<int32_t>(entry[2]);
    const double b = static_cast<int32_t>(entry[3]);
    /* Differences in double: int64 ranges may not fit a difference in int64. */
    const double offset = static_cast<double>(raw) - static_cast<double>(min);
    const double span = static_cast<double>(max) - static_cast<double>(min);

    switch (type) {
        case TLV_DB_RANGE: {
            if (depth >= MAX_DEPTH) return std::nullopt;
            std::optional<double> result;
            ForEachRangeItem(entry, [&](const RangeItem& item) {
                if (raw < item.min || raw > item.max) return true;
                result = Eval(item.entry, item.min, item.max, raw, depth + 1);
                return false;
            });
            return result;
        }
        case TLV_DB_SCALE: {
            const uint32_t word = entry[3];
            const double step = word & 0xffff;
            if ((word & TLV_DB_SCALE_MUTE) != 0 && raw <= min) return NEG_INF;
            return CentiToDb(a + offset * step);
        }
        case TLV_DB_MINMAX:
        case TLV_DB_MINMAX_MUTE: {
            double cdb = span <= 0 ? a : (b - a) * offset / span + a;
            /* Same clamping order as alsa-lib, which matters when max < min. */
            if (cdb < a) cdb = a;
            if (cdb > b) cdb = b;
            if (type == TLV_DB_MINMAX_MUTE && cdb == a) return NEG_INF;
            return CentiToDb(cdb);
        }
        case TLV_DB_LINEAR: {
            if (raw <= min || span <= 0) return CentiToDb(a);
            if (raw >= max) return CentiToDb(b);
            const double fraction = offset / span;
            if (a <= TLV_DB_GAIN_MUTE) return 20.0 * std::log10(fraction) + b / 100.0;
            const double lmin = std::pow(10.0, a / 2000.0);
            const double lmax = std::pow(10.0, b / 2000.0);
            const double level = (lmax - lmin) * fraction + lmin;
            return level > 0 ? 20.0 * std::log10(level) : NEG_INF;
        }
        default:
            return std::nullopt;
    }
}

/* Finite extent of an entry; lo > hi when no value is finite. */
struct Extent {
    double lo = std::numeric_limits<double>::infinity();
    double hi = NEG_INF;
    bool valid = true;

    void Add(double v) noexcept {
        if (!std::isfinite(v)) return;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
};

/*
 * Raw values evaluated against an entry: the entry's own range (min..max, which
 * scales MINMAX and LINEAR entries) and the part of it the control can reach
 * (lo..hi). They differ when a DB_RANGE item extends beyond the control's range.
 */
struct Bounds {
    int64_t min, max, lo, hi;
};

/* Calls @p f(item_entry, item_bounds) for every DB_RANGE item overlapping b.lo..b.hi. */
template <typename F>
bool ForEachItemWithin(std::span<const uint32_t> entry, const Bounds& b, F&& f) {
    return ForEachRangeItem(entry, [&](const RangeItem& item) {
        const Bounds sub{item.min, item.max, item.min < b.lo ? b.lo : item.min,
                         item.max > b.hi ? b.hi : item.max};
        if (sub.lo <= sub.hi) f(item.entry, sub);
        return true;
    });
}

Extent GetExtent(std::span<const uint32_t> entry, const Bounds& b, int depth) noexcept {
    Extent extent;
    if (entry[0] == TLV_DB_RANGE) {
        if (depth >= MAX_DEPTH) return Extent{.valid = false};
        const bool ok = ForEachItemWithin(entry, b, [&](auto sub_entry, const Bounds& sub) {
            const Extent e = GetExtent(sub_entry, sub, depth + 1);
            if (!e.valid) extent.valid = false;
            extent.Add(e.lo);
            extent.Add(e.hi);
        });
        if (!ok) extent.valid = false;
        return extent;
    }

    const auto lowest = Eval(entry, b.min, b.max, b.lo, depth);
    const auto highest = Eval(entry, b.min, b.max, b.hi, depth);
    if (!lowest || !highest) return Extent{.valid = false};
    /* Simple entries are monotonic and mute only at their lowest value. */
    if (*lowest == NEG_INF && b.hi > b.lo) {
        if (auto next = Eval(entry, b.min, b.max, b.lo + 1, depth)) extent.Add(*next);
    } else {
        extent.Add(*lowest);
    }
    extent.Add(*highest);
    return extent;
}

struct Candidate {
    int64_t raw;
    double distance;
};

double Distance(double a, double b) noexcept {
    return a == b ? 0.0 : std::fabs(a - b);
}

/* The raw value in b.lo..b.hi whose dB value is nearest to @p db. */
std::optional<Candidate> Nearest(std::span<const uint32_t> entry, const Bounds& b, double db,
                                 int depth) noexcept {
    if (entry[0] == TLV_DB_RANGE) {
        if (depth >= MAX_DEPTH) return std::nullopt;
        std::optional<Candidate> best;
        ForEachItemWithin(entry, b, [&](auto sub_entry, const Bounds& sub) {
            const auto candidate = Nearest(sub_entry, sub, db, depth + 1);
            if (candidate && (!best || candidate->distance < best->distance)) best = candidate;
        });
        return best;
    }

    auto value_of = [&](int64_t raw) {
        return Eval(entry, b.min, b.max, raw, depth).value_or(NEG_INF);
    };
    /* Binary search for the lowest raw value at or above db (simple entries are monotonic). */
    int64_t lo = b.lo;
    int64_t hi = b.hi;
    while (lo < hi) {
        const int64_t mid =
            lo + static_cast<int64_t>((static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / 2);
        if (value_of(mid) >= db)
            hi = mid;
        else
            lo = mid + 1;
    }
    Candidate best{lo, Distance(value_of(lo), db)};
    /* Ties go up, as alsa-lib's round-to-nearest does. */
    if (lo > b.lo) {
        const double below = Distance(value_of(lo - 1), db);
        if (below < best.distance) best = {lo - 1, below};
    }
    return best;
}

}  // namespace

std::span<const uint32_t> FindDbTlv(std::span<const uint32_t> tlv) noexcept {
    return FindDb(tlv, 0);
}

std::optional<DbRange> GetDbRange(std::span<const uint32_t> tlv, int64_t min,
                                  int64_t max) noexcept {
    const auto entry = FindDbTlv(tlv);
    if (entry.empty() || min > max) return std::nullopt;
    const Extent extent = GetExtent(entry, Bounds{min, max, min, max}, 0);
    if (!extent.valid || extent.lo > extent.hi) return std::nullopt;
    const auto lowest = Eval(entry, min, max, min, 0);
    return DbRange{extent.lo, extent.hi, lowest && *lowest == NEG_INF};
}

std::optional<double> RawToDb(std::span<const uint32_t> tlv, int64_t min, int64_t max,
                              int64_t raw) noexcept {
    const auto entry = FindDbTlv(tlv);
    if (entry.empty() || min > max) return std::nullopt;
    if (raw < min) raw = min;
    if (raw > max) raw = max;
    const auto db = Eval(entry, min, max, raw, 0);
    if (!db || *db == NEG_INF) return std::nullopt;
    return db;
}

std::optional<int64_t> DbToRaw(std::span<const uint32_t> tlv, int64_t min, int64_t max,
                               double db) noexcept {
    if (std::isnan(db)) return std::nullopt;
    const auto range = GetDbRange(tlv, min, max);
    if (!range) return std::nullopt;
    if (db == NEG_INF) {
        if (!range->mute) return std::nullopt;
        return min;
    }
    if (db < range->min - DB_TOLERANCE || db > range->max + DB_TOLERANCE) return std::nullopt;
    if (db < range->min) db = range->min;
    if (db > range->max) db = range->max;
    const auto best = Nearest(FindDbTlv(tlv), Bounds{min, max, min, max}, db, 0);
    if (!best) return std::nullopt;
    return best->raw;
}

std::vector<std::string> ParseChannelLabels(std::span<const uint32_t> tlv) {
    std::vector<std::string> labels;
    if (tlv.size() < 2 || tlv[0] != TLV_FCP_CHANNEL_LABELS) return labels;
    const size_t bytes = std::min<size_t>(tlv[1], (tlv.size() - 2) * sizeof(uint32_t));
    const auto* data = reinterpret_cast<const char*>(tlv.data() + 2);
    /* An unlabelled channel is an empty string between two NULs: keep it, so labels
     * stay aligned with meter channels. Only the padding at the end is dropped. */
    std::string current;
    for (size_t i = 0; i < bytes; ++i) {
        if (data[i] == '\0') {
            labels.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(data[i]);
        }
    }
    if (!current.empty()) labels.push_back(std::move(current));
    while (!labels.empty() && labels.back().empty()) labels.pop_back();
    return labels;
}

}  // namespace Alsa
