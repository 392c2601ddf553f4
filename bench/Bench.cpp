// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scd-bench: the measuring side of the benchmarks (bench/run.sh drives it).
 *
 *   scd-bench fanout  --socket-dir D --ctl CTL --pid P --clients N [--seconds S]
 *                     [--rate R] [--changes C] [--stalled K] [--controls M] [--tag T]
 *   scd-bench latency --socket-dir D --ctl CTL --count N [--observer CMD]... [--tag T]
 *   scd-bench idle    --socket-dir D --clients N   (prints "ready", holds until stdin closes)
 *   scd-bench startup --tag T [--runs N] -- DAEMON ARGS...
 *
 * Changes are real ALSA writes: snd_ctl_elem_write() on CTL (hw:0 in the VM, the
 * scarlett_sim plugin on the host), the call `amixer cset` makes. Write k goes to
 * control k % M with the value (k / M) % range, so (numid, value) names one write
 * for M * range writes; a subscriber's latency for a notification is the time since
 * the latest write of that (numid, value). Results are printed as lines
 * "RESULT tag key=value ...", which run.sh collects.
 */
#include <alsa/asoundlib.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double NowNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

[[noreturn]] void Die(const std::string& why) {
    std::fprintf(stderr, "scd-bench: %s\n", why.c_str());
    std::exit(1);
}

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

void RaiseFdLimit() {
    rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
}

/* ---------- the daemon's process ---------- */

/** utime + stime of @p pid (all threads) in seconds. */
double CpuSeconds(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string s((std::istreambuf_iterator<char>(f)), {});
    auto p = s.rfind(')');
    if (p == std::string::npos) return 0;
    std::istringstream in(s.substr(p + 2));
    std::string field;
    double ut = 0, st = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) ut = std::stod(field);
        if (i == 15) st = std::stod(field);
    }
    return (ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/** A "Key:   N kB" line of /proc/PID/status, in KiB (0 when absent). */
long StatusKb(pid_t pid, const std::string& key) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
    return 0;
}

/* ---------- clients ---------- */

int ConnectUnix(const std::string& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    for (int tries = 0; connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0;
         ++tries) {
        if (tries > 200) Die("connect " + path + ": " + std::strerror(errno));
        usleep(10000);
    }
    return fd;
}

void WriteAll(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) Die(std::string("write: ") + std::strerror(errno));
        off += static_cast<size_t>(n);
    }
}

std::string ReadLine(int fd) {
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1) {
        if (c == '\n') return line;
        line += c;
    }
    Die("EOF from the daemon");
}

/** Connects and subscribes (all controls, no snapshot); the socket is left blocking. */
int Subscriber(const std::string& dir) {
    int fd = ConnectUnix(dir + "/control.sock");
    WriteAll(fd, R"({"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"snapshot":false}})"
                 "\n");
    std::string reply = ReadLine(fd);
    if (reply.find("\"result\"") == std::string::npos) Die("subscribe: " + reply);
    return fd;
}

/* ---------- ALSA writer ---------- */

struct Target {
    unsigned numid;
    long min, max;
    unsigned count;
};

struct Writer {
    snd_ctl_t* ctl = nullptr;
    std::vector<Target> targets;
    snd_ctl_elem_value_t* value = nullptr;

    Writer(const std::string& name, unsigned want) {
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
    ~Writer() {
        snd_ctl_elem_value_free(value);
        snd_ctl_close(ctl);
    }
    /** The (numid, value) of write @p k. */
    std::pair<unsigned, long> Of(uint64_t k) const {
        const Target& t = targets[k % targets.size()];
        const long range = t.max - t.min + 1;
        return {t.numid,
                t.min + static_cast<long>((k / targets.size()) % static_cast<uint64_t>(range))};
    }
    /** Period after which (numid, value) pairs repeat. */
    uint64_t Period() const {
        uint64_t r = ~0ull;
        for (const auto& t : targets)
            r = std::min<uint64_t>(r, static_cast<uint64_t>(t.max - t.min + 1));
        return r * targets.size();
    }
    void Write(uint64_t k) {
        auto [numid, v] = Of(k);
        const Target& t = targets[k % targets.size()];
        snd_ctl_elem_value_clear(value);
        snd_ctl_elem_value_set_numid(value, numid);
        for (unsigned c = 0; c < t.count; ++c) snd_ctl_elem_value_set_integer(value, c, v);
        if (int e = snd_ctl_elem_write(ctl, value); e < 0)
            Die(std::string("write: ") + snd_strerror(e));
    }
};

/* ---------- notification scanning ---------- */

/** Calls @p f(numid, first value) for every control in a controls.changed line. */
template <typename F>
void ScanChanged(const char* b, const char* e, F&& f) {
    static const char NUMID[] = "\"numid\":";
    static const char VALUE[] = "\"value\":[";
    const char* p = b;
    for (;;) {
        p = std::search(p, e, NUMID, NUMID + sizeof(NUMID) - 1);
        if (p == e) return;
        p += sizeof(NUMID) - 1;
        unsigned numid = static_cast<unsigned>(std::strtoul(p, nullptr, 10));
        p = std::search(p, e, VALUE, VALUE + sizeof(VALUE) - 1);
        if (p == e) return;
        p += sizeof(VALUE) - 1;
        f(numid, std::strtol(p, nullptr, 10));
    }
}

struct Percentiles {
    double p50 = 0, p99 = 0, max = 0;
    size_t n = 0;
};

Percentiles Stats(std::vector<double> v) {
    Percentiles r;
    r.n = v.size();
    if (v.empty()) return r;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
    };
    r.p50 = at(0.5);
    r.p99 = at(0.99);
    r.max = v.back();
    return r;
}

/* ---------- fanout / burst / slow consumer ---------- */

struct Conn {
    int fd;
    std::string buf;
    uint64_t lines = 0;
    std::map<unsigned, long> last;  // numid -> latest value seen (parse mode)
};

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
        "rss_first_kb=%ld rss_max_kb=%ld rss_last_kb=%ld\n",
        tag.c_str(), nclients, stalled, static_cast<unsigned long long>(k), busy_s, k / busy_s,
        static_cast<unsigned long long>(lines), lines / busy_s, cpu1 - cpu0,
        lines ? (cpu1 - cpu0) * 1e6 / static_cast<double>(lines) : 0.0,
        k ? static_cast<double>(lines) / static_cast<double>(k) / std::max(1, nclients) : 0.0,
        converged, st.p50, st.p99, st.max, st.n, rss_first, rss_max, rss_last);
    if (!a.Get("rss-out").empty()) {
        FILE* f = std::fopen(a.Get("rss-out").c_str(), "w");
        for (auto& [t, kb] : rss) std::fprintf(f, "%.2f %ld\n", t, kb);
        std::fclose(f);
    }
    for (int fd : stalled_fds) close(fd);
    for (auto& c : conns) close(c.fd);
    return 0;
}

/* ---------- latency against observers ---------- */

struct Observer {
    std::string cmd;
    pid_t pid = -1;
    int fd = -1;
    std::string buf;
    uint64_t lines = 0;
    std::vector<double> lat;
};

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

/* ---------- idle clients ---------- */

int Idle(const Args& a) {
    RaiseFdLimit();
    std::vector<int> fds;
    for (int i = 0; i < static_cast<int>(a.Num("clients", 100)); ++i)
        fds.push_back(Subscriber(a.Get("socket-dir")));
    std::printf("ready\n");
    std::fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    /* Anything the daemon sent meanwhile would be a notification: count it. */
    size_t bytes = 0;
    char buf[4096];
    for (int fd : fds) {
        fcntl(fd, F_SETFL, O_NONBLOCK);
        ssize_t r;
        while ((r = read(fd, buf, sizeof(buf))) > 0) bytes += static_cast<size_t>(r);
    }
    std::printf("RESULT %s clients=%zu bytes_received=%zu\n", a.Get("tag", "idle").c_str(),
                fds.size(), bytes);
    return 0;
}

/* ---------- startup ---------- */

int Startup(const Args& a) {
    if (a.rest.empty()) Die("startup needs -- DAEMON ARGS");
    const int runs = static_cast<int>(a.Num("runs", 5));
    std::vector<double> times;
    std::vector<long> rss, hwm;
    for (int r = 0; r < runs; ++r) {
        char path[] = "/tmp/scd-bench-notify-XXXXXX";
        if (!mkdtemp(path)) Die("mkdtemp");
        const std::string sock = std::string(path) + "/notify";
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock.c_str());
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("bind notify");
        const double t0 = NowNs();
        pid_t pid = fork();
        if (pid == 0) {
            setenv("NOTIFY_SOCKET", sock.c_str(), 1);
            std::vector<char*> argv;
            for (auto& s : a.rest) argv.push_back(const_cast<char*>(s.c_str()));
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        double ready = 0;
        char buf[4096];
        while (ready == 0) {
            pollfd pf{fd, POLLIN, 0};
            if (poll(&pf, 1, 10000) <= 0) Die("no READY=1 from " + a.rest[0]);
            ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
            if (n <= 0) continue;
            buf[n] = 0;
            if (std::strstr(buf, "READY=1")) ready = NowNs();
        }
        times.push_back((ready - t0) / 1e6);
        rss.push_back(StatusKb(pid, "VmRSS"));
        hwm.push_back(StatusKb(pid, "VmHWM"));
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        close(fd);
        unlink(sock.c_str());
        rmdir(path);
    }
    std::sort(times.begin(), times.end());
    std::sort(rss.begin(), rss.end());
    std::sort(hwm.begin(), hwm.end());
    std::printf(
        "RESULT %s runs=%d ready_ms_median=%.2f ready_ms_min=%.2f ready_ms_max=%.2f rss_kb=%ld "
        "hwm_kb=%ld\n",
        a.Get("tag", "startup").c_str(), runs, times[times.size() / 2], times.front(), times.back(),
        rss[rss.size() / 2], hwm[hwm.size() / 2]);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) Die("usage: scd-bench fanout|latency|idle|startup ...");
    const std::string cmd = argv[1];
    Args a = Parse(argc, argv, 2);
    if (cmd == "fanout") return Fanout(a);
    if (cmd == "latency") return Latency(a);
    if (cmd == "idle") return Idle(a);
    if (cmd == "startup") return Startup(a);
    Die("unknown command " + cmd);
}
