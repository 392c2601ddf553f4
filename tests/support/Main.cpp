// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scarlettd-testbed: the real daemon (Instance) on in-memory cards, for tests that
 * drive it with clients nobody here wrote. The daemon's loop runs on the main
 * thread; the command socket on a second one changes the cards from outside.
 */
#include <getopt.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "tests/support/CommandSocket.hpp"
#include "tests/support/Devices.hpp"
#include "tests/support/LoopBridge.hpp"

namespace {

constexpr const char* USAGE =
    R"(Usage: scarlettd-testbed --socket-dir DIR --control PATH [OPTION]...
Run scarlettd's daemon on in-memory devices. Prints "ready" once control.sock and
events.sock in DIR and the command socket PATH listen. SIGTERM/SIGINT stop it.

Devices:
      --small                  a small Scarlett-like device, usb-1235-8215-TESTBED
      --state FILE[:BLOCK]     a device from an `alsactl store` dump (first block by
                               default), id test-<file stem>-<block>; repeatable
Limits:
      --max-clients N  --max-line N  --max-output N  --write-stall-ms N
      --max-subscriptions N
  -v, --verbose                daemon log at info (repeat for debug)
  -h, --help

Commands on PATH, one per line, each answered "ok ..." or "error <why>" once the
daemon has handled it:
  set DEVICE NUMID V[,V...]    external change, raw values (one value: all channels)
  burst DEVICE NUMID COUNT     COUNT changes as fast as possible; "ok final V[,V...]"
  get DEVICE NUMID             "ok V[,V...]": the device's raw value
  writable DEVICE NUMID 0|1    set or clear the control's write access
  unplug DEVICE | replug DEVICE
  sync                         wait until the daemon is idle
)";

struct Args {
    std::string socket_dir;
    std::string control;
    bool small = false;
    std::vector<std::string> states;
    Ipc::Limits limits;
    int verbosity = 0;
};

[[noreturn]] void UsageError(const std::string& message) {
    std::fprintf(stderr, "scarlettd-testbed: %s\nTry 'scarlettd-testbed --help'.\n",
                 message.c_str());
    std::exit(2);
}

size_t Positive(const char* option) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(optarg, &end, 10);
    if (*optarg == '\0' || *optarg == '-' || *end != '\0' || n == 0 || errno == ERANGE)
        UsageError(std::string("invalid --") + option + " '" + optarg + "'");
    return static_cast<size_t>(n);
}

Args ParseArgs(int argc, char** argv) {
    enum {
        OPT_SOCKET_DIR = 256,
        OPT_CONTROL,
        OPT_SMALL,
        OPT_STATE,
        OPT_MAX_CLIENTS,
        OPT_MAX_LINE,
        OPT_MAX_OUTPUT,
        OPT_WRITE_STALL_MS,
        OPT_MAX_SUBSCRIPTIONS,
    };
    static const option LONG[] = {
        {"socket-dir", required_argument, nullptr, OPT_SOCKET_DIR},
        {"control", required_argument, nullptr, OPT_CONTROL},
        {"small", no_argument, nullptr, OPT_SMALL},
        {"state", required_argument, nullptr, OPT_STATE},
        {"max-clients", required_argument, nullptr, OPT_MAX_CLIENTS},
        {"max-line", required_argument, nullptr, OPT_MAX_LINE},
        {"max-output", required_argument, nullptr, OPT_MAX_OUTPUT},
        {"write-stall-ms", required_argument, nullptr, OPT_WRITE_STALL_MS},
        {"max-subscriptions", required_argument, nullptr, OPT_MAX_SUBSCRIPTIONS},
        {"verbose", no_argument, nullptr, 'v'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    Args args;
    int c;
    while ((c = getopt_long(argc, argv, "vh", LONG, nullptr)) != -1) {
        switch (c) {
            case OPT_SOCKET_DIR:
                args.socket_dir = optarg;
                break;
            case OPT_CONTROL:
                args.control = optarg;
                break;
            case OPT_SMALL:
                args.small = true;
                break;
            case OPT_STATE:
                args.states.emplace_back(optarg);
                break;
            case OPT_MAX_CLIENTS:
                args.limits.max_clients = Positive("max-clients");
                break;
            case OPT_MAX_LINE:
                args.limits.max_line = Positive("max-line");
                break;
            case OPT_MAX_OUTPUT:
                args.limits.max_output = Positive("max-output");
                break;
            case OPT_WRITE_STALL_MS:
                args.limits.write_stall = std::chrono::milliseconds(Positive("write-stall-ms"));
                break;
            case OPT_MAX_SUBSCRIPTIONS:
                args.limits.max_subscriptions = Positive("max-subscriptions");
                break;
            case 'v':
                ++args.verbosity;
                break;
            case 'h':
                std::fputs(USAGE, stdout);
                std::exit(0);
            default:
                UsageError("unknown option");
        }
    }
    if (optind < argc) UsageError(std::string("unexpected argument '") + argv[optind] + "'");
    if (args.socket_dir.empty()) UsageError("--socket-dir is required");
    if (args.control.empty()) UsageError("--control is required");
    return args;
}

/** FILE[:BLOCK]; a FILE that exists as given wins over a colon in its name. */
std::pair<std::string, std::string> SplitState(const std::string& spec) {
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos || std::filesystem::exists(spec)) return {spec, ""};
    return {spec.substr(0, colon), spec.substr(colon + 1)};
}

std::vector<Testbed::Device> MakeDevices(const Args& args) {
    std::vector<Testbed::Device> devices;
    if (args.small) devices.push_back(Testbed::MakeSmallDevice(0));
    for (const auto& spec : args.states) {
        const auto [file, block] = SplitState(spec);
        auto device = Testbed::MakeStateDevice(file, block, static_cast<int>(devices.size()));
        for (const auto& other : devices)
            if (other.identity.id == device.identity.id)
                throw std::runtime_error("device " + device.identity.id + " given twice");
        devices.push_back(std::move(device));
    }
    return devices;
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = ParseArgs(argc, argv);
    Log::SetMaxLevel(args.verbosity == 0   ? Log::Level::Warning
                     : args.verbosity == 1 ? Log::Level::Info
                                           : Log::Level::Debug);
    std::vector<Testbed::Device> devices = MakeDevices(args);

    Options options;
    options.socket_dir = args.socket_dir;
    options.limits = args.limits;
    options.watch_dev_snd = false;
    /* Rescans list what is plugged in now, as /dev/snd would. */
    options.discover = [&devices] {
        std::vector<Alsa::CardIdentity> out;
        for (const auto& device : devices)
            if (device.fake->IsPresent()) out.push_back(device.identity);
        return out;
    };
    options.open_card = [&devices](const std::string& ctl, Alsa::CardListener& listener) {
        for (const auto& device : devices)
            if (device.identity.ctl == ctl)
                return std::unique_ptr<Alsa::Card>(new TestData::FakeCard(device.fake, listener));
        throw Alsa::Error(-ENOENT, "no testbed device " + ctl);
    };

    /* The Instance blocks SIGTERM/SIGINT for its signalfd: construct it before any
     * thread, so the command thread inherits the mask and never takes them. */
    Instance instance(std::move(options));
    Testbed::LoopBridge bridge(instance.GetLoop());
    Testbed::CommandSocket commands(args.control, devices, instance, bridge);
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
