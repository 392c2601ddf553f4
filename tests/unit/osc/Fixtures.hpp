// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <doctest/doctest.h>

#include <filesystem>

namespace OscTest {

/** The real devices' alsactl dumps (../shared: read there, never copied here). */
inline const std::filesystem::path FIXTURES =
    std::filesystem::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";

/** A package build has no ../shared: the dumps are not ours to ship. */
inline bool FixturesPresent() {
    if (std::filesystem::is_directory(FIXTURES)) return true;
    MESSAGE("SKIPPED: fixtures not found at " << FIXTURES.string()
                                              << " (set SCARLETTD_SHARED_DIR at configure time)");
    return false;
}

}  // namespace OscTest
