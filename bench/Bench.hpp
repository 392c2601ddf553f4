// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What every mode of scd-bench shares: its options, the clock, failing, and the modes. */

#include <time.h>

#include <map>
#include <string>
#include <vector>

namespace Bench {

/** CLOCK_MONOTONIC in nanoseconds; inline, as it runs for every chunk read. */
inline double NowNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/** Prints "scd-bench: WHY" to stderr and exits with status 1. */
[[noreturn]] void Die(const std::string& why);

/** Raises the soft limit of open files to the hard one: each client needs a fd. */
void RaiseFdLimit();

/** "--key value" options (a key may repeat) and what follows "--". */
struct Args {
    std::map<std::string, std::vector<std::string>> opts;
    std::vector<std::string> rest;
    std::string Get(const std::string& k, const std::string& def = "") const {
        auto it = opts.find(k);
        return it == opts.end() ? def : it->second.back();
    }
    double Num(const std::string& k, double def) const {
        auto it = opts.find(k);
        return it == opts.end() ? def : std::stod(it->second.back());
    }
};

/* The modes; each prints its RESULT lines and returns the exit status. */
int Fanout(const Args& a);    // fan-out, burst and slow consumer
int Floor(const Args& a);     // the same lines written by the least a program can do
int Latency(const Args& a);   // write -> subscriber, against observer commands
int Idle(const Args& a);      // subscribed clients that hold until stdin closes
int Startup(const Args& a);   // time to READY=1 and RSS of a daemon
int Memory(const Args& a);    // the most memory clients can make the daemon hold
int Snapshot(const Args& a);  // daemon CPU per client subscribing with a snapshot

}  // namespace Bench
