// SPDX-License-Identifier: GPL-3.0-or-later
#include <getopt.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "generated/Version.hpp"
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
  -s, --socket-dir DIR   put control.sock and events.sock in DIR
                         (default: $XDG_RUNTIME_DIR/scarlettd)
      --max-clients N    connections served at once (default 1024)
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

Options ParseArgs(int argc, char** argv) {
    enum { OPT_MAX_CLIENTS = 256 };
    static const option LONG[] = {
        {"card", required_argument, nullptr, 'c'},
        {"all-cards", no_argument, nullptr, 'a'},
        {"socket-dir", required_argument, nullptr, 's'},
        {"max-clients", required_argument, nullptr, OPT_MAX_CLIENTS},
        {"verbose", no_argument, nullptr, 'v'},
        {"quiet", no_argument, nullptr, 'q'},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, 'V'},
        {nullptr, 0, nullptr, 0},
    };
    Options options;
    int verbosity = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:as:vqhV", LONG, nullptr)) != -1) {
        switch (c) {
            case 'c': options.cards.emplace_back(optarg); break;
            case 'a': options.all_cards = true; break;
            case 's': options.socket_dir = optarg; break;
            case OPT_MAX_CLIENTS: {
                char* end = nullptr;
                const unsigned long n = std::strtoul(optarg, &end, 10);
                if (*optarg == '\0' || *end != '\0' || n == 0)
                    UsageError(std::string("invalid --max-clients '") + optarg + "'");
                options.limits.max_clients = n;
                break;
            }
            case 'v': ++verbosity; break;
            case 'q': verbosity = -1; break;
            case 'h': std::fputs(USAGE, stdout); std::exit(0);
            case 'V': std::puts("scarlettd " SCARLETTD_VERSION); std::exit(0);
            default: UsageError("unknown option");
        }
    }
    if (optind < argc) UsageError(std::string("unexpected argument '") + argv[optind] + "'");
    Log::SetMaxLevel(verbosity < 0    ? Log::Level::Error
                     : verbosity == 0 ? Log::Level::Notice
                     : verbosity == 1 ? Log::Level::Info
                                      : Log::Level::Debug);
    return options;
}

}  // namespace

int main(int argc, char** argv) try {
    Instance instance(ParseArgs(argc, argv));
    instance.Run();
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    Log::Error(e.what());
    Systemd::Notify("STOPPING=1");
    return EXIT_FAILURE;
}
