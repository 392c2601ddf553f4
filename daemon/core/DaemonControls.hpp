// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The controls the daemon owns (protocol 1.1 §3): the device's name, a name and a
 * visibility switch for every routing port, and a link and a name for every stereo
 * pair. Their names are alsa-scarlett-gui 1.0's (its custom-names.c, port-enable.c and
 * stereo-link.c), derived from the card's routing controls by that program's rules, so
 * that the same keys travel in the presets of both programs. Plain data: no loop, no
 * JSON, no files.
 */

#include <map>
#include <string>
#include <vector>

#include "alsa/Types.hpp"

namespace Core {

/** Daemon controls are numbered from here, in the order alsa-scarlett-gui creates its
 *  own: far above any numid a card hands out. */
constexpr unsigned DAEMON_NUMID_BASE = 1u << 30;

/** The longest text value, in bytes (protocol 1.1 §3). */
constexpr size_t MAX_TEXT_BYTES = 128;

inline bool IsDaemonControl(const Alsa::ControlInfo& info) noexcept {
    return info.id.iface == Alsa::Iface::Daemon;
}

/**
 * The daemon controls of a card whose own controls are @p card (by numid), in
 * alsa-scarlett-gui's order: `Name`; the names of sources, then of sinks; the
 * `Switch` of sources, then of sinks; then each pair's `Link` and `Name`. A name the
 * card has already is left to the card. Values come from @p values (by name);
 * the rest start as that program's do: names empty, ports shown, pairs unlinked.
 */
std::vector<Alsa::Control> DeriveDaemonControls(const std::map<unsigned, Alsa::Control>& card,
                                                const std::map<std::string, Alsa::Value>& values);

/**
 * Names for the channels of a scarlett2 `Level Meter` (which has no label TLV): the
 * driver reports the sinks' levels, hardware outputs first, then the mixer's, the
 * DSP's and the PCM inputs, each in routing-control order (alsa-scarlett-gui's
 * glow.c reads them the same way). Port names as the daemon controls have them
 * ("Analogue Out 1", "Mixer In 3", "PCM In 1"). Empty when the routing does not
 * account for exactly @p channels.
 */
std::vector<std::string> MeterLabels(const std::map<unsigned, Alsa::Control>& card,
                                     size_t channels);

/** What a daemon control holds when nobody set it. */
Alsa::Value DefaultDaemonValue(const Alsa::ControlInfo& info);

/** Checks a text value: valid UTF-8, no NUL, at most MAX_TEXT_BYTES. Empty when it is
 *  fine, else why not. */
std::string CheckText(const std::string& text);

/**
 * The control that moves with @p control when their stereo pair is linked: the
 * partner channel's output volume or mute (`Line NN … Playback Volume`,
 * `Line NN Mute Playback Switch`, `Analogue N Playback Volume`; pair `Analogue Out
 * a-b Link`), input gain or mute (`Line In N Gain Capture Volume`, `Line In N Mute
 * Capture Switch`; `Analogue In a-b Link`), or mixer level (`Mix X Input NN Playback
 * Volume`, 1st Gen `Matrix NN Mix X Playback Volume`; `Mixer In a-b Link` for the
 * inputs, `Mixer Out a-b Link` for the mixes, both linked: the diagonal partner).
 * Null when the pair is not linked or has no such partner.
 */
const Alsa::Control* GangPartner(const std::map<unsigned, Alsa::Control>& controls,
                                 const Alsa::Control& control);

}  // namespace Core
