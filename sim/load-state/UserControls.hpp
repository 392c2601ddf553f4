// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Recreates the controls of one `alsactl store` block as user controls on a real
 * card (snd-dummy in the VM tests), so that the card looks like the dumped device to
 * everything that reads it through the kernel.
 */

#include <string>
#include <utility>
#include <vector>

#include "sim/StateFile.hpp"

namespace Sim {

struct LoadResult {
    unsigned created = 0;
    /** Controls not created: (description, reason). */
    std::vector<std::pair<std::string, std::string>> skipped;
    /** Created, but the value or TLV could not be written: (description, reason). */
    std::vector<std::pair<std::string, std::string>> warnings;
    /** Flags a user control cannot have, dropped (per control). */
    unsigned dropped_volatile = 0;
    unsigned dropped_locked = 0;
    /** Read-only controls whose dumped value differs from the kernel's initial zero. */
    unsigned read_only_unset = 0;
    unsigned tlvs_written = 0;
    double seconds = 0;

    /** One line: created, skipped with reasons, dropped flags, TLVs, time. */
    std::string Summary() const;
};

/**
 * Adds every control of @p block to @p card ("hw:0") as a user control with the
 * dump's iface, name, index, device, subdevice, type, count, range and items, writes
 * its value and its TLV (the dump's `tlv`, else a DB_MINMAX built from dbmin/dbmax).
 *
 * What the kernel does not allow is reported, not fatal: a control that exists
 * already (EBUSY) is skipped; `volatile` and `locked` are dropped (the kernel drops
 * volatile from user controls; a lock belongs to an open file, and the lock the kernel
 * gives the creator is released at once); a read-only control keeps the
 * kernel's initial zero value, because the kernel refuses every write to an element
 * without write access and has no other way to set a user control's value.
 * Throws std::runtime_error when the card cannot be opened.
 */
LoadResult LoadBlock(const std::string& card, const StateBlock& block);

}  // namespace Sim
