// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Osc {

/** What the bridge knows of a device to name it in an address. */
struct DeviceName {
    std::string id;
    /** From its settings (protocol 1.1); empty when it has none. */
    std::string nickname;
};

/** An address split into its device and the device's own address. */
struct Routed {
    /** Index into the devices given to Route(). */
    size_t device = 0;
    /** "/input/1/gain": what the device's AddressSpace knows. */
    std::string rest;
};

/**
 * Finds the device an address is for: its first part is the device's nickname, its
 * id, or its 1-based position in @p devices (in that order of precedence, the
 * nickname and id written by EscapeName()); with exactly one device the part may be
 * left out. nullopt: no such device (or several and none named).
 */
std::optional<Routed> Route(std::string_view address, const std::vector<DeviceName>& devices);

/** The device's part of the addresses the bridge writes (feedback, a layout's
 *  widgets): none while there is one device (@p devices known), else "/" and its
 *  nickname or, without one, its id, written by EscapeName(); Route() reads it back. */
std::string DevicePrefix(const DeviceName& device, size_t devices);

}  // namespace Osc
