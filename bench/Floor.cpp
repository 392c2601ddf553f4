// SPDX-License-Identifier: GPL-3.0-or-later
/* floor: the least a fan-out can cost. A child process writes the same pre-encoded
 * line to N sockets, one write() per socket per change, while this process reads
 * them as `fanout`'s subscribers read the daemon; its CPU per line is what the
 * daemon's CPU per notification is set against (issue 17). Unpaced, it writes as fast
 * as it can, and its readers are always awake; with --rate (lines a second in all,
 * the daemon's notifications_per_s) it writes a change's lines to every socket at the
 * daemon's pace and sleeps in between, so each write also wakes a reader, as each of
 * the daemon's does. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Proc.hpp"

namespace Bench {

namespace {

/** Writes @p line to every fd until @p seconds are over, @p changes_per_s rounds a
 *  second (0: as fast as it can); never returns. */
[[noreturn]] void WriteLines(const std::vector<int>& fds, const std::string& line, double seconds,
                             double changes_per_s) {
    const double t0 = NowNs();
    for (uint64_t round = 0; NowNs() - t0 < seconds * 1e9; ++round) {
        if (changes_per_s > 0) {
            /* Absolute ticks: the pace holds over the run; a round due while the
             * last one still ran starts at once. */
            const auto due =
                static_cast<int64_t>(t0 + static_cast<double>(round) * 1e9 / changes_per_s);
            const timespec at{static_cast<time_t>(due / 1'000'000'000),
                              static_cast<long>(due % 1'000'000'000)};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
        }
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
    const double rate = a.Num("rate", 0);
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
        WriteLines(theirs, line, seconds, rate / nclients);
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
        "RESULT floor clients=%d paced=%d line_bytes=%zu notifications=%llu "
        "notifications_per_s=%.0f writer_cpu_s=%.3f cpu_us_per_notification=%.3f\n",
        nclients, rate > 0 ? 1 : 0, line.size(), static_cast<unsigned long long>(lines),
        lines / busy_s, cpu, lines ? cpu * 1e6 / static_cast<double>(lines) : 0.0);
    for (int fd : ours) close(fd);
    close(ep);
    return 0;
}

}  // namespace Bench
