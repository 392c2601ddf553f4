// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <memory>

#include "daemon/event/EventLoop.hpp"

using namespace std::chrono_literals;
using Event::EventLoop;

namespace {
struct Pipe {
    Event::UniqueFd r, w;
    Pipe() {
        int fds[2];
        REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
        r.Reset(fds[0]);
        w.Reset(fds[1]);
    }
    void Put() { REQUIRE(write(w.Get(), "x", 1) == 1); }
    void Drain() {
        char buf[16];
        while (read(r.Get(), buf, sizeof(buf)) > 0) {
        }
    }
};
}  // namespace

TEST_CASE("EventLoop dispatches a readable fd and stays asleep when nothing happens") {
    EventLoop loop;
    Pipe p;
    int calls = 0;
    Event::FdWatch w(loop, [&](uint32_t ev) {
        CHECK((ev & EPOLLIN) != 0);
        ++calls;
        p.Drain();
    });
    w.Open(p.r.Get(), EPOLLIN);
    loop.RunOnce(0);
    CHECK(calls == 0);
    p.Put();
    loop.RunOnce(1000);
    CHECK(calls == 1);
    loop.RunOnce(0);
    CHECK(calls == 1);
}

TEST_CASE("EventLoop skips a watch cancelled earlier in the same round") {
    EventLoop loop;
    Pipe a, b;
    std::unique_ptr<Event::FdWatch> wb;
    int a_calls = 0, b_calls = 0;
    Event::FdWatch wa(loop, [&](uint32_t) {
        ++a_calls;
        a.Drain();
        wb.reset();
    });
    wb = std::make_unique<Event::FdWatch>(loop, [&](uint32_t) {
        ++b_calls;
        b.Drain();
        wa.Cancel();
    });
    wa.Open(a.r.Get(), EPOLLIN);
    wb->Open(b.r.Get(), EPOLLIN);
    a.Put();
    b.Put();
    loop.RunOnce(1000);
    /* Whichever ran first removed the other before it could run. */
    CHECK(a_calls + b_calls == 1);
}

TEST_CASE("Timers fire in order, can be cancelled, and leave the timerfd disarmed") {
    EventLoop loop;
    std::vector<int> order;
    Event::Timer t1(loop, [&] { order.push_back(1); });
    Event::Timer t2(loop, [&] { order.push_back(2); });
    Event::Timer t3(loop, [&] { order.push_back(3); });
    t2.Schedule(20ms);
    t1.Schedule(5ms);
    t3.Schedule(10ms);
    t3.Cancel();
    CHECK(t1.IsPending());
    while (order.size() < 2) loop.RunOnce(1000);
    CHECK(order == std::vector<int>{1, 2});
    CHECK_FALSE(t3.IsPending());
    /* Nothing pending: a bounded wait returns with no timer callback. */
    const auto wakeups = loop.GetWakeups();
    loop.RunOnce(50);
    CHECK(loop.GetWakeups() == wakeups + 1);
    CHECK(order.size() == 2);
}

TEST_CASE("Deferred work runs once per schedule, after dispatch, before sleeping") {
    EventLoop loop;
    Pipe p;
    std::vector<std::string> log;
    Event::Deferred flush(loop, [&] { log.push_back("flush"); });
    Event::FdWatch w(loop, [&](uint32_t) {
        p.Drain();
        log.push_back("fd");
        flush.Schedule();
        flush.Schedule();
    });
    w.Open(p.r.Get(), EPOLLIN);
    p.Put();
    loop.RunOnce(1000);
    CHECK(log == std::vector<std::string>{"fd", "flush"});
    flush.Schedule();
    flush.Cancel();
    loop.RunOnce(0);
    CHECK(log.size() == 2);
}

TEST_CASE("Break ends Run from inside a callback") {
    EventLoop loop;
    Event::Timer t(loop, [&] { loop.Break(); });
    t.Schedule(1ms);
    loop.Run();
    CHECK_FALSE(t.IsPending());
}
