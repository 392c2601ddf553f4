// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * memory: the most memory clients can make the daemon hold (issue 11.4). Half the
 * clients ask for everything (a subscription with its snapshot, meters at the top
 * rate, a batch line of controls.list filling the line limit) and read nothing; the
 * other half leave a partial line just under the line limit; meanwhile a writer
 * changes controls as fast as it can. The daemon's RSS is sampled throughout and set
 * against the bound its limits promise.
 */
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Client.hpp"
#include "bench/Proc.hpp"
#include "bench/Writer.hpp"

namespace Bench {

namespace {

/** One line of controls.list requests, as long as fits under @p max_line. */
std::string GreedyBatch(size_t max_line) {
    const std::string one = R"({"jsonrpc":"2.0","id":1,"method":"controls.list"})";
    std::string line = "[" + one;
    while (line.size() + one.size() + 3 < max_line) line += "," + one;
    return line + "]\n";
}

}  // namespace

int Memory(const Args& a) {
    RaiseFdLimit();
    const std::string dir = a.Get("socket-dir");
    const pid_t pid = static_cast<pid_t>(a.Num("pid", 0));
    const int clients = static_cast<int>(a.Num("clients", 1000));
    const double seconds = a.Num("seconds", 10);
    const size_t max_line = static_cast<size_t>(a.Num("max-line", 65536));
    const size_t max_output = static_cast<size_t>(a.Num("max-output", 4194304));
    const size_t max_output_total = static_cast<size_t>(a.Num("max-output-total", 67108864));
    const std::string tag = a.Get("tag", "memory");
    if (!pid) Die("memory: --pid is required");

    const long rss_idle = StatusKb(pid, "VmRSS");
    const std::string greedy =
        R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})"
        "\n"
        R"({"jsonrpc":"2.0","id":2,"method":"meters.subscribe","params":{"rate_hz":60}})"
        "\n" +
        GreedyBatch(max_line);
    const std::string partial(max_line - 1, ' ');

    std::vector<int> fds;
    long rss_max = rss_idle;
    const auto sample = [&] { rss_max = std::max(rss_max, StatusKb(pid, "VmRSS")); };
    for (int i = 0; i < clients; ++i) {
        const int fd = ConnectUnix(dir + "/control.sock");
        int small = 4096; /* a reader that has stopped: its socket fills at once */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
        /* A non-blocking write: the daemon stops reading a client over its budget. */
        const std::string& what = i % 2 == 0 ? greedy : partial;
        (void)!send(fd, what.data(), what.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        fds.push_back(fd);
        if (i % 64 == 0) sample();
    }

    Writer writer(a.Get("ctl"), 20);
    std::atomic<bool> stop{false};
    uint64_t written = 0;
    std::thread wt([&] {
        while (!stop.load(std::memory_order_relaxed)) writer.Write(written++);
    });
    const double t0 = NowNs();
    while (NowNs() - t0 < seconds * 1e9) {
        sample();
        usleep(50000);
    }
    stop = true;
    wt.join();
    sample();
    const long hwm = StatusKb(pid, "VmHWM");
    /* After the clients leave, RSS should fall back near idle (the heap is trimmed a
     * second later): wait 1.5 s, then for it to stop falling, up to 5 s in all. */
    const double closed_at = NowNs();
    for (int fd : fds) close(fd);
    usleep(1500000);
    long rss_after = StatusKb(pid, "VmRSS");
    for (long previous = -1; previous != rss_after && NowNs() - closed_at < 5e9;) {
        usleep(250000);
        previous = rss_after;
        rss_after = StatusKb(pid, "VmRSS");
    }
    const double settle_s = (NowNs() - closed_at) / 1e9;

    /* What the limits promise: the output budget; past it, a reply for each batch
     * under way (they hold the server's BATCH_SLOTS, 4; a reply is at most a batch's
     * cap) and one more being sent; each connection's partial line; and the parsed
     * lines, the slots' batches and the one being read (nlohmann::json's tree of a
     * line is at most PARSED_PER_BYTE times its bytes: 30x measured for `{"":{}}`
     * repeated, 9.5x for requests). */
    constexpr size_t BATCH_SLOTS = 4;
    constexpr size_t PARSED_PER_BYTE = 32;
    const long bound_kb =
        rss_idle + static_cast<long>((max_output_total + (BATCH_SLOTS + 1) * max_output) / 1024) +
        static_cast<long>(static_cast<size_t>(clients) * max_line / 1024) +
        static_cast<long>((BATCH_SLOTS + 1) * PARSED_PER_BYTE * max_line / 1024);
    std::printf(
        "RESULT %s clients=%d changes=%llu rss_idle_kb=%ld rss_max_kb=%ld hwm_kb=%ld "
        "rss_after_kb=%ld settle_s=%.2f bound_kb=%ld within=%d\n",
        tag.c_str(), clients, static_cast<unsigned long long>(written), rss_idle, rss_max, hwm,
        rss_after, settle_s, bound_kb, rss_max <= bound_kb ? 1 : 0);
    return 0;
}

}  // namespace Bench
