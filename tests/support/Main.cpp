// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scarlettd-testbed: the real daemon (Instance) on in-memory cards, for tests that
 * drive it with clients nobody here wrote. The daemon's loop runs on the main
 * thread; the command socket on a second one changes the cards from outside.
 */
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "daemon/CommandLine.hpp"
#include "daemon/Instance.hpp"
#include "tests/support/CommandSocket.hpp"
#include "tests/support/LoopBridge.hpp"
#include "tests/support/TestData.hpp"

namespace {

constexpr const char* USAGE =
    R"(Usage: scarlettd-testbed --socket-dir DIR --control PATH [OPTION]...
Run scarlettd's daemon on in-memory devices. Prints "ready" once control.sock and
events.sock in DIR and the command socket PATH listen. SIGTERM/SIGINT stop it.
Takes every option of scarlettd(8) (the limits, -v...), and:

Devices:
      --small                  a small Scarlett-like device, usb-1235-8215-TESTBED
      --state FILE[:BLOCK]     a device from an `alsactl store` dump (first block by
                               default), id test-<file stem>-<block>; repeatable
      --control PATH           the command socket

Commands on PATH, one per line, each answered "ok ..." or "error <why>" once the
daemon has handled it:
  set DEVICE NUMID V[,V...]    external change, raw values (one value: all channels)
  burst DEVICE NUMID COUNT     COUNT changes as fast as possible; "ok final V[,V...]"
  get DEVICE NUMID             "ok V[,V...]": the device's raw value
  writable DEVICE NUMID 0|1    set or clear the control's write access
  unplug DEVICE | replug DEVICE
  sync                         wait until the daemon is idle
)";

[[noreturn]] void UsageError(const std::string& message) {
    std::fprintf(stderr, "scarlettd-testbed: %s\nTry 'scarlettd-testbed --help'.\n",
                 message.c_str());
    std::exit(2);
}

/** FILE[:BLOCK]; a FILE that exists as given wins over a colon in its name. */
std::pair<std::string, std::string> SplitState(const std::string& spec) {
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos || std::filesystem::exists(spec)) return {spec, ""};
    return {spec.substr(0, colon), spec.substr(colon + 1)};
}

}  // namespace

int main(int argc, char** argv) try {
    std::string control;
    bool small = false;
    std::vector<std::string> states;
    CommandLine line =
        ParseCommandLine(argc, argv,
                         {{"control", true, [&](const char* path) { control = path; }},
                          {"small", false, [&](const char*) { small = true; }},
                          {"state", true, [&](const char* spec) { states.emplace_back(spec); }}},
                         "scarlettd-testbed", USAGE, true);
    if (!line.options.socket_dir) UsageError("--socket-dir is required");
    if (control.empty()) UsageError("--control is required");

    TestData::InMemoryCards cards;
    if (small) cards.devices.push_back(TestData::MakeSmallDevice("TESTBED", 0));
    for (const auto& spec : states) {
        const auto [file, block] = SplitState(spec);
        auto device =
            TestData::MakeStateDevice(file, block, static_cast<int>(cards.devices.size()));
        if (cards.Find(device.identity.id))
            throw std::runtime_error("device " + device.identity.id + " given twice");
        cards.devices.push_back(std::move(device));
    }
    cards.Configure(line.options);

    /* The Instance blocks SIGTERM/SIGINT for its signalfd: construct it before any
     * thread, so the command thread inherits the mask and never takes them. */
    Instance instance(std::move(line.options));
    Testbed::LoopBridge bridge(instance.GetLoop());
    Testbed::CommandSocket commands(control, cards.devices, instance, bridge);
    instance.Start();
    commands.Start();
    std::cout << "ready" << std::endl;

    instance.GetLoop().Run();
    /* Release a command waiting for the loop before joining its thread. */
    bridge.Stop();
    commands.Stop();
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    std::fprintf(stderr, "scarlettd-testbed: %s\n", e.what());
    return EXIT_FAILURE;
}
