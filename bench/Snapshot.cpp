// SPDX-License-Identifier: GPL-3.0-or-later
/* snapshot: what a client that subscribes with a snapshot costs the daemon (a status
 * bar or a tablet connecting, the chaos test's churners): connect, subscribe, read
 * the whole answer, close; one client at a time. */
#include <unistd.h>

#include <cstdio>
#include <string>

#include "bench/Bench.hpp"
#include "bench/Client.hpp"
#include "bench/Proc.hpp"

namespace Bench {

int Snapshot(const Args& a) {
    const std::string path = a.Get("socket-dir") + "/control.sock";
    const pid_t pid = static_cast<pid_t>(a.Num("pid", 0));
    const int count = static_cast<int>(a.Num("count", 200));
    if (pid == 0 || count < 1) Die("snapshot needs --pid P and --count N >= 1");
    const std::string request =
        R"({"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"snapshot":true}})"
        "\n";
    size_t bytes = 0;
    std::string reply;
    char buffer[1 << 16];
    const double cpu0 = CpuSeconds(pid);
    const double t0 = NowNs();
    for (int i = 0; i < count; ++i) {
        const int fd = ConnectUnix(path);
        WriteAll(fd, request);
        reply.clear();
        while (reply.empty() || reply.back() != '\n') {
            const ssize_t n = read(fd, buffer, sizeof(buffer));
            if (n <= 0) Die("the daemon closed before its answer to subscribe");
            reply.append(buffer, static_cast<size_t>(n));
        }
        if (reply.find("\"snapshot\"") == std::string::npos) Die("no snapshot in: " + reply);
        bytes = reply.size();
        close(fd);
    }
    const double wall_us = (NowNs() - t0) / 1e3 / count;
    const double cpu_us = (CpuSeconds(pid) - cpu0) * 1e6 / count;
    std::printf(
        "RESULT %s count=%d reply_bytes=%zu cpu_us_per_snapshot=%.1f wall_us_per_snapshot=%.1f\n",
        a.Get("tag", "snapshot").c_str(), count, bytes, cpu_us, wall_us);
    return 0;
}

}  // namespace Bench
