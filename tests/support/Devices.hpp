// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The in-memory devices scarlett-testbed serves: the built-in small set and devices
 * rebuilt from `alsactl store` dumps. Each keeps a copy of its control infos, which
 * the command socket uses to validate external changes (FakeDevice only stores).
 */

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alsa/Types.hpp"
#include "tests/unit/daemon/FakeCard.hpp"

namespace Testbed {

struct Device {
    Alsa::CardIdentity identity;  // identity.id is the device id, identity.ctl the same
    std::shared_ptr<TestData::FakeDevice> fake;
    std::map<unsigned, Alsa::ControlInfo> infos;  // by numid, as loaded
};

/** Id of the built-in small device. */
inline constexpr const char* SMALL_DEVICE_ID = "usb-1235-8215-TESTBED";

/**
 * A small Scarlett-like device: 1 integer 0..172 with a DB_MINMAX -80..+6 dB TLV,
 * 2 boolean, 3 enumerated (3 items), 4 2-channel integer, 5 read-only enumerated,
 * 6 CARD-iface read-only "Firmware Version" 1644.
 */
Device MakeSmallDevice(int card_index);

/**
 * A device rebuilt from block @p block of state file @p path (the first block when
 * empty): id `test-<file stem>-<block id>`. Throws std::runtime_error.
 */
Device MakeStateDevice(const std::string& path, const std::string& block, int card_index);

}  // namespace Testbed
