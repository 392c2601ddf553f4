// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The changes a benchmark makes: real ALSA writes on the device the daemon serves. */

#include <alsa/asoundlib.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace Bench {

struct Target {
    unsigned numid;
    long min, max;
    unsigned count;
};

/** Write k goes to targets[k % M] with the value (k / M) % range (see Bench.cpp). */
struct Writer {
    snd_ctl_t* ctl = nullptr;
    std::vector<Target> targets;
    snd_ctl_elem_value_t* value = nullptr;

    /** Opens @p name and takes as targets up to @p want writable integer controls whose
     * max - min is 20 or more; dies if there is none. */
    Writer(const std::string& name, unsigned want);
    ~Writer();
    /** The (numid, value) of write @p k. */
    std::pair<unsigned, long> Of(uint64_t k) const {
        const Target& t = targets[k % targets.size()];
        const long range = t.max - t.min + 1;
        return {t.numid,
                t.min + static_cast<long>((k / targets.size()) % static_cast<uint64_t>(range))};
    }
    /** Period after which (numid, value) pairs repeat. */
    uint64_t Period() const;
    void Write(uint64_t k);
};

}  // namespace Bench
