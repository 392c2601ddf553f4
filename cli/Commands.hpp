// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
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

/**
 * Runs one command of @p options (not help/version) on a connected @p client,
 * printing results to @p out.
 * Throws DaemonError, UsageError, or std::runtime_error when the connection fails.
 */
void RunCommand(const Options& options, Client& client, std::ostream& out,
                const StopPredicate& stop_requested);

/**
 * The whole program after argv[0]: parses @p args, connects to the control socket,
 * runs the command and reports errors to @p err as "scarlettctl: ...".
 * @return an ExitStatus.
 */
int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const StopPredicate& stop_requested);

}  // namespace Cli
