// SPDX-License-Identifier: GPL-3.0-or-later
/* floor: the least a fan-out can cost. A child process writes the same pre-encoded
 * line to N sockets, one write() per socket per change, while this process reads
 * them as `fanout`'s subscribers read the daemon; its CPU per line is what the
 * daemon's CPU per notification is set against (issue 17). */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Proc.hpp"

namespace Bench {

namespace {

/** Writes @p line to every fd until @p seconds are over; never returns. */
[[noreturn]] void WriteLines(const std::vector<int>& fds, const std::string& line, double seconds) {
    const double t0 = NowNs();
    while (NowNs() - t0 < seconds * 1e9) {
        for (int fd : fds) {
            size_t done = 0;
            while (done < line.size()) {
                const ssize_t n = write(fd, line.data() + done, line.size() - done);
                if (n <= 0) _exit(1);
                done += static_cast<size_t>(n);
            }
        }
    }
    _exit(0);
}

}  // namespace

int Floor(const Args& a) {
    RaiseFdLimit();
    const int nclients = static_cast<int>(a.Num("clients", 1));
    const double seconds = a.Num("seconds", 2);
    const size_t bytes = static_cast<size_t>(a.Num("line-bytes", 200));
    if (nclients < 1 || bytes < 2) Die("floor: --clients >= 1 and --line-bytes >= 2");
    /* A notification-shaped line of the asked size. */
    std::string line = R"({"jsonrpc":"2.0","method":"controls.changed","params":{"x":")";
    line.resize(bytes - 4 > line.size() ? bytes - 4 : line.size(), 'x');
    line += "\"}}\n";

    std::vector<int> ours;
    std::vector<int> theirs;
    for (int i = 0; i < nclients; ++i) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) Die("socketpair");
        ours.push_back(pair[0]);
        theirs.push_back(pair[1]);
    }
    const pid_t child = fork();
    if (child < 0) Die("fork");
    if (child == 0) {
        for (int fd : ours) close(fd);
        WriteLines(theirs, line, seconds);
    }
    for (int fd : theirs) close(fd);

    const int ep = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < ours.size(); ++i) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep, EPOLL_CTL_ADD, ours[i], &ev);
    }
    const double t0 = NowNs();
    uint64_t received = 0;
    size_t open = ours.size();
    std::vector<epoll_event> events(256);
    char chunk[65536];
    /* Read until every writer end is closed (the child exited). */
    while (open > 0) {
        const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
        for (int i = 0; i < n; ++i) {
            const int fd = ours[events[i].data.u64];
            const ssize_t r = read(fd, chunk, sizeof(chunk));
            if (r > 0) {
                received += static_cast<uint64_t>(r);
            } else {
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
                --open;
            }
        }
    }
    const double busy_s = (NowNs() - t0) / 1e9;
    /* Children's times count once waited for. */
    const double cpu = CpuSeconds(child);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("floor: the writer failed");
    const uint64_t lines = received / line.size();
    std::printf(
        "RESULT floor clients=%d line_bytes=%zu notifications=%llu notifications_per_s=%.0f "
        "writer_cpu_s=%.3f cpu_us_per_notification=%.3f\n",
        nclients, line.size(), static_cast<unsigned long long>(lines), lines / busy_s, cpu,
        lines ? cpu * 1e6 / static_cast<double>(lines) : 0.0);
    for (int fd : ours) close(fd);
    close(ep);
    return 0;
}

}  // namespace Bench
