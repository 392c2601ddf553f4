// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scd-poller: the naive alternatives to scarlettd, as a baseline.
 *
 *   scd-poller --busy CTL      re-read every control in a loop, no sleep
 *   scd-poller --hz N CTL      re-read every control N times a second
 *
 * Each round reads every control with one snd_ctl_elem_read() (one ioctl, what a
 * program without events has to do) and prints "numid N" for each control whose
 * value differs from the previous round, so run.sh can time it like
 * `alsactl monitor`. Volatile controls (meters) are skipped: they are not state.
 * SIGUSR1 prints "reads N rounds R" (cumulative) to stderr: the exact number of
 * element reads, without a tracer slowing the loop down.
 */
#include <alsa/asoundlib.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {
volatile sig_atomic_t report = 0;
void OnUsr1(int) {
    report = 1;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: scd-poller --busy CTL | --hz N CTL\n");
        return 2;
    }
    const bool busy = std::strcmp(argv[1], "--busy") == 0;
    const double hz = busy ? 0 : std::atof(argv[2]);
    const char* name = argv[argc - 1];
    snd_ctl_t* ctl;
    if (snd_ctl_open(&ctl, name, 0) < 0) {
        std::fprintf(stderr, "scd-poller: cannot open %s\n", name);
        return 1;
    }
    snd_ctl_elem_list_t* list;
    snd_ctl_elem_list_alloca(&list);
    snd_ctl_elem_list(ctl, list);
    const unsigned n = snd_ctl_elem_list_get_count(list);
    snd_ctl_elem_list_alloc_space(list, n);
    snd_ctl_elem_list(ctl, list);
    snd_ctl_elem_info_t* info;
    snd_ctl_elem_info_alloca(&info);
    std::vector<snd_ctl_elem_value_t*> now, before;
    for (unsigned i = 0; i < n; ++i) {
        snd_ctl_elem_info_set_numid(info, snd_ctl_elem_list_get_numid(list, i));
        if (snd_ctl_elem_info(ctl, info) < 0 || !snd_ctl_elem_info_is_readable(info) ||
            snd_ctl_elem_info_is_volatile(info))
            continue;
        snd_ctl_elem_value_t *a, *b;
        snd_ctl_elem_value_malloc(&a);
        snd_ctl_elem_value_malloc(&b);
        snd_ctl_elem_value_set_numid(a, snd_ctl_elem_list_get_numid(list, i));
        snd_ctl_elem_value_set_numid(b, snd_ctl_elem_list_get_numid(list, i));
        now.push_back(a);
        before.push_back(b);
    }
    std::fprintf(stderr, "scd-poller: %zu controls, %s\n", now.size(), busy ? "busy" : argv[2]);
    for (auto* v : before) snd_ctl_elem_read(ctl, v);
    timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    const long step_ns = busy ? 0 : static_cast<long>(1e9 / hz);
    struct sigaction sa {};
    sa.sa_handler = OnUsr1;
    sigaction(SIGUSR1, &sa, nullptr);
    unsigned long long reads = 0, rounds = 0;
    for (;;) {
        if (report) {
            report = 0;
            std::fprintf(stderr, "reads %llu rounds %llu\n", reads, rounds);
        }
        if (!busy) {
            next.tv_nsec += step_ns;
            while (next.tv_nsec >= 1000000000L) {
                next.tv_nsec -= 1000000000L;
                ++next.tv_sec;
            }
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr);
        }
        bool any = false;
        for (size_t i = 0; i < now.size(); ++i) {
            ++reads;
            if (snd_ctl_elem_read(ctl, now[i]) < 0) continue;
            if (snd_ctl_elem_value_compare(now[i], before[i]) != 0) {
                std::printf("numid %u\n", snd_ctl_elem_value_get_numid(now[i]));
                any = true;
                snd_ctl_elem_value_copy(before[i], now[i]);
            }
        }
        ++rounds;
        if (any) std::fflush(stdout);
    }
}
