// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The model database's command-line side, dispatched to by scarlett-sim:
 *   models                      list the models
 *   show MODEL [--kernel ERA]   the generated controls as an alsactl state file
 *   diff [--kernel ERA] [--fixtures DIR] [FILE-or-MODEL ...]
 *                               compare real dumps with the generated models
 */

#include <ostream>
#include <string>
#include <vector>

namespace Sim {

/** @p args without the program name. Returns the exit code: 0, 1 (differences), 2 (usage). */
int RunModelCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace Sim
