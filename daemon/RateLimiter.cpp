// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/RateLimiter.hpp"

RateLimiter::Verdict RateLimiter::Check(const std::string& key, Clock::time_point now) {
    auto [it, fresh] = windows_.try_emplace(key);
    Window& w = it->second;
    if (fresh || now - w.start >= interval_) {
        w.start = now;
        w.admitted = 0;
    }
    if (w.admitted >= burst_) {
        ++w.suppressed;
        return {false, 0};
    }
    ++w.admitted;
    const size_t suppressed = w.suppressed;
    w.suppressed = 0;
    return {true, suppressed};
}
