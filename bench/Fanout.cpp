// SPDX-License-Identifier: GPL-3.0-or-later
/* fanout: N subscribers read while a thread writes; also the burst and slow-consumer runs. */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Client.hpp"
#include "bench/Proc.hpp"
#include "bench/Stats.hpp"
#include "bench/Writer.hpp"

namespace Bench {

namespace {

struct Conn {
    int fd;
    std::string buf;
    uint64_t lines = 0;
    std::map<unsigned, long> last;  // numid -> latest value seen (parse mode)
};

}  // namespace

int Fanout(const Args& a) {
    RaiseFdLimit();
    const std::string dir = a.Get("socket-dir");
    const pid_t pid = static_cast<pid_t>(a.Num("pid", 0));
    const int nclients = static_cast<int>(a.Num("clients", 1));
    const int stalled = static_cast<int>(a.Num("stalled", 0));
    const double seconds = a.Num("seconds", 2);
    const double rate = a.Num("rate", 0);  // 0: as fast as the writes go
    const uint64_t max_changes = static_cast<uint64_t>(a.Num("changes", 0));
    const bool parse = rate > 0 || max_changes > 0;  // latency/convergence need values
    const std::string tag = a.Get("tag", "fanout");

    Writer writer(a.Get("ctl"), static_cast<unsigned>(a.Num("controls", max_changes ? 1 : 20)));
    std::vector<Conn> conns;
    for (int i = 0; i < nclients; ++i) conns.push_back({Subscriber(dir), {}, 0, {}});
    std::vector<int> stalled_fds;
    for (int i = 0; i < stalled; ++i) {
        int fd = Subscriber(dir);
        int small = 4096;  // a reader that has stopped: its socket fills fast
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        stalled_fds.push_back(fd);
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < conns.size(); ++i) {
        fcntl(conns[i].fd, F_SETFL, O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }

    const uint64_t period = writer.Period();
    std::vector<double> sent(period, 0);  // write time of each (numid, value) slot, latest
    std::atomic<uint64_t> written{0};
    std::atomic<bool> stop{false};
    std::atomic<double> write_end{0};
    std::vector<std::pair<double, long>> rss;  // (s, KiB)

    const double t0 = NowNs();
    const double cpu0 = pid ? CpuSeconds(pid) : 0;
    std::thread wt([&] {
        const double interval = rate > 0 ? 1e9 / rate : 0;
        uint64_t k = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            if (max_changes && k >= max_changes) break;
            if (!max_changes && NowNs() - t0 > seconds * 1e9) break;
            if (interval > 0) {
                double due = t0 + k * interval;
                double now = NowNs();
                if (due > now) {
                    timespec ts{static_cast<time_t>((due - now) / 1e9),
                                static_cast<long>(std::fmod(due - now, 1e9))};
                    nanosleep(&ts, nullptr);
                }
            }
            sent[k % period] = NowNs();
            writer.Write(k);
            ++k;
            written.store(k, std::memory_order_release);
        }
        write_end = NowNs();
    });

    std::vector<double> lat;
    uint64_t bytes = 0;
    std::vector<epoll_event> evs(256);
    char chunk[65536];
    double next_rss = t0;
    double quiet_since = 0;
    const double drain_ns = 2e9;  // after the writer stops, wait until 2 s of quiet
    for (;;) {
        double now = NowNs();
        if (pid && now >= next_rss) {
            rss.push_back({(now - t0) / 1e9, StatusKb(pid, "VmRSS")});
            next_rss += 1e8;
        }
        if (write_end.load() > 0) {
            if (quiet_since == 0) quiet_since = now;
            if (now - quiet_since > (parse ? drain_ns : 2e8)) break;
        }
        int n = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 50);
        if (n > 0) quiet_since = 0;
        for (int i = 0; i < n; ++i) {
            Conn& c = conns[evs[i].data.u64];
            for (;;) {
                ssize_t r = read(c.fd, chunk, sizeof(chunk));
                if (r <= 0) break;
                bytes += static_cast<uint64_t>(r);
                const double at = NowNs();
                const char* p = chunk;
                const char* e = chunk + r;
                while (p < e) {
                    const char* nl =
                        static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(e - p)));
                    if (!nl) {
                        if (parse) c.buf.append(p, e);
                        break;
                    }
                    ++c.lines;
                    if (parse) {
                        std::string line = c.buf;
                        line.append(p, nl);
                        c.buf.clear();
                        ScanChanged(line.data(), line.data() + line.size(),
                                    [&](unsigned numid, long v) {
                                        c.last[numid] = v;
                                        /* the write slot of (numid, v) */
                                        for (size_t ti = 0; ti < writer.targets.size(); ++ti) {
                                            const Target& t = writer.targets[ti];
                                            if (t.numid != numid) continue;
                                            uint64_t slot = ti + static_cast<uint64_t>(v - t.min) *
                                                                     writer.targets.size();
                                            if (slot < period && sent[slot] > 0)
                                                lat.push_back((at - sent[slot]) / 1e3);
                                        }
                                    });
                    }
                    p = nl + 1;
                }
            }
        }
    }
    stop = true;
    wt.join();
    const double cpu1 = pid ? CpuSeconds(pid) : 0;
    const double busy_s = (write_end.load() - t0) / 1e9;
    uint64_t lines = 0;
    for (auto& c : conns) lines += c.lines;
    const uint64_t k = written.load();

    /* Convergence: every subscriber ends on the value of the last write of each control. */
    size_t converged = 0;
    if (parse) {
        std::map<unsigned, long> final_value;
        for (uint64_t i = (k > writer.targets.size() ? k - writer.targets.size() : 0); i < k; ++i)
            final_value[writer.Of(i).first] = writer.Of(i).second;
        for (auto& c : conns) {
            bool ok = true;
            for (auto& [numid, v] : final_value)
                if (c.last.count(numid) == 0 || c.last[numid] != v) ok = false;
            converged += ok;
        }
    }
    long rss_max = 0, rss_first = 0, rss_last = 0;
    for (auto& [t, kb] : rss) rss_max = std::max(rss_max, kb);
    if (!rss.empty()) {
        rss_first = rss.front().second;
        rss_last = rss.back().second;
    }
    Percentiles st = Stats(lat);
    std::printf(
        "RESULT %s clients=%d stalled=%d changes=%llu write_s=%.3f changes_per_s=%.0f "
        "notifications=%llu notifications_per_s=%.0f daemon_cpu_s=%.3f "
        "cpu_us_per_notification=%.3f "
        "messages_per_change=%.4f converged=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f latency_n=%zu "
        "rss_first_kb=%ld rss_max_kb=%ld rss_last_kb=%ld bytes_per_notification=%.0f\n",
        tag.c_str(), nclients, stalled, static_cast<unsigned long long>(k), busy_s, k / busy_s,
        static_cast<unsigned long long>(lines), lines / busy_s, cpu1 - cpu0,
        lines ? (cpu1 - cpu0) * 1e6 / static_cast<double>(lines) : 0.0,
        k ? static_cast<double>(lines) / static_cast<double>(k) / std::max(1, nclients) : 0.0,
        converged, st.p50, st.p99, st.max, st.n, rss_first, rss_max, rss_last,
        lines ? static_cast<double>(bytes) / static_cast<double>(lines) : 0.0);
    if (!a.Get("rss-out").empty()) {
        FILE* f = std::fopen(a.Get("rss-out").c_str(), "w");
        for (auto& [t, kb] : rss) std::fprintf(f, "%.2f %ld\n", t, kb);
        std::fclose(f);
    }
    for (int fd : stalled_fds) close(fd);
    for (auto& c : conns) close(c.fd);
    return 0;
}

}  // namespace Bench
