// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Applying a preset to a device, shared by presets.load and the restore on attach:
 * values checked against the controls first, then written in passes through the
 * card's I/O (Presets.cpp).
 */

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "daemon/core/StateCache.hpp"
#include "daemon/methods/Context.hpp"
#include "daemon/state/PresetCodec.hpp"
#include "daemon/state/PresetStore.hpp"
#include "daemon/state/Storage.hpp"
#include "ipc/Error.hpp"

namespace Methods {

/** One control to set, checked against the device. */
struct Target {
    std::string name;
    unsigned numid;
    Alsa::Value value;
};

/** What will be written, and what was refused already (with why). */
struct Plan {
    std::vector<Target> targets;
    nlohmann::json skipped = nlohmann::json::array();
    nlohmann::json warnings = nlohmann::json::array();
};

/** @p preset's entries against @p device: unknown names and values that do not fit
 *  are skipped; @p read_skipped are the reader's own; @p label names the preset in
 *  warnings. */
Plan PlanPreset(const Core::Device& device, const State::Preset& preset,
                const std::vector<std::pair<std::string, std::string>>& read_skipped,
                const std::string& label);

/**
 * Writes @p plan in passes (protocol 1.1 §1) and returns presets.load's result.
 * @p force makes each value reach the device even where the driver reports it
 * already: another value is written first (the 1st Gen driver sends only what differs
 * from its cache). Throws RpcError device.busy, device.offline.
 */
nlohmann::json ApplyPlan(Context& context, const Core::Device& device, Plan plan, bool dry_run,
                         bool force);

/** The `<serial>` of @p device's preset files: the USB serial, as alsa-scarlett-gui
 *  reads it from sysfs, else the device id (protocol 1.1 §1). A serial that could not
 *  be part of a file name is sanitised like a device id. */
std::string PresetSerialOf(const Core::Device& device);

/** The presets directory. Throws storage.error when there is none (no home). */
State::PresetStore Store(const Context& context);
/** storage.error with data.errno and data.path. */
Ipc::RpcError FromStorage(const State::StorageError& e);
/** preset.not_found with data.device and data.name. */
Ipc::RpcError PresetNotFoundError(const std::string& device, const std::string& name);

/** Whether a preset keeps this control: a writable setting under a name a key file
 *  can hold. */
bool IsPresetEntry(const Alsa::ControlInfo& info);
/** Calls @p each with every control a preset keeps, in numid order: a preset entry,
 *  the first control of its name (names are not unique). */
void ForEachPresetControl(const Core::Device& device,
                          const std::function<void(const Alsa::Control&)>& each);

/** The device's settings as a preset: what presets.save writes (@p match: globs, none
 *  for all). */
State::Preset CurrentState(const Core::Device& device, const std::vector<std::string>& match = {});

}  // namespace Methods
