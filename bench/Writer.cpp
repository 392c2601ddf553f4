// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/Writer.hpp"

#include <algorithm>

#include "bench/Bench.hpp"

namespace Bench {

Writer::Writer(const std::string& name, unsigned want) {
    if (int e = snd_ctl_open(&ctl, name.c_str(), 0); e < 0)
        Die("open " + name + ": " + snd_strerror(e));
    snd_ctl_elem_list_t* list;
    snd_ctl_elem_list_alloca(&list);
    snd_ctl_elem_list(ctl, list);
    unsigned n = snd_ctl_elem_list_get_count(list);
    snd_ctl_elem_list_alloc_space(list, n);
    snd_ctl_elem_list(ctl, list);
    snd_ctl_elem_info_t* info;
    snd_ctl_elem_info_alloca(&info);
    for (unsigned i = 0; i < n && targets.size() < want; ++i) {
        snd_ctl_elem_info_set_numid(info, snd_ctl_elem_list_get_numid(list, i));
        if (snd_ctl_elem_info(ctl, info) < 0) continue;
        if (snd_ctl_elem_info_get_type(info) != SND_CTL_ELEM_TYPE_INTEGER) continue;
        if (!snd_ctl_elem_info_is_writable(info) || snd_ctl_elem_info_is_volatile(info) ||
            snd_ctl_elem_info_is_inactive(info) || snd_ctl_elem_info_is_locked(info))
            continue;
        long lo = snd_ctl_elem_info_get_min(info), hi = snd_ctl_elem_info_get_max(info);
        if (hi - lo < 20) continue;
        targets.push_back(
            {snd_ctl_elem_info_get_numid(info), lo, hi, snd_ctl_elem_info_get_count(info)});
    }
    snd_ctl_elem_list_free_space(list);
    if (targets.empty()) Die("no writable integer control on " + name);
    snd_ctl_elem_value_malloc(&value);
}

Writer::~Writer() {
    snd_ctl_elem_value_free(value);
    snd_ctl_close(ctl);
}

uint64_t Writer::Period() const {
    uint64_t r = ~0ull;
    for (const auto& t : targets)
        r = std::min<uint64_t>(r, static_cast<uint64_t>(t.max - t.min + 1));
    return r * targets.size();
}

void Writer::Write(uint64_t k) {
    auto [numid, v] = Of(k);
    const Target& t = targets[k % targets.size()];
    snd_ctl_elem_value_clear(value);
    snd_ctl_elem_value_set_numid(value, numid);
    for (unsigned c = 0; c < t.count; ++c) snd_ctl_elem_value_set_integer(value, c, v);
    if (int e = snd_ctl_elem_write(ctl, value); e < 0)
        Die(std::string("write: ") + snd_strerror(e));
}

}  // namespace Bench
