// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Heap allocations per control change on the thread that handles it, counted by
 * interposing malloc, calloc and realloc in this test binary only (operator new and
 * alsa-lib allocate through them): after warm-up, a value change read from the card
 * and told to N subscribers allocates nothing (issue 17).
 * SCD_ALLOC_TRACE=1 prints a backtrace of each counted allocation (build with
 * -rdynamic for names).
 */
#include <doctest/doctest.h>
#include <execinfo.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>

#include "alsa/CtlCard.hpp"
#include "daemon/methods/Table.hpp"
#include "tests/unit/alsa/FakeCtl.hpp"
#include "tests/unit/daemon/Parts.hpp"

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* p, size_t size);
}

namespace {

thread_local bool counting = false;
thread_local size_t allocations = 0;

void Count() {
    if (!counting || TestData::device_work_depth != 0) return;
    ++allocations;
    static const bool trace = std::getenv("SCD_ALLOC_TRACE") != nullptr;
    if (trace) {
        counting = false;
        void* frames[32];
        const int n = backtrace(frames, 32);
        (void)!write(2, "--- allocation\n", 15);
        backtrace_symbols_fd(frames, n, 2);
        counting = true;
    }
}

/** Counts what @p run allocates on this thread. */
template <class Run>
size_t Allocations(Run&& run) {
    allocations = 0;
    counting = true;
    run();
    counting = false;
    return allocations;
}

}  // namespace

extern "C" {
void* malloc(size_t size) {
    Count();
    return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
    Count();
    return __libc_calloc(count, size);
}
void* realloc(void* p, size_t size) {
    Count();
    return __libc_realloc(p, size);
}
}

namespace {

/** Allocations while the daemon's loop handles one change of numid 1 that
 *  @p subscribers subscribed connections are told, after warm-up (a mean). */
size_t DaemonAllocationsPerChange(int subscribers) {
    TestData::Parts parts({TestData::MakeSmallDevice("ALLOC", 1)});
    parts.cards->Start();
    std::vector<TestData::Peer> peers;
    for (int i = 0; i < subscribers; ++i) {
        peers.push_back(parts.Connect());
        Methods::Dispatch(*parts.context, *parts.last, "subscribe", {{"snapshot", false}});
    }
    parts.Pump();
    for (auto& peer : peers) peer.TakeLines();

    auto& device = *parts.cards_in_memory.devices[0].fake;
    size_t total = 0;
    const int warm_up = 50;
    const int measured = 20;
    for (int k = 0; k < warm_up + measured; ++k) {
        device.ExternalSet(1, {{k % 2 ? 100 : 120}, {}});
        const size_t n = Allocations([&] { parts.Pump(); });
        if (k >= warm_up) total += n;
        for (auto& peer : peers) REQUIRE(peer.TakeLines().size() == 1);
    }
    return total / measured;
}

struct QuietListener final : Alsa::CardListener {
    void OnControlValue(const Alsa::ControlInfo&, const Alsa::Value& value) noexcept override {
        last = value.numbers.empty() ? -1 : value.numbers[0];
        ++values;
    }
    void OnControlInfo(const Alsa::ControlInfo&, const Alsa::Value&) noexcept override {}
    void OnControlAdded(const Alsa::ControlInfo&, const Alsa::Value&) noexcept override {}
    void OnControlRemoved(const Alsa::ControlId&) noexcept override {}
    int64_t last = 0;
    int values = 0;
};

}  // namespace

TEST_CASE("A value change reaching N subscribers allocates nothing in the daemon once warm") {
    for (int n : {1, 10, 100}) {
        CAPTURE(n);
        CHECK(DaemonAllocationsPerChange(n) == 0);
    }
}

TEST_CASE("Reading a value change from a card allocates nothing once warm") {
    FakeCtl fake;
    FakeCtl::Elem volume;
    volume.name = "Mix A Input 01 Playback Volume";
    volume.count = 2;
    volume.max = 172;
    volume.values = {100, 100};
    fake.Add(volume);
    QuietListener listener;
    auto card = Alsa::OpenCard(fake.Open(), listener);
    size_t total = 0;
    for (int k = 0; k < 40; ++k) {
        fake.At(1).values = {k, k + 1};
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        auto fds = card->GetPollFds();
        fds[0].revents = POLLIN;
        /* Handling the event, then the access check it leaves for later. */
        const size_t n = Allocations([&] {
            CHECK(card->HandleEvents(fds));
            if (card->HasChecks()) card->RunChecks();
        });
        if (k >= 20) total += n;
        CHECK(listener.last == k);
    }
    CHECK(listener.values == 40);
    CHECK(total == 0);
}
