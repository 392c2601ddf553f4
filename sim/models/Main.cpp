// SPDX-License-Identifier: GPL-3.0-or-later
// scarlett-sim-models: the model database's commands on their own (see ModelCommands.hpp).
#include <cstdlib>
#include <iostream>

#include "sim/models/ModelCommands.hpp"

int main(int argc, char** argv) {
#ifdef SCARLETTD_SHARED_DIR
    setenv("SCARLETTD_SHARED_DIR", SCARLETTD_SHARED_DIR, 0);
#endif
    return Sim::RunModelCommand(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
