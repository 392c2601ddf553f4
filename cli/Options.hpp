// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace Cli {

/** Exit statuses of scarlettctl (documented in --help). */
enum ExitStatus : int {
    EXIT_OK = 0,
    EXIT_DAEMON_ERROR = 1,
    EXIT_USAGE = 2,
    EXIT_CONNECT = 3,
};

/** A command line the user has to fix; exit status EXIT_USAGE. */
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/** The parsed command line. */
struct Options {
    /** "devices", "controls", "get", "set", "watch", "meters", "name", "link", "info",
     * "help"...; empty if none. */
    std::string command;
    std::vector<std::string> args;
    std::optional<std::string> device;
    std::optional<std::string> socket_dir;
    /** watch --waybar CONTROL: status-bar lines for one control. */
    std::optional<std::string> waybar;
    /** meters --rate HZ (1..60). */
    std::optional<int> rate_hz;
    bool json = false;
    bool dry_run = false;
    /** preset save --overwrite */
    bool overwrite = false;
    /** configure: --nickname TEXT (a value), --no-nickname (an empty optional). */
    std::optional<std::optional<std::string>> nickname;
    /** configure --on-attach off|last|preset NAME */
    std::optional<std::string> on_attach;
    std::optional<std::string> on_attach_preset;
    /** configure --guard GLOB=VALUE (repeatable), --no-guards */
    std::vector<std::string> guards;
    bool no_guards = false;
    /** name --clear PORT */
    bool clear = false;
    bool help = false;
    bool version = false;
};

/**
 * Parses the arguments after argv[0]. Options may come before or after the command;
 * "--" ends them, and a "-" followed by a digit is a value (set X -6dB), not an option.
 * Checks the command's argument count and that --waybar and --rate go with their
 * commands. Throws UsageError.
 */
Options ParseArgs(const std::vector<std::string>& args);

/** The full --help text. */
std::string GetUsage();

/** The help of one command; the full help for an unknown or empty name. */
std::string GetCommandUsage(const std::string& command);

/** "scarlettctl <version>". */
std::string GetVersionText();

}  // namespace Cli
