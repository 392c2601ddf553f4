// SPDX-License-Identifier: GPL-3.0-or-later
/* latency: one subscriber and observer commands (alsactl monitor, the pollers) time
 * each write, one at a time. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Client.hpp"
#include "bench/Stats.hpp"
#include "bench/Writer.hpp"

namespace Bench {

namespace {

struct Observer {
    std::string cmd;
    pid_t pid = -1;
    int fd = -1;
    std::string buf;
    uint64_t lines = 0;
    std::vector<double> lat;
};

}  // namespace

int Latency(const Args& a) {
    const std::string dir = a.Get("socket-dir");
    const int count = static_cast<int>(a.Num("count", 2000));
    const std::string tag = a.Get("tag", "latency");
    const double gap_ms = a.Num("gap-ms", 5);
    Writer writer(a.Get("ctl"), 1);
    const Target t = writer.targets[0];

    std::vector<Observer> obs;
    if (auto it = a.opts.find("observer"); it != a.opts.end())
        for (auto& cmd : it->second) {
            Observer o;
            o.cmd = cmd;
            obs.push_back(o);
        }
    for (auto& o : obs) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) Die("pipe");
        o.pid = fork();
        if (o.pid == 0) {
            dup2(p[1], 1);
            execl("/bin/sh", "sh", "-c", ("exec " + o.cmd).c_str(), nullptr);
            _exit(127);
        }
        close(p[1]);
        o.fd = p[0];
    }
    int sub = Subscriber(dir);
    fcntl(sub, F_SETFL, O_NONBLOCK);
    std::string subbuf;
    std::vector<double> dlat;
    usleep(500000);  // observers open the device and settle
    /* Drain anything the observers printed at start. */
    for (auto& o : obs) {
        fcntl(o.fd, F_SETFL, O_NONBLOCK);
        char tmp[4096];
        while (read(o.fd, tmp, sizeof(tmp)) > 0) {
        }
    }
    int missed = 0;
    char chunk[65536];
    for (int i = 0; i < count; ++i) {
        const long v = t.min + (i % 2 ? 1 : 0) + ((i / 2) % ((t.max - t.min) / 2)) * 2;
        (void)v;
        const double start = NowNs();
        writer.Write(static_cast<uint64_t>(i));
        const long want = writer.Of(static_cast<uint64_t>(i)).second;
        bool got_daemon = false;
        std::vector<bool> got(obs.size(), false);
        const double deadline = start + 5e9;
        while (NowNs() < deadline) {
            bool all = got_daemon;
            for (bool g : got) all = all && g;
            if (all) break;
            std::vector<pollfd> pf;
            pf.push_back({sub, POLLIN, 0});
            for (auto& o : obs) pf.push_back({o.fd, POLLIN, 0});
            if (poll(pf.data(), pf.size(), 100) <= 0) continue;
            const double at = NowNs();
            if (pf[0].revents) {
                ssize_t r;
                while ((r = read(sub, chunk, sizeof(chunk))) > 0)
                    subbuf.append(chunk, static_cast<size_t>(r));
                size_t nl;
                while ((nl = subbuf.find('\n')) != std::string::npos) {
                    ScanChanged(subbuf.data(), subbuf.data() + nl, [&](unsigned numid, long val) {
                        if (numid == t.numid && val == want && !got_daemon) {
                            got_daemon = true;
                            dlat.push_back((at - start) / 1e3);
                        }
                    });
                    subbuf.erase(0, nl + 1);
                }
            }
            for (size_t j = 0; j < obs.size(); ++j) {
                if (!pf[j + 1].revents) continue;
                ssize_t r;
                while ((r = read(obs[j].fd, chunk, sizeof(chunk))) > 0)
                    obs[j].buf.append(chunk, static_cast<size_t>(r));
                size_t nl;
                while ((nl = obs[j].buf.find('\n')) != std::string::npos) {
                    obs[j].buf.erase(0, nl + 1);
                    ++obs[j].lines;
                    if (!got[j]) {
                        got[j] = true;
                        obs[j].lat.push_back((at - start) / 1e3);
                    }
                }
            }
        }
        if (!got_daemon) ++missed;
        /* let late lines of this change arrive before the next one */
        usleep(static_cast<useconds_t>(gap_ms * 1000));
        for (auto& o : obs) {
            ssize_t r;
            while ((r = read(o.fd, chunk, sizeof(chunk))) > 0) {
            }
        }
    }
    Percentiles d = Stats(dlat);
    std::printf(
        "RESULT %s observer=scarlettd n=%zu missed=%d p50_us=%.1f p99_us=%.1f max_us=%.1f\n",
        tag.c_str(), d.n, missed, d.p50, d.p99, d.max);
    for (auto& o : obs) {
        Percentiles s = Stats(o.lat);
        std::string name = o.cmd.substr(0, o.cmd.find(' '));
        name = name.substr(name.rfind('/') + 1);
        std::printf(
            "RESULT %s observer=%s n=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f daemon_p50_ratio=%.3f "
            "daemon_p99_ratio=%.3f\n",
            tag.c_str(), name.c_str(), s.n, s.p50, s.p99, s.max, s.p50 > 0 ? d.p50 / s.p50 : 0.0,
            s.p99 > 0 ? d.p99 / s.p99 : 0.0);
        kill(o.pid, SIGTERM);
        waitpid(o.pid, nullptr, 0);
    }
    return 0;
}

}  // namespace Bench
