// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/Client.hpp"
#include "cli/Options.hpp"

namespace Cli {

/** scarlettd answered with a JSON-RPC error; exit status EXIT_DAEMON_ERROR. */
class DaemonError : public std::runtime_error {
  public:
    explicit DaemonError(nlohmann::json error);
    const nlohmann::json& GetError() const noexcept { return error_; }

  private:
    nlohmann::json error_;
};

/** Returns true when watch should stop (Ctrl-C). Polled a few times a second. */
using StopPredicate = std::function<bool()>;

struct TerminalSize {
    int columns;
    int rows;
};

/**
 * What the long-running commands (watch, meters) need from the process: main()
 * wires signals and the terminal, tests pass fakes. Every member may be empty.
 */
struct Environment {
    /** True once the command should stop (Ctrl-C, SIGTERM). */
    StopPredicate stop_requested;
    /** True once after each terminal resize (SIGWINCH); clears the flag. */
    std::function<bool()> take_resize;
    /** The size of the terminal on stdout; nullopt when stdout is not a terminal. */
    std::function<std::optional<TerminalSize>()> terminal_size;

    bool IsStopRequested() const { return stop_requested && stop_requested(); }
};

/** Params with the device when -d was given; the daemon picks the only one otherwise. */
nlohmann::json DeviceParams(const Options& options);

/** Prints @p result as JSON with --json (pretty, bad UTF-8 replaced), else as @p format
 *  makes it. */
void PrintResult(const Options& options, std::ostream& out, const nlohmann::json& result,
                 const std::function<std::string(const nlohmann::json&)>& format);

/** Calls @p method and returns its result. Throws DaemonError on an error response. */
nlohmann::json CallChecked(Client& client, const std::string& method, const nlohmann::json& params);

/**
 * Runs one command of @p options (not help/version) on a connected @p client,
 * printing results to @p out.
 * Throws DaemonError, UsageError, or std::runtime_error when the connection fails.
 */
void RunCommand(const Options& options, Client& client, std::ostream& out,
                const Environment& environment);

/**
 * The whole program after argv[0]: parses @p args, connects to the control socket,
 * runs the command and reports errors to @p err as "scarlettctl: ...".
 * @return an ExitStatus.
 */
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const Environment& environment);

/** Run() with only a stop predicate: no terminal. */
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const StopPredicate& stop_requested);

}  // namespace Cli
