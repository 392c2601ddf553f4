// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "alsa/RestoreCheck.hpp"
#include "daemon/core/StateCache.hpp"

/**
 * Devices whose own settings alsa-utils overwrites on every plug (its udev rule runs
 * `alsactl restore` and a stored state names the card): found when a card comes
 * online, logged once, listed in daemon.info's `warnings` with the fix.
 * Loop thread only.
 */
class RestoreWarnings {
  public:
    /** @p root: where /etc, /lib and /var are looked up (tests). */
    explicit RestoreWarnings(std::filesystem::path root) : root_(std::move(root)) {}

    void Check(const Alsa::CardIdentity& identity) noexcept;
    /** daemon.info's `warnings` array. */
    nlohmann::json ToJson(const Core::StateCache& cache) const;

  private:
    std::filesystem::path root_;
    std::map<std::string, Alsa::RestoreConflict> conflicts_;  // by device id
};
