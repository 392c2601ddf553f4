// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/Stats.hpp"

#include <algorithm>

namespace Bench {

Percentiles Stats(std::vector<double> v) {
    Percentiles r;
    r.n = v.size();
    if (v.empty()) return r;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
    };
    r.p50 = at(0.5);
    r.p99 = at(0.99);
    r.max = v.back();
    return r;
}

}  // namespace Bench
