// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

/**
 * Admits at most `burst` events per key within each `interval` (a fixed window that
 * starts with the key's first event). What was dropped is reported with the first
 * event admitted after the window, as journald does: no timer runs for it, so an
 * idle daemon stays idle. Time is passed in, so tests drive it. Not thread-safe.
 */
class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    struct Verdict {
        bool admit;
        /** Events dropped for this key since the last admitted one; report them first. */
        size_t suppressed;
    };

    RateLimiter(size_t burst, Clock::duration interval) noexcept
        : burst_(burst), interval_(interval) {}

    Verdict Check(const std::string& key, Clock::time_point now);

    /** Keys with a window; bounded by the number of devices the daemon has known. */
    size_t GetKeyCount() const noexcept { return windows_.size(); }

  private:
    struct Window {
        Clock::time_point start;
        size_t admitted = 0;
        size_t suppressed = 0;
    };
    const size_t burst_;
    const Clock::duration interval_;
    std::map<std::string, Window> windows_;
};
