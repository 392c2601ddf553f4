// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Which ALSA cards the daemon uses. The selection is pure (SelectCards, IsWanted)
 * so that it can be tested on recorded /proc and /sys trees; DiscoverCards adds the
 * libasound enumeration.
 */

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alsa/Types.hpp"

namespace Alsa {

struct DiscoveryOptions {
    /** --card NAME, repeatable: "hw:0", "hw:USB", "hw:CARD=USB" or a plugin ctl name. */
    std::vector<std::string> extra_ctls;
    /** Use every card, Focusrite or not. */
    bool all_cards = false;
    std::string proc_root = "/proc";
    std::string sys_root = "/sys";
};

/**
 * The card part of a hw ctl name: "hw:2" -> "2", "hw:USB" and "hw:CARD=USB" -> "USB".
 * @return nullopt for names that are not hw ctls (plugin ctls)
 */
std::optional<std::string> ParseHwCtlName(std::string_view name);

/** Whether @p ctl_name (a --card argument) names the card @p identity. */
bool IsNamedBy(const CardIdentity& identity, std::string_view ctl_name);

/** Whether to use the card: a Focusrite, named by --card, or --all-cards. */
bool IsWanted(const CardIdentity& identity, const DiscoveryOptions& options);

/**
 * The cards to use, from the cards present now (ReadCardIdentity of each index),
 * followed by one identity per plugin ctl in options.extra_ctls (card -1).
 */
std::vector<CardIdentity> SelectCards(const std::vector<CardIdentity>& present,
                                      const DiscoveryOptions& options);

/** hw names in options.extra_ctls that match none of @p present (to log them). */
std::vector<std::string> FindMissingCtls(const std::vector<CardIdentity>& present,
                                         const DiscoveryOptions& options);

/**
 * The identity of ALSA card @p card: ReadCardIdentity(), with names the proc tree
 * lacks filled in from snd_ctl_card_info() when the control device can be opened.
 * Waits up to 100 ms for a card that is still registering (IsCardRegistered()).
 * card_id stays empty if the card cannot be identified (yet).
 */
CardIdentity IdentifyCard(int card, const DiscoveryOptions& options);

/**
 * Enumerates the cards present (snd_card_next) and selects them with SelectCards().
 * Cards that cannot be identified yet (no ALSA id from proc or ctl) are left out:
 * an id derived without it would change once they are. Plugin ctls get their names
 * from snd_ctl_card_info() when they open. Does not throw on inaccessible cards.
 * @param incomplete set to true when a card was left out because it is still being
 *        registered: the caller should look again shortly (by timer, not by sleeping).
 */
std::vector<CardIdentity> DiscoverCards(const DiscoveryOptions& options,
                                        bool* incomplete = nullptr);

}  // namespace Alsa
