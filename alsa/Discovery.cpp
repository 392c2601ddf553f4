// SPDX-License-Identifier: GPL-3.0-or-later
#include "alsa/Discovery.hpp"

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "alsa/Identity.hpp"

namespace Alsa {

namespace {

bool HasProc(const DiscoveryOptions& options) {
    std::error_code ec;
    return std::filesystem::is_directory(std::filesystem::path(options.proc_root) / "asound", ec);
}

bool IsNumber(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
}

/* Fills the names of @p identity from the ctl's card info, if it opens. */
void FillFromCtl(CardIdentity& identity, const std::string& ctl_name) {
    snd_ctl_t* ctl = nullptr;
    if (snd_ctl_open(&ctl, ctl_name.c_str(), SND_CTL_NONBLOCK) < 0) return;
    snd_ctl_card_info_t* info = nullptr;
    if (snd_ctl_card_info_malloc(&info) == 0) {
        if (snd_ctl_card_info(ctl, info) == 0) {
            auto fill = [](std::string& field, const char* value) {
                if (field.empty() && value != nullptr) field = value;
            };
            fill(identity.card_id, snd_ctl_card_info_get_id(info));
            fill(identity.driver, snd_ctl_card_info_get_driver(info));
            fill(identity.longname, snd_ctl_card_info_get_longname(info));
            if (identity.card < 0) identity.name.clear();
            fill(identity.name, snd_ctl_card_info_get_name(info));
        }
        snd_ctl_card_info_free(info);
    }
    snd_ctl_close(ctl);
}

}  // namespace

std::optional<std::string> ParseHwCtlName(std::string_view name) {
    constexpr std::string_view HW = "hw:";
    constexpr std::string_view CARD = "CARD=";
    if (!name.starts_with(HW)) return std::nullopt;
    name.remove_prefix(HW.size());
    if (name.starts_with(CARD)) name.remove_prefix(CARD.size());
    /* "hw:0,1" style device suffixes and empty names are not card names. */
    if (name.empty() || name.find_first_of(",:") != std::string_view::npos) return std::nullopt;
    return std::string(name);
}

bool IsNamedBy(const CardIdentity& identity, std::string_view ctl_name) {
    if (identity.card < 0) return false;
    const auto spec = ParseHwCtlName(ctl_name);
    if (!spec) return false;
    if (IsNumber(*spec)) return *spec == std::to_string(identity.card);
    return !identity.card_id.empty() && *spec == identity.card_id;
}

bool IsWanted(const CardIdentity& identity, const DiscoveryOptions& options) {
    if (options.all_cards || IsFocusrite(identity)) return true;
    return std::any_of(options.extra_ctls.begin(), options.extra_ctls.end(),
                       [&](const std::string& name) { return IsNamedBy(identity, name); });
}

std::vector<CardIdentity> SelectCards(const std::vector<CardIdentity>& present,
                                      const DiscoveryOptions& options) {
    std::vector<CardIdentity> selected;
    for (const CardIdentity& identity : present)
        if (IsWanted(identity, options)) selected.push_back(identity);

    std::vector<std::string> plugins;
    for (const std::string& name : options.extra_ctls) {
        if (ParseHwCtlName(name) ||
            std::find(plugins.begin(), plugins.end(), name) != plugins.end())
            continue;
        plugins.push_back(name);
        selected.push_back(MakeCtlIdentity(name));
    }
    return selected;
}

std::vector<std::string> FindMissingCtls(const std::vector<CardIdentity>& present,
                                         const DiscoveryOptions& options) {
    std::vector<std::string> missing;
    for (const std::string& name : options.extra_ctls) {
        if (!ParseHwCtlName(name)) continue;
        const bool found =
            std::any_of(present.begin(), present.end(),
                        [&](const CardIdentity& identity) { return IsNamedBy(identity, name); });
        if (!found) missing.push_back(name);
    }
    return missing;
}

/*
 * Card numbers present. From /proc/asound when there is one: alsa-lib's
 * snd_card_next() opens each control node and silently skips a card it may not open
 * yet (udev not done, no ACL), so a card waiting for permissions would never be
 * tried, logged or retried.
 */
std::vector<int> ListCards(const DiscoveryOptions& options, bool have_proc) {
    std::vector<int> cards;
    if (have_proc) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(
                 std::filesystem::path(options.proc_root) / "asound", ec)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind("card", 0) == 0 && IsNumber(name.substr(4)) && name.size() < 8)
                cards.push_back(std::stoi(name.substr(4)));
        }
        std::sort(cards.begin(), cards.end());
        return cards;
    }
    int card = -1;
    while (snd_card_next(&card) == 0 && card >= 0) cards.push_back(card);
    return cards;
}

CardIdentity IdentifyCard(int card, const DiscoveryOptions& options) {
    CardIdentity identity = ReadCardIdentity(card, options.proc_root, options.sys_root);
    if (identity.card_id.empty() || identity.name.empty()) {
        FillFromCtl(identity, identity.ctl);
        identity.id = MakeDeviceId(identity);
    }
    return identity;
}

std::vector<CardIdentity> DiscoverCards(const DiscoveryOptions& options, bool* incomplete) {
    if (incomplete) *incomplete = false;
    const bool have_proc = HasProc(options);
    std::vector<CardIdentity> present;
    for (int card : ListCards(options, have_proc)) {
        CardIdentity identity = IdentifyCard(card, options);
        /* Hotplug reports the control node before the kernel has finished registering
         * the card (its id may not even be chosen yet): rather than hand out an
         * identity that changes a moment later, skip it and let the caller retry. */
        if (identity.card_id.empty() || (have_proc && !IsCardRegistered(card, options.proc_root))) {
            if (incomplete) *incomplete = true;
            continue;
        }
        present.push_back(std::move(identity));
    }

    std::vector<CardIdentity> selected = SelectCards(present, options);
    for (CardIdentity& identity : selected)
        if (identity.card < 0) FillFromCtl(identity, identity.ctl);
    return selected;
}

}  // namespace Alsa
