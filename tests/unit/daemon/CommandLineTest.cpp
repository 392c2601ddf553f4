// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/CommandLine.hpp"

namespace {

CommandLine Parse(std::vector<std::string> words) {
    words.insert(words.begin(), "scarlettd");
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    optind = 0;  // getopt_long again from the start
    return ParseCommandLine(static_cast<int>(words.size()), argv.data());
}

/** scarlettd's exit status for @p arguments (it exits before serving anything). */
int ExitStatus(const std::string& arguments) {
    const std::string command =
        std::string(SCARLETTD_BINARY_DIR) + "/daemon/scarlettd " + arguments + " >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("The command line: cards, limits, simulated models, the socket directory") {
    unsetenv("SCARLETTD_SOCKET_DIR");
    auto line = Parse({"-c", "hw:0", "--card", "hw:1", "--max-clients", "7", "--write-stall", "5",
                       "--max-output-total", "1048576", "-S", "scarlett-gen4-2i2", "--socket-dir",
                       "/run/x"});
    CHECK(line.options.cards == std::vector<std::string>{"hw:0", "hw:1"});
    CHECK(line.options.limits.max_clients == 7);
    CHECK(line.options.limits.write_stall == std::chrono::seconds(5));
    CHECK(line.options.limits.max_output_total == 1048576);
    CHECK(line.simulate == std::vector<std::string>{"scarlett-gen4-2i2"});
    CHECK(*line.options.socket_dir == "/run/x");

    setenv("SCARLETTD_SOCKET_DIR", "/run/env", 1);
    CHECK(*Parse({}).options.socket_dir == "/run/env");
    CHECK(*Parse({"-s", "/run/option"}).options.socket_dir == "/run/option");
    unsetenv("SCARLETTD_SOCKET_DIR");
}

TEST_CASE("Limits out of range are usage errors (exit 2), not wrapped deadlines") {
    CHECK(ExitStatus("--write-stall 99999999999999999") == 2);
    CHECK(ExitStatus("--write-stall 86401") == 2);
    CHECK(ExitStatus("--max-clients 0") == 2);
    CHECK(ExitStatus("--max-line -5") == 2);
    CHECK(ExitStatus("--max-output-total 0") == 2);
    CHECK(ExitStatus("--bogus") == 2);
    CHECK(ExitStatus("--version") == 0);
}
