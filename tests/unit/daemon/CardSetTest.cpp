// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "Parts.hpp"

using TestData::Parts;

namespace {

std::vector<TestData::Device> OneSmall() {
    return {TestData::MakeSmallDevice("CARDSET", 1)};
}
const std::string ID = "usb-1235-8215-CARDSET";

/** Makes every open of @p parts' cards fail with @p error, counting the attempts. */
void RefuseOpens(Parts& parts, int error, int& attempts) {
    parts.options.open_card = [error, &attempts](
                                  const std::string& ctl,
                                  Alsa::CardListener&) -> std::unique_ptr<Alsa::Card> {
        ++attempts;
        throw Alsa::Error(-error, "open " + ctl);
    };
}

}  // namespace

TEST_CASE("CardSet opens what discovery finds, once, and keeps a vanished device offline") {
    Parts parts(OneSmall());
    parts.cards->Start();
    CHECK(parts.online == std::vector<std::string>{ID});
    REQUIRE(parts.cards->Find(ID) != nullptr);
    CHECK(parts.cards->GetOnlineCount() == 1);
    REQUIRE(parts.cache.FindDevice(ID) != nullptr);
    CHECK(parts.cache.FindDevice(ID)->online);
    CHECK(parts.cache.FindDevice(ID)->controls.size() == 6 + TestData::DAEMON_CONTROLS);

    /* Found again: nothing happens. */
    parts.cards->Rescan();
    CHECK(parts.online.size() == 1);

    /* Unplugged: the card's own callback reports it; the card is closed after it. */
    parts.cards_in_memory.devices[0].fake->Unplug();
    parts.Pump();
    CHECK(parts.offline == std::vector<std::string>{ID});
    CHECK(parts.cards->Find(ID) == nullptr);
    CHECK(parts.cards->GetOnlineCount() == 0);
    REQUIRE(parts.cache.FindDevice(ID) != nullptr);
    CHECK_FALSE(parts.cache.FindDevice(ID)->online);

    /* Back: the same id comes online again. */
    parts.cards_in_memory.devices[0].fake->Replug();
    parts.cards->Rescan();
    parts.Pump();
    CHECK(parts.online == std::vector<std::string>{ID, ID});
    CHECK(parts.cache.FindDevice(ID)->online);
}

TEST_CASE("CardSet retries a card it may not open yet, sooner, then later, then stops") {
    Parts parts(OneSmall());
    int attempts = 0;
    int refusals = 3;
    auto open = parts.options.open_card;
    parts.options.open_card = [&](const std::string& ctl, Alsa::CardListener& listener) {
        ++attempts;
        if (refusals-- > 0) throw Alsa::Error(-EACCES, "open " + ctl);
        return open(ctl, listener);
    };
    const auto start = std::chrono::steady_clock::now();
    parts.cards->Start();
    CHECK(attempts == 1);
    CHECK(parts.online.empty());
    /* 100 ms, then 200, then 400: online after the fourth attempt, ~0.7 s in. */
    while (parts.online.empty() &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(3))
        parts.loop.RunOnce(100);
    CHECK(attempts == 4);
    CHECK(parts.online == std::vector<std::string>{ID});
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(700));

    SUBCASE("a card refused for good is given up after 1.6 s, with no timer left") {
        Parts stubborn(OneSmall());
        int tries = 0;
        RefuseOpens(stubborn, EPERM, tries);
        stubborn.cards->Start();
        const auto begun = std::chrono::steady_clock::now();
        while (tries < 6 && std::chrono::steady_clock::now() - begun < std::chrono::seconds(10))
            stubborn.loop.RunOnce(100);
        /* The first try and retries after 0.1, 0.2, 0.4, 0.8 and 1.6 s; then none. */
        CHECK(tries == 6);
        stubborn.RunFor(2000);
        CHECK(tries == 6);
        const auto wakeups = stubborn.loop.GetWakeups();
        stubborn.loop.RunOnce(300);
        CHECK(stubborn.loop.GetWakeups() == wakeups + 1);
        CHECK(tries == 6);
    }
}

TEST_CASE(
    "CardSet retries any failure; one for want of file descriptors also when some are freed") {
    SUBCASE("EIO: retried like a permission error") {
        Parts parts(OneSmall());
        int attempts = 0;
        RefuseOpens(parts, EIO, attempts);
        parts.cards->Start();
        parts.RunFor(400);
        CHECK(attempts >= 3);
        CHECK(parts.online.empty());
    }
    SUBCASE("EMFILE: tried again at once when a client leaves (its fds are free)") {
        Parts parts(OneSmall());
        int attempts = 0;
        bool starved = true;
        auto open = parts.options.open_card;
        parts.options.open_card = [&](const std::string& ctl, Alsa::CardListener& listener) {
            ++attempts;
            if (starved) throw Alsa::Error(-EMFILE, "open " + ctl);
            return open(ctl, listener);
        };
        parts.cards->Start();
        CHECK(attempts == 1);
        starved = false;
        parts.cards->OnFdsReleased();
        /* No waiting for the 100 ms retry: the release schedules a scan now. */
        parts.Pump();
        CHECK(attempts == 2);
        CHECK(parts.online == std::vector<std::string>{ID});
        /* Nothing was starved since: a later release scans nothing. */
        parts.cards->OnFdsReleased();
        parts.Pump();
        CHECK(attempts == 2);
    }
}

TEST_CASE("CardSet closes its cards quietly when destroyed") {
    auto parts = std::make_unique<Parts>(OneSmall());
    parts->cards->Start();
    REQUIRE(parts->online.size() == 1);
    parts->cards.reset();
    CHECK(parts->offline.empty());
    CHECK(parts->cache.FindDevice(ID)->online);
}
