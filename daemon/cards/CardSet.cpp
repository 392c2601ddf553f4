// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/cards/CardSet.hpp"

#include <unistd.h>

#include <cerrno>

#include "alsa/Discovery.hpp"
#include "daemon/Log.hpp"

namespace {
constexpr auto FIRST_RETRY = std::chrono::milliseconds(100);
constexpr auto LAST_RETRY = std::chrono::milliseconds(1600);
}  // namespace

CardSet::CardSet(Event::EventLoop& loop, Core::StateCache& cache, const Options& options,
                 Listener& listener)
    : loop_(loop),
      cache_(cache),
      options_(options),
      listener_(listener),
      reap_(loop, [this]() noexcept { closed_.clear(); }),
      rescan_(loop, [this]() noexcept { Rescan(); }),
      retry_(loop, [this]() noexcept { Rescan(); }),
      hotplug_(loop, options.simulator_dir, [this]() noexcept {
          retry_delay_ = std::chrono::milliseconds(0);
          rescan_.Schedule();
      }) {}

CardSet::~CardSet() = default;

void CardSet::Start() {
    if (options_.watch_dev_snd) hotplug_.Start();
    Rescan();
    /* The devices present at start are online before the daemon says it is ready; one
     * that takes longer than the I/O bound comes online when it has answered. */
    const auto deadline = std::chrono::steady_clock::now() + options_.io_bound;
    std::vector<std::string> ids;
    for (const auto& [id, card] : opening_) ids.push_back(id);
    for (const auto& id : ids)
        if (const auto it = opening_.find(id); it != opening_.end())
            it->second->Io().AwaitOpen(deadline);
}

OpenCard* CardSet::Find(const std::string& id) noexcept {
    const auto it = cards_.find(id);
    return it == cards_.end() ? nullptr : it->second.get();
}

void CardSet::Close(const std::string& id, const char* reason) noexcept {
    auto it = cards_.find(id);
    if (it == cards_.end()) return;
    /* Out of the epoll set now; snd_ctl_close() right after the current callback,
     * which may be this card's own. */
    it->second->StopWatching();
    closed_.push_back(std::move(it->second));
    cards_.erase(it);
    reap_.Schedule();
    Log::Notice(id + ": " + reason, {.device = id});
    cache_.SetOffline(id);
    listener_.OnCardOffline(id);
    /* A vanished card may come back under a new number: hotplug will find it. */
}

void CardSet::Rescan() noexcept {
    std::vector<Alsa::CardIdentity> found;
    /* A card still registering, or whose node udev has not opened to us yet, is
     * retried by timer; the loop never sleeps. */
    bool retry = false;
    try {
        found = options_.discover
                    ? options_.discover()
                    : Alsa::DiscoverCards(Alsa::DiscoveryOptions{.extra_ctls = options_.cards,
                                                                 .all_cards = options_.all_cards},
                                          &retry);
        for (const auto& sim : options_.simulated)
            if (access(sim.socket_path.c_str(), F_OK) == 0) found.push_back(sim.identity);
    } catch (const std::exception& e) {
        Log::Warning(std::string("card discovery: ") + e.what());
        return;
    }
    std::set<int> open_indexes;
    for (const auto* cards : {&cards_, &opening_})
        for (const auto& [id, card] : *cards) open_indexes.insert(card->GetIdentity().card);

    bool started = false;
    for (const auto& identity : found) {
        if (cards_.contains(identity.id) || opening_.contains(identity.id)) continue;
        if (identity.card >= 0 && open_indexes.contains(identity.card)) continue;
        StartOpen(identity);
        started = true;
    }

    if (retry) {
        ScheduleRetry();
    } else if (!started && opening_.empty()) {
        /* Every card found is open: no more retries until hotplug says something. */
        retry_delay_ = std::chrono::milliseconds(0);
        retry_.Cancel();
    }
}

void CardSet::ScheduleRetry() noexcept {
    if (retry_.IsPending()) return;
    retry_delay_ = retry_delay_.count() == 0 ? FIRST_RETRY : retry_delay_ * 2;
    if (retry_delay_ <= LAST_RETRY) retry_.Schedule(retry_delay_);
}

void CardSet::StartOpen(const Alsa::CardIdentity& identity) noexcept {
    const std::string id = identity.id;
    try {
        auto card = std::make_unique<OpenCard>(loop_, cache_, identity, options_.io_bound,
                                               [this, id]() noexcept { Close(id, "unplugged"); });
        OpenCard& opening = *card;
        opening_.emplace(id, std::move(card));
        opening.Open(options_.open_card,
                     [this, id](std::exception_ptr error) noexcept { OnOpened(id, error); });
    } catch (...) {
        opening_.erase(id);
        OpenFailed(identity, std::current_exception());
    }
}

void CardSet::OnOpened(const std::string& id, std::exception_ptr error) noexcept {
    const auto it = opening_.find(id);
    if (it == opening_.end()) return;
    std::unique_ptr<OpenCard> card = std::move(it->second);
    opening_.erase(it);
    const Alsa::CardIdentity& identity = card->GetIdentity();
    try {
        if (error) std::rethrow_exception(error);
        auto controls = card->GetControls();
        Log::Notice(id + ": online as " + identity.ctl + " (" + identity.name + ", " +
                        std::to_string(controls.size()) + " controls)",
                    {.device = id});
        cache_.SetOnline(identity, std::move(controls));
        reported_inaccessible_.erase(id);
        const Alsa::CardIdentity online = identity;
        cards_.emplace(id, std::move(card));
        listener_.OnCardOnline(online);
        return;
    } catch (...) {
        OpenFailed(identity, std::current_exception());
    }
    /* Called from the card's own callback: destroyed after it. */
    card->StopWatching();
    closed_.push_back(std::move(card));
    reap_.Schedule();
}

void CardSet::OpenFailed(const Alsa::CardIdentity& identity, std::exception_ptr failure) noexcept {
    /* No failure leaves a plugged card offline for good: each is retried (backing
     * off), said once per card, and one for want of file descriptors also when some
     * are released (OnFdsReleased). udev applies GROUP/MODE/ACLs after devtmpfs made
     * the node: permissions are the common case, and they change with IN_ATTRIB. */
    ScheduleRetry();
    int error = 0;
    std::string what = "unknown failure";
    try {
        std::rethrow_exception(failure);
    } catch (const Alsa::Error& e) {
        error = e.GetErrno();
        what = e.what();
    } catch (const std::system_error& e) {
        error = e.code().value();
        what = e.what();
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    if (error == EMFILE || error == ENFILE) fd_starved_ = true;
    if (!reported_inaccessible_.insert(identity.id).second) return;
    if (error == EACCES || error == EPERM || error == ENOENT)
        Log::Notice(identity.ctl + " (" + identity.name + "): cannot open it yet (" + what +
                        "); waiting for its permissions to change",
                    {.device = identity.id});
    else
        Log::Warning(
            identity.ctl + " (" + identity.name + "): cannot open it (" + what + "); trying again",
            {.device = identity.id});
}

void CardSet::OnFdsReleased() noexcept {
    if (!fd_starved_) return;
    fd_starved_ = false;
    retry_delay_ = std::chrono::milliseconds(0);
    rescan_.Schedule();
}
