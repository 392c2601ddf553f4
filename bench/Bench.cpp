// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scd-bench: the measuring side of the benchmarks (bench/run.sh drives it).
 *
 *   scd-bench fanout  --socket-dir D --ctl CTL --pid P --clients N [--seconds S]
 *                     [--rate R] [--changes C] [--stalled K] [--controls M] [--tag T]
 *   scd-bench latency --socket-dir D --ctl CTL --count N [--observer CMD]... [--tag T]
 *   scd-bench idle    --socket-dir D --clients N   (prints "ready", holds until stdin closes)
 *   scd-bench startup --tag T [--runs N] -- DAEMON ARGS...
 *   scd-bench memory  --socket-dir D --ctl CTL --pid P [--clients N] [--seconds S]
 *                     [--max-line B] [--max-output B] [--max-output-total B]
 *   scd-bench snapshot --socket-dir D --pid P [--count N] [--tag T]
 *
 * Changes are real ALSA writes: snd_ctl_elem_write() on CTL (hw:0 in the VM, the
 * scarlett_sim plugin on the host), the call `amixer cset` makes. Write k goes to
 * control k % M with the value (k / M) % range, so (numid, value) names one write
 * for M * range writes; a subscriber's latency for a notification is the time since
 * the latest write of that (numid, value). Results are printed as lines
 * "RESULT tag key=value ...", which run.sh collects.
 */
#include "bench/Bench.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace Bench {

[[noreturn]] void Die(const std::string& why) {
    std::fprintf(stderr, "scd-bench: %s\n", why.c_str());
    std::exit(1);
}

void RaiseFdLimit() {
    rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
}

namespace {

Args Parse(int argc, char** argv, int from) {
    Args a;
    for (int i = from; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "--") {
            for (++i; i < argc; ++i) a.rest.push_back(argv[i]);
            break;
        }
        if (s.rfind("--", 0) != 0 || i + 1 >= argc) Die("bad argument " + s);
        a.opts[s.substr(2)].push_back(argv[++i]);
    }
    return a;
}

}  // namespace

}  // namespace Bench

int main(int argc, char** argv) {
    using namespace Bench;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) Die("usage: scd-bench fanout|floor|latency|idle|startup|memory|snapshot ...");
    const std::string cmd = argv[1];
    Args a = Parse(argc, argv, 2);
    if (cmd == "fanout") return Fanout(a);
    if (cmd == "floor") return Floor(a);
    if (cmd == "latency") return Latency(a);
    if (cmd == "idle") return Idle(a);
    if (cmd == "startup") return Startup(a);
    if (cmd == "snapshot") return Snapshot(a);
    if (cmd == "memory") return Memory(a);
    Die("unknown command " + cmd);
}
