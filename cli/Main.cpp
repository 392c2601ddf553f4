// SPDX-License-Identifier: GPL-3.0-or-later
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/Commands.hpp"

namespace {

volatile std::sig_atomic_t stop_signal = 0;
volatile std::sig_atomic_t resize_signal = 0;

void OnStopSignal(int) {
    stop_signal = 1;
}

void OnResizeSignal(int) {
    resize_signal = 1;
}

std::optional<Cli::TerminalSize> GetTerminalSize() {
    if (!::isatty(STDOUT_FILENO)) return std::nullopt;
    winsize size{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) < 0 || size.ws_col == 0 || size.ws_row == 0)
        return Cli::TerminalSize{80, 24};
    return Cli::TerminalSize{size.ws_col, size.ws_row};
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);

    /* watch and meters end cleanly on Ctrl-C (exit 0, output flushed, the terminal
     * restored, not killed mid-line); a second Ctrl-C kills (SA_RESETHAND). Other
     * commands keep the default so Ctrl-C stops them at once. */
    std::string command;
    try {
        command = Cli::ParseArgs(args).command;
    } catch (const Cli::UsageError&) {
        /* Run() reports it. */
    }
    if (command == "watch" || command == "meters") {
        struct sigaction action {};
        action.sa_handler = OnStopSignal;
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
        sigaction(SIGHUP, &action, nullptr);
    }
    if (command == "meters") {
        struct sigaction action {};
        action.sa_handler = OnResizeSignal;
        sigemptyset(&action.sa_mask);
        sigaction(SIGWINCH, &action, nullptr);
    }

    Cli::Environment environment;
    environment.stop_requested = [] { return stop_signal != 0; };
    environment.take_resize = [] {
        if (!resize_signal) return false;
        resize_signal = 0;
        return true;
    };
    environment.terminal_size = GetTerminalSize;
    return Cli::Run(args, std::cout, std::cerr, environment);
}
