// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The snd_ctl backend behind Alsa::OpenCard(), for callers that already hold a ctl
 * handle: tests drive it through alsa-lib's external ctl plugin API
 * (snd_ctl_ext_create), which needs no sound card.
 */

#include <memory>

#include "alsa/Card.hpp"

struct _snd_ctl;  // snd_ctl_t, without including <alsa/asoundlib.h>

namespace Alsa {

/**
 * Like OpenCard(name, listener) for an open @p ctl, which the card takes over (and
 * closes, also when this throws). Throws Alsa::Error.
 */
std::unique_ptr<Card> OpenCard(_snd_ctl* ctl, CardListener& listener);

}  // namespace Alsa
