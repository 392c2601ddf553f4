// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <vector>

namespace Bench {

struct Percentiles {
    double p50 = 0, p99 = 0, max = 0;
    size_t n = 0;
};

/** Median, 99th percentile (the nearest sample) and maximum of @p v; zeros when empty. */
Percentiles Stats(std::vector<double> v);

}  // namespace Bench
