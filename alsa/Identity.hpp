// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Who a card is, from /proc/asound and sysfs: pure functions over a proc and a sys
 * root so that tests can run them on recorded trees. No libasound.
 *
 * Device id scheme. The id keys all per-device state (cache, settings, client
 * subscriptions), so it must survive replug, reboot and ALSA card renumbering; the
 * card index never appears in it.
 *
 *   USB device with a serial  usb-<vid>-<pid>-<serial>       usb-1235-8215-P9EAC6K0B2F37F
 *   USB device without one    usb-<vid>-<pid>-port-<path>    usb-1235-8210-port-1-2.3
 *   not USB (snd-dummy, ...)  card-<ALSA card id>            card-Dummy
 *   plugin ctl (--card NAME)  ctl-<ctl name>                 ctl-sysdefault_CARD_USB
 *
 * <vid>/<pid> are 4 lowercase hex digits from /proc/asound/cardN/usbid. <serial> is
 * the USB device's sysfs "serial" attribute, the key alsa-scarlett-gui and
 * fcp-support use too. <path> is the sysfs name of the USB device ("<bus>-<ports>"),
 * stable while the device stays in the same port. A USB card whose sysfs device
 * cannot be found falls back to card-<id>. Every variable part is sanitised: bytes
 * outside [A-Za-z0-9._-] become '_'.
 */

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "alsa/Types.hpp"

namespace Alsa {

/** @p s with every byte outside [A-Za-z0-9._-] replaced by '_' ("_" if empty). */
std::string SanitiseId(std::string_view s);

/** The device id of @p identity by the scheme above (ignores identity.id). */
std::string MakeDeviceId(const CardIdentity& identity);

struct ModelInfo {
    const char* name;  // "Scarlett 18i20 3rd Gen"
    Family family;
};

/** Looks up a Focusrite model by USB ids (hex, any case). nullopt if unknown. */
std::optional<ModelInfo> LookupModel(std::string_view vendor, std::string_view product) noexcept;

/** Whether an ALSA card name is one the Focusrite drivers give (Scarlett, Clarett, Vocaster). */
bool IsFocusriteName(std::string_view card_name) noexcept;

/** By card name or USB vendor 1235. */
bool IsFocusrite(const CardIdentity& identity) noexcept;

/** "controlC7" -> 7; nullopt for anything else (used on /dev/snd entries). */
std::optional<int> ParseControlNode(std::string_view name) noexcept;

/** Parses /proc/asound/cardN/usbid ("1235:8215"). */
std::optional<UsbIdentity> ParseUsbId(std::string_view text);

/**
 * Everything /proc/asound and sysfs say about ALSA card @p card: names from
 * PROC/asound/cards (or the id from PROC/asound/cardN/id), USB ids from
 * PROC/asound/cardN/usbid, serial and port from SYS/class/sound/cardN/device/..
 * (falling back to SYS/class/sound/controlCN/device/device/..), model, family and
 * id. Fields that cannot be read stay empty; never throws on missing files.
 */
CardIdentity ReadCardIdentity(int card, const std::string& proc_root, const std::string& sys_root);

/**
 * Whether card @p card has finished registering: PROC/asound/cardN/id is readable.
 * The kernel creates /dev/snd/controlCN, then lists the card in PROC/asound/cards,
 * and only then registers the card's proc directory (usbid before id), so before
 * this the identity may lack its USB ids or even its id string.
 */
bool IsCardRegistered(int card, const std::string& proc_root);

/** The identity of a plugin ctl named on the command line: card -1, id ctl-<name>. */
CardIdentity MakeCtlIdentity(const std::string& ctl_name);

/** The whole of a small file (proc, sysfs, a udev rule); nullopt if it cannot be read. */
std::optional<std::string> ReadSmallFile(const std::filesystem::path& path);

}  // namespace Alsa
