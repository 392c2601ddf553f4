// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/Options.hpp"
#include "daemon/cards/Hotplug.hpp"
#include "daemon/cards/OpenCard.hpp"
#include "daemon/core/StateCache.hpp"
#include "event/Deferred.hpp"
#include "event/Timer.hpp"

/**
 * The cards the daemon serves: finds them (discovery, --card, --simulate), opens
 * them into the state cache, follows hotplug, retries a card whose node it may not
 * open yet (backing off, then stopping: an idle daemon has no wakeups), and closes a
 * card that went away, keeping its device known, offline. Owns every OpenCard and
 * the Hotplug watch. Loop thread only.
 */
class CardSet {
  public:
    /** Told when a device comes online or goes offline (not when the set is destroyed). */
    class Listener {
      public:
        virtual void OnCardOnline(const Alsa::CardIdentity& identity) noexcept = 0;
        virtual void OnCardOffline(const std::string& id) noexcept = 0;

      protected:
        ~Listener() = default;
    };

    CardSet(Event::EventLoop& loop, Core::StateCache& cache, const Options& options,
            Listener& listener);
    /** Closes the cards quietly: no device goes offline on shutdown. */
    ~CardSet();
    CardSet(const CardSet&) = delete;
    CardSet& operator=(const CardSet&) = delete;

    /** Starts hotplug detection, then scans (so a card appearing between is not missed). */
    void Start();
    /** Looks for cards now (hotplug does this by itself; tests call it). */
    void Rescan() noexcept;

    /** The open card of device @p id, or null when it is offline. */
    OpenCard* Find(const std::string& id) noexcept;
    /** File descriptors were released (a client left): a card that could not be
     *  opened for want of them is tried again. */
    void OnFdsReleased() noexcept;
    /** Closes @p id's card (safe from its own callback) and marks the device offline. */
    void Close(const std::string& id, const char* reason) noexcept;
    size_t GetOnlineCount() const noexcept { return cards_.size(); }
    /** Cards online or opening: each has an I/O thread. */
    size_t GetCardCount() const noexcept { return cards_.size() + opening_.size(); }

    /** A card is being opened (on its I/O thread). */
    bool IsOpening() const noexcept { return !opening_.empty(); }
    /** A submitted write of some card is not done yet (tests drive the loop until not). */
    bool IsWriting() const noexcept {
        for (const auto& [id, card] : cards_)
            if (card->Io().IsBusy()) return true;
        return false;
    }

  private:
    /** Starts opening @p identity's card; OnOpened() follows. */
    void StartOpen(const Alsa::CardIdentity& identity) noexcept;
    void OnOpened(const std::string& id, std::exception_ptr error) noexcept;
    /** Says why (once per card) and tries again later. */
    void OpenFailed(const Alsa::CardIdentity& identity, std::exception_ptr failure) noexcept;
    /** Tries again later, backing off, then stopping (an idle daemon has no wakeups). */
    void ScheduleRetry() noexcept;

    Event::EventLoop& loop_;
    Core::StateCache& cache_;
    const Options& options_;
    Listener& listener_;
    std::map<std::string, std::unique_ptr<OpenCard>> cards_;    // online, by device id
    std::map<std::string, std::unique_ptr<OpenCard>> opening_;  // not yet
    /* Cards closed from inside their own callback, destroyed right after it. */
    std::vector<std::unique_ptr<OpenCard>> closed_;
    Event::Deferred reap_;
    Event::Deferred rescan_;
    Event::Timer retry_;
    std::chrono::milliseconds retry_delay_{0};
    std::set<std::string> reported_inaccessible_;
    /* An open failed with EMFILE/ENFILE since the last scan. */
    bool fd_starved_ = false;
    Hotplug hotplug_;
};
