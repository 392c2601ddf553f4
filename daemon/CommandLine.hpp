// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/Options.hpp"

/** scarlettd's command line, as parsed. */
struct CommandLine {
    Options options;
    std::vector<std::string> simulate;  // --simulate MODEL, in order
    bool list_models = false;
};

/** An option of a program built on the daemon (the testbed), parsed beside scarlettd's. */
struct ExtraOption {
    const char* name;
    bool has_argument;
    std::function<void(const char* argument)> apply;
};

/** Where presets live by default: alsa-scarlett-gui's directory, or
 *  /var/lib/scarlettd/presets for a system-wide daemon; empty when the environment
 *  names no home. */
std::string DefaultPresetsDir(bool system);
/** Where each device's settings and last state live by default: $XDG_CONFIG_HOME/scarlettd,
 *  or /var/lib/scarlettd for a system-wide daemon. */
std::string DefaultStateDir(bool system);

/**
 * Parses scarlettd's options (scarlettd(8)) and @p extra ones, applies
 * $SCARLETTD_SOCKET_DIR and sets the log level (-v, -q; @p quiet_by_default starts
 * at warnings). --help prints @p usage (scarlettd's when null) and --version the
 * version, and exit 0; a usage error is reported as @p program's and exits 2.
 */
CommandLine ParseCommandLine(int argc, char** argv, const std::vector<ExtraOption>& extra = {},
                             const char* program = "scarlettd", const char* usage = nullptr,
                             bool quiet_by_default = false);
