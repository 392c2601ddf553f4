// SPDX-License-Identifier: GPL-3.0-or-later
/* startup: runs the daemon with a NOTIFY_SOCKET of its own and times it to READY=1. */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Proc.hpp"

namespace Bench {

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

}  // namespace Bench
