// SPDX-License-Identifier: GPL-3.0-or-later
/* The event sources built on FdWatch: signals, child processes, inotify. */
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "event/ChildWatch.hpp"
#include "event/EventLoop.hpp"
#include "event/InotifyWatch.hpp"
#include "event/SignalWatch.hpp"

using Event::EventLoop;

namespace {

bool IsBlocked(int signal) {
    sigset_t current;
    sigprocmask(SIG_BLOCK, nullptr, &current);
    return sigismember(&current, signal) == 1;
}

/** Runs @p loop until @p done or about 5 s have passed. */
template <typename Predicate>
void RunUntil(EventLoop& loop, Predicate done) {
    for (int i = 0; i < 100 && !done(); ++i) loop.RunOnce(50);
}

}  // namespace

TEST_CASE("SignalWatch delivers signals in the loop and restores the mask") {
    EventLoop loop;
    REQUIRE_FALSE(IsBlocked(SIGUSR1));
    std::vector<int> seen;
    {
        Event::SignalWatch signals(loop, {SIGUSR1, SIGUSR2},
                                   [&](int signal) noexcept { seen.push_back(signal); });
        CHECK(IsBlocked(SIGUSR1));
        CHECK(IsBlocked(SIGUSR2));
        raise(SIGUSR2);
        raise(SIGUSR1);
        RunUntil(loop, [&] { return seen.size() == 2; });
        /* Pending signals are delivered lowest number first. */
        CHECK(seen == std::vector<int>{SIGUSR1, SIGUSR2});
    }
    CHECK_FALSE(IsBlocked(SIGUSR1));
    CHECK_FALSE(IsBlocked(SIGUSR2));
}

TEST_CASE("ChildWatch reaps a child when it ends and reports its status") {
    EventLoop loop;
    int status = -1;
    int calls = 0;
    Event::ChildWatch child(loop, [&](int s) noexcept {
        status = s;
        ++calls;
    });
    child.Spawn({"sh", "-c", "exit 7"});
    const pid_t pid = child.GetPid();
    CHECK(child.IsRunning());
    RunUntil(loop, [&] { return calls == 1; });
    REQUIRE(calls == 1);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 7);
    CHECK_FALSE(child.IsRunning());
    /* Reaped: no zombie is left to wait for. */
    CHECK(waitpid(pid, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);

    SUBCASE("a killed child, with the parent's blocked signals cleared in it") {
        sigset_t block, previous;
        sigemptyset(&block);
        sigaddset(&block, SIGTERM);
        sigprocmask(SIG_BLOCK, &block, &previous);
        child.Spawn({"sleep", "10"});
        sigprocmask(SIG_SETMASK, &previous, nullptr);
        CHECK(child.Kill(SIGTERM));
        RunUntil(loop, [&] { return calls == 2; });
        REQUIRE(calls == 2);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == SIGTERM);
    }
    SUBCASE("a program that cannot be run exits 127") {
        child.Spawn({"/nonexistent/scarlettd-test"});
        RunUntil(loop, [&] { return calls == 2; });
        REQUIRE(calls == 2);
        CHECK(WEXITSTATUS(status) == 127);
    }
}

TEST_CASE("InotifyWatch reports named events, one done() per batch") {
    EventLoop loop;
    char tmpl[] = "/tmp/scarlettd-inotify-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const std::string dir = tmpl;
    std::vector<std::string> names;
    int batches = 0;
    Event::InotifyWatch watch(
        loop, [&](const Event::InotifyEvent& ev) noexcept { names.emplace_back(ev.name); },
        [&]() noexcept { ++batches; });
    CHECK(watch.Add(dir.c_str(), IN_CREATE) == -1);  // not open yet
    REQUIRE(watch.Open());
    const int wd = watch.Add(dir.c_str(), IN_CREATE | IN_ATTRIB);
    REQUIRE(wd >= 0);
    for (const char* name : {"controlC0", "pcmC0D0p"}) {
        const int fd = creat((dir + "/" + name).c_str(), 0600);
        REQUIRE(fd >= 0);
        close(fd);
    }
    RunUntil(loop, [&] { return names.size() >= 2; });
    CHECK(names == std::vector<std::string>{"controlC0", "pcmC0D0p"});
    CHECK(batches >= 1);
    CHECK(batches <= 2);
    chmod((dir + "/controlC0").c_str(), 0666);
    RunUntil(loop, [&] { return names.size() >= 3; });
    CHECK(names.back() == "controlC0");
    watch.Remove(wd);
    std::filesystem::remove_all(dir);
}
