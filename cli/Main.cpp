// SPDX-License-Identifier: GPL-3.0-or-later
#include <signal.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli/Commands.hpp"

namespace {

volatile std::sig_atomic_t stop_signal = 0;

void OnStopSignal(int) {
    stop_signal = 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);

    /* watch ends cleanly on Ctrl-C (exit 0, output flushed, not killed mid-line); a
     * second Ctrl-C kills (SA_RESETHAND). Other commands keep the default so Ctrl-C
     * stops them at once. */
    bool is_watch = false;
    try {
        is_watch = Cli::ParseArgs(args).command == "watch";
    } catch (const Cli::UsageError&) {
        /* Run() reports it. */
    }
    if (is_watch) {
        struct sigaction action {};
        action.sa_handler = OnStopSignal;
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
    }
    return Cli::Run(args, std::cout, std::cerr, [] { return stop_signal != 0; });
}
