// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/server/Protocol.hpp"

namespace Sim {

/** A running simulator, as `scarlett-sim list` shows it. */
struct RunningSimulator {
    std::string name;
    std::string info;  // the Info answer: "key value" lines
};

/** Every simulator whose NAME.ctl in SimDir() answers. Throws std::system_error. */
std::vector<RunningSimulator> ListSimulators();

/**
 * Sends one tool request to the simulator @p name and returns (error, text).
 * Throws std::runtime_error with a message for the user when none runs or it does
 * not answer within a few seconds.
 */
std::pair<int, std::string> AskSimulator(const std::string& name, Wire::Op op,
                                         const std::string& text = {});

/** The value of @p key in an Info answer, "" when absent. */
std::string InfoField(const std::string& info, const std::string& key);

}  // namespace Sim
