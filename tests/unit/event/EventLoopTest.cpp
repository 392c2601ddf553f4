// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "Pipe.hpp"
#include "event/Callback.hpp"
#include "event/Deferred.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"

using namespace std::chrono_literals;
using Event::EventLoop;
using TestEvent::Pipe;

namespace {
auto throwing = [] {};
auto nothrow = []() noexcept {};
}  // namespace

/* Callbacks are noexcept in their type: a callable that may throw does not convert. */
static_assert(!std::is_constructible_v<Event::Callback<void()>, decltype(throwing)>);
static_assert(std::is_constructible_v<Event::Callback<void()>, decltype(nothrow)>);
static_assert(noexcept(std::declval<Event::Timer&>().Schedule(Event::Timer::Clock::duration{})));
static_assert(noexcept(std::declval<Event::Deferred&>().Schedule()));
static_assert(noexcept(std::declval<Event::FdWatch&>().Open(0, 0)));
static_assert(noexcept(std::declval<Event::FdWatch&>().Modify(0)));

TEST_CASE("EventLoop dispatches a readable fd and stays asleep when nothing happens") {
    EventLoop loop;
    Pipe p;
    int calls = 0;
    Event::FdWatch w(loop, [&](uint32_t ev) noexcept {
        CHECK((ev & EPOLLIN) != 0);
        ++calls;
        p.Drain();
    });
    REQUIRE(w.Open(p.r.Get(), EPOLLIN));
    loop.RunOnce(0);
    CHECK(calls == 0);
    p.Put();
    loop.RunOnce(1000);
    CHECK(calls == 1);
    loop.RunOnce(0);
    CHECK(calls == 1);
}

TEST_CASE("FdWatch: Modify silences and restores, a refused fd is reported, not thrown") {
    EventLoop loop;
    Pipe p;
    int calls = 0;
    Event::FdWatch w(loop, [&](uint32_t) noexcept { ++calls; });
    REQUIRE(w.Open(p.r.Get(), EPOLLIN));
    p.Put();
    REQUIRE(w.Modify(0));
    loop.RunOnce(0);
    CHECK(calls == 0);
    REQUIRE(w.Modify(EPOLLIN));
    loop.RunOnce(0);
    CHECK(calls == 1);
    w.Cancel();
    CHECK_FALSE(w.IsOpen());
    /* epoll refuses a closed fd (and regular files): false with errno, no exception. */
    Event::FdWatch bad(loop, [&](uint32_t) noexcept { ++calls; });
    errno = 0;
    CHECK_FALSE(bad.Open(9999, EPOLLIN));
    CHECK(errno == EBADF);
    CHECK_FALSE(bad.IsOpen());
}

TEST_CASE("EventLoop skips a watch cancelled or destroyed earlier in the same round") {
    EventLoop loop;
    Pipe a, b;
    std::unique_ptr<Event::FdWatch> wb;
    int a_calls = 0, b_calls = 0;
    Event::FdWatch wa(loop, [&](uint32_t) noexcept {
        ++a_calls;
        a.Drain();
        wb.reset();
    });
    wb = std::make_unique<Event::FdWatch>(loop, [&](uint32_t) noexcept {
        ++b_calls;
        b.Drain();
        wa.Cancel();
    });
    REQUIRE(wa.Open(a.r.Get(), EPOLLIN));
    REQUIRE(wb->Open(b.r.Get(), EPOLLIN));
    a.Put();
    b.Put();
    loop.RunOnce(1000);
    /* Whichever ran first removed the other before it could run. */
    CHECK(a_calls + b_calls == 1);
}

TEST_CASE("Timers fire in order, can be cancelled and re-armed, and leave the timerfd disarmed") {
    EventLoop loop;
    std::vector<int> order;
    Event::Timer t1(loop, [&]() noexcept { order.push_back(1); });
    Event::Timer t2(loop, [&]() noexcept { order.push_back(2); });
    Event::Timer t3(loop, [&]() noexcept { order.push_back(3); });
    t2.Schedule(20ms);
    t1.Schedule(5ms);
    t3.Schedule(10ms);
    t3.Cancel();
    /* Re-arming moves the timer: t2 now comes first. */
    t2.Schedule(1ms);
    CHECK(t1.IsPending());
    while (order.size() < 2) loop.RunOnce(1000);
    CHECK(order == std::vector<int>{2, 1});
    CHECK_FALSE(t3.IsPending());
    /* Nothing pending: a bounded wait returns with no timer callback. */
    const auto wakeups = loop.GetWakeups();
    loop.RunOnce(50);
    CHECK(loop.GetWakeups() == wakeups + 1);
    CHECK(order.size() == 2);
    /* A fired timer can be armed again from its own callback. */
    int again = 0;
    Event::Timer* self = nullptr;
    Event::Timer t4(loop, [&]() noexcept {
        if (++again < 3) self->Schedule(1ms);
    });
    self = &t4;
    t4.Schedule(1ms);
    while (again < 3) loop.RunOnce(1000);
    CHECK_FALSE(t4.IsPending());
}

TEST_CASE("Due timers run after the fds of the same round, whichever was ready first") {
    EventLoop loop;
    Pipe p;
    std::vector<std::string> order;
    Event::FdWatch w(loop, [&](uint32_t) noexcept {
        order.push_back("fd");
        p.Drain();
    });
    REQUIRE(w.Open(p.r.Get(), EPOLLIN));
    /* The timer is due (the timerfd readable) before the pipe is: work that yielded
     * its turn must still come after a client that became ready meanwhile. */
    Event::Timer t(loop, [&]() noexcept { order.push_back("timer"); });
    t.Schedule(0ms);
    std::this_thread::sleep_for(1ms);
    p.Put();
    loop.RunOnce(1000);
    CHECK(order == std::vector<std::string>{"fd", "timer"});
}

TEST_CASE("A timer far in the future saturates instead of wrapping into the past") {
    EventLoop loop;
    int far = 0, near = 0;
    Event::Timer t_far(loop, [&]() noexcept { ++far; });
    Event::Timer t_near(loop, [&]() noexcept { ++near; });
    /* Wrapped, the far one would come first in the list, armed in the past. */
    t_far.Schedule(Event::Timer::Clock::duration::max());
    t_near.Schedule(std::chrono::milliseconds(1));
    for (int i = 0; i < 20 && near == 0; ++i) loop.RunOnce(50);
    CHECK(near == 1);
    CHECK(far == 0);
    CHECK(t_far.IsPending());
}

TEST_CASE("Deferred work runs once per schedule, in order, after dispatch, before sleeping") {
    EventLoop loop;
    Pipe p;
    std::vector<std::string> log;
    Event::Deferred flush(loop, [&]() noexcept { log.push_back("flush"); });
    Event::Deferred second(loop, [&]() noexcept { log.push_back("second"); });
    Event::Deferred third(loop, [&]() noexcept { log.push_back("third"); });
    Event::FdWatch w(loop, [&](uint32_t) noexcept {
        p.Drain();
        log.push_back("fd");
        flush.Schedule();
        second.Schedule();
        third.Schedule();
        flush.Schedule();
        second.Cancel();
    });
    REQUIRE(w.Open(p.r.Get(), EPOLLIN));
    p.Put();
    loop.RunOnce(1000);
    CHECK(log == std::vector<std::string>{"fd", "flush", "third"});
    flush.Schedule();
    flush.Cancel();
    loop.RunOnce(0);
    CHECK(log.size() == 3);
}

TEST_CASE("Late deferred work waits for all normal work, including what that schedules") {
    /* The daemon's order: a card event schedules its check (late) and a notification
     * (normal), whose flush schedules the write (normal): the write goes first. */
    EventLoop loop;
    Pipe p;
    std::vector<std::string> log;
    Event::Deferred write(loop, [&]() noexcept { log.push_back("write"); });
    Event::Deferred notify(loop, [&]() noexcept {
        log.push_back("notify");
        write.Schedule();
    });
    Event::Deferred info(loop, [&]() noexcept { log.push_back("info"); });
    Event::Deferred other(
        loop, [&]() noexcept { log.push_back("other late"); }, Event::Deferred::Order::Late);
    Event::Deferred check(
        loop,
        [&]() noexcept {
            log.push_back("check");
            info.Schedule(); /* found a change: told before the next late work */
        },
        Event::Deferred::Order::Late);
    Event::FdWatch w(loop, [&](uint32_t) noexcept {
        p.Drain();
        log.push_back("fd");
        check.Schedule();
        other.Schedule();
        notify.Schedule();
    });
    REQUIRE(w.Open(p.r.Get(), EPOLLIN));
    p.Put();
    loop.RunOnce(1000);
    CHECK(log == std::vector<std::string>{"fd", "notify", "write", "check", "info", "other late"});

    SUBCASE("cancelled late work does not run") {
        log.clear();
        check.Schedule();
        other.Schedule();
        check.Cancel();
        loop.RunOnce(0);
        CHECK(log == std::vector<std::string>{"other late"});
    }
}

TEST_CASE("Break ends Run from inside a callback") {
    EventLoop loop;
    Event::Timer t(loop, [&]() noexcept { loop.Break(); });
    t.Schedule(1ms);
    loop.Run();
    CHECK_FALSE(t.IsPending());
}
