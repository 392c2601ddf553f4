// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Converts the cache's plain ALSA structs to protocol-v1 JSON objects (§3) and
 * client-supplied values back. The only place where both ALSA types and JSON meet.
 */

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alsa/Types.hpp"
#include "daemon/core/NotWritable.hpp"
#include "daemon/core/StateCache.hpp"

namespace Codec {

using nlohmann::json;

json DeviceToJson(const Core::Device& device);
/** A device's settings as protocol 1.1 §2 shows them ({nickname, on_attach}). */
json SettingsToJson(const Core::DeviceSettings& settings);
/** The full Control object of protocol-v1 §3. */
json ControlToJson(const Alsa::Control& control);
/** protocol: not_writable, {reason, message, control?}. */
json NotWritableToJson(const Core::NotWritable& why);
/** The same, with why it is not writable (`not_writable`) when it is not, as far as
 *  @p device's other controls tell. */
json ControlToJson(const Core::Device& device, const Alsa::Control& control);
/** The short form of controls.changed: numid, name, index, value, db_value. */
json ControlValueToJson(const Alsa::Control& control);
json IdToJson(const Alsa::ControlId& id);
/** Always an array of `count` entries (bytes: one lowercase hex string). */
json ValueToJson(const Alsa::ControlInfo& info, const Alsa::Value& value);

/**
 * The short form of ControlValueToJson() written as text straight from a control, for
 * the fan-out of controls.changed: what depends on the control's id and info (its
 * name, items, the dB value of each raw value) is encoded once and kept, so a change
 * costs appends, not a tree. Byte for byte what Ipc::Encode(ControlValueToJson())
 * writes. Valid while the control's id and info are those it was made for.
 */
class ValueText {
  public:
    explicit ValueText(const Alsa::ControlInfo& info);
    void Append(std::string& out, const Alsa::Control& control);

  private:
    /* "index":I,"name":...,"numid":N,"value": */
    std::string prefix_;
    std::vector<std::string> items_;
    bool has_db_ = false;
    /* Encoded dB values by raw value, as they are asked for; at most DB_KEPT. */
    std::map<int64_t, std::string> db_;
    static constexpr size_t DB_KEPT = 1024;
};

/**
 * A change's target value, as controls.set receives it (protocol-v1 §4): @p change is
 * the change object (its `control` is ignored here). Exactly one of value, db, step, db_step,
 * toggle. Throws Ipc::RpcError (params.invalid, value.invalid with the valid range or items).
 */
Alsa::Value ResolveChange(const Alsa::Control& control, const json& change);

/** data of a value.invalid error: control name, min/max or items. */
json ValueErrorData(const Alsa::ControlInfo& info);

}  // namespace Codec
