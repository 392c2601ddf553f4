// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * scarlettd --simulate MODEL: serve a virtual device through the same ALSA code path
 * as hardware. The device lives in a `scarlett-sim serve` process (started here when
 * none of that name runs) and is opened through the scarlett_sim ALSA ctl plugin.
 */

#include <sys/types.h>

#include <string>

#include "daemon/Options.hpp"

namespace Simulate {

/** "scarlett-gen3-18i20  Scarlett 18i20 3rd Gen  1235:8215" lines, for --list-models. */
std::string ListModels();

/**
 * Makes alsa-lib find the plugin's configuration: when it is not installed, points
 * ALSA_CONFIG_PATH at alsa.conf plus the build tree's one. A user's own
 * ALSA_CONFIG_PATH is left alone.
 */
void ConfigureAlsa();

/**
 * The card to serve for MODEL (an id or name, see ListModels()). Starts a simulator
 * for it unless one already listens, and waits until it does; the simulator ends
 * with this process. Throws std::runtime_error with a message for the user.
 */
SimulatedCard Prepare(const std::string& model);

/** The directory holding the simulators' sockets. */
std::string Directory();

}  // namespace Simulate
