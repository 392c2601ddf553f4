// SPDX-License-Identifier: GPL-3.0-or-later
#include <getopt.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "daemon/Simulate.hpp"
#include "generated/Version.hpp"
#include "systemd/Listen.hpp"
#include "systemd/Notify.hpp"

namespace {

constexpr const char* USAGE = R"(Usage: scarlettd [OPTION]...
Serve the mixer controls of Focusrite audio interfaces (Scarlett, Clarett,
Vocaster) to clients over JSON-RPC 2.0 on Unix sockets.

Cards are found automatically: every card named Scarlett*, Clarett* or Vocaster*
or with USB vendor 1235, now and whenever one is plugged in.

Options:
  -c, --card NAME        also serve the ALSA ctl NAME (hw:0, hw:CARD=USB, or a
                         plugin name); repeatable
  -a, --all-cards        serve every sound card, Focusrite or not
  -s, --socket-dir DIR   put control.sock and events.sock in DIR (default:
                         $SCARLETTD_SOCKET_DIR, else $XDG_RUNTIME_DIR/scarlettd,
                         the places scarlettctl looks)
  -S, --simulate MODEL   also serve a virtual MODEL (see --list-models),
                         started with scarlett-sim(1) unless one runs; repeatable
      --list-models      list the models --simulate knows and exit
      --system           system-wide service: sockets 0660 (default directory
                         /run/scarlettd); root, our uid and members of the
                         sockets' group may connect
      --socket-group NAME  group of the sockets we bind (default audio with
                         --system); ignored for sockets systemd passes in
Under socket activation (scarlettd.socket) the sockets systemd passes are used.
Limits (protocol-v1 §6):
      --max-clients N        connections served at once (default 1024)
      --max-line BYTES       longest request line (default 65536)
      --max-output BYTES     encoded output kept per connection (default 4194304)
      --write-stall SECONDS  close a connection that reads nothing for this long
                             while output waits (default 30)
      --max-subscriptions N  subscriptions per connection (default 16)

  -v, --verbose          log more (repeat for debug)
  -q, --quiet            log only errors
  -h, --help             show this help and exit
  -V, --version          show the version and exit

Clients: scarlettctl(1). Protocol: docs/PROTOCOL.md.
)";

[[noreturn]] void UsageError(const std::string& message) {
    std::fprintf(stderr, "scarlettd: %s\nTry 'scarlettd --help'.\n", message.c_str());
    std::exit(2);
}

/** The current option's argument as a positive integer; a usage error otherwise. */
size_t Positive(const char* option) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(optarg, &end, 10);
    if (*optarg == '\0' || *optarg == '-' || *end != '\0' || n == 0 || errno == ERANGE)
        UsageError(std::string("invalid --") + option + " '" + optarg + "': a positive number");
    return static_cast<size_t>(n);
}

Options ParseArgs(int argc, char** argv, std::vector<std::string>& simulate) {
    enum {
        OPT_MAX_CLIENTS = 256,
        OPT_MAX_LINE,
        OPT_MAX_OUTPUT,
        OPT_WRITE_STALL,
        OPT_MAX_SUBSCRIPTIONS,
        OPT_LIST_MODELS,
        OPT_SYSTEM,
        OPT_SOCKET_GROUP,
    };
    static const option LONG[] = {
        {"card", required_argument, nullptr, 'c'},
        {"all-cards", no_argument, nullptr, 'a'},
        {"socket-dir", required_argument, nullptr, 's'},
        {"simulate", required_argument, nullptr, 'S'},
        {"list-models", no_argument, nullptr, OPT_LIST_MODELS},
        {"max-clients", required_argument, nullptr, OPT_MAX_CLIENTS},
        {"max-line", required_argument, nullptr, OPT_MAX_LINE},
        {"max-output", required_argument, nullptr, OPT_MAX_OUTPUT},
        {"write-stall", required_argument, nullptr, OPT_WRITE_STALL},
        {"max-subscriptions", required_argument, nullptr, OPT_MAX_SUBSCRIPTIONS},
        {"system", no_argument, nullptr, OPT_SYSTEM},
        {"socket-group", required_argument, nullptr, OPT_SOCKET_GROUP},
        {"verbose", no_argument, nullptr, 'v'},
        {"quiet", no_argument, nullptr, 'q'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    Options options;
    int verbosity = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:as:S:vqhV", LONG, nullptr)) != -1) {
        switch (c) {
            case 'c':
                options.cards.emplace_back(optarg);
                break;
            case 'a':
                options.all_cards = true;
                break;
            case 's':
                options.socket_dir = optarg;
                break;
            case 'S':
                simulate.emplace_back(optarg);
                break;
            case OPT_LIST_MODELS:
                std::fputs(Simulate::ListModels().c_str(), stdout);
                std::exit(0);
            case OPT_MAX_CLIENTS:
                options.limits.max_clients = Positive("max-clients");
                break;
            case OPT_MAX_LINE:
                options.limits.max_line = Positive("max-line");
                break;
            case OPT_MAX_OUTPUT:
                options.limits.max_output = Positive("max-output");
                break;
            case OPT_WRITE_STALL:
                options.limits.write_stall = std::chrono::seconds(Positive("write-stall"));
                break;
            case OPT_MAX_SUBSCRIPTIONS:
                options.limits.max_subscriptions = Positive("max-subscriptions");
                break;
            case OPT_SYSTEM:
                options.system = true;
                break;
            case OPT_SOCKET_GROUP:
                options.socket_group = optarg;
                break;
            case 'v':
                ++verbosity;
                break;
            case 'q':
                verbosity = -1;
                break;
            case 'h':
                std::fputs(USAGE, stdout);
                std::exit(0);
            case 'V':
                std::puts("scarlettd " SCARLETTD_VERSION);
                std::exit(0);
            default:
                UsageError("unknown option");
        }
    }
    if (optind < argc) UsageError(std::string("unexpected argument '") + argv[optind] + "'");
    /* The clients' variable: a daemon and its clients started with the same
     * environment meet without --socket-dir. */
    if (!options.socket_dir)
        if (const char* env = std::getenv("SCARLETTD_SOCKET_DIR"); env != nullptr && *env != '\0')
            options.socket_dir = env;
    Log::SetMaxLevel(verbosity < 0    ? Log::Level::Error
                     : verbosity == 0 ? Log::Level::Notice
                     : verbosity == 1 ? Log::Level::Info
                                      : Log::Level::Debug);
    return options;
}

}  // namespace

int main(int argc, char** argv) try {
    std::vector<std::string> simulate;
    Options options = ParseArgs(argc, argv, simulate);
    for (auto& socket : Systemd::TakeListenFds())
        options.listen_fds.push_back({socket.fd, socket.name});
    if (!simulate.empty()) {
        Simulate::ConfigureAlsa();
        options.simulator_dir = Simulate::Directory();
        for (const auto& model : simulate) options.simulated.push_back(Simulate::Prepare(model));
    }
    Instance instance(std::move(options));
    instance.Run();
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    Log::Error(e.what());
    Systemd::Notify("STOPPING=1");
    return EXIT_FAILURE;
}
