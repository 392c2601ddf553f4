// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/CommandLine.hpp"

#include <getopt.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "daemon/Log.hpp"
#include "generated/Version.hpp"

namespace {

const char* const USAGE = R"(Usage: scarlettd [OPTION]...
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
      --presets-dir DIR  where presets are kept (default: alsa-scarlett-gui's,
                         $XDG_CONFIG_HOME/alsa-scarlett-gui, so both programs
                         share them; /var/lib/scarlettd/presets with --system)
      --state-dir DIR    where each device's settings and last state are kept
                         (default: $XDG_CONFIG_HOME/scarlettd; /var/lib/scarlettd
                         with --system)
Under socket activation (scarlettd.socket) the sockets systemd passes are used.
Limits (protocol-v1 §6):
      --max-clients N        connections served at once (default 1024)
      --max-line BYTES       longest request line (default 65536)
      --max-output BYTES     encoded output kept per connection (default 4194304)
      --max-output-total BYTES  output kept for all connections together
                             (default 67108864)
      --write-stall SECONDS  close a connection that reads nothing for this long
                             while output waits (default 30)
      --max-subscriptions N  subscriptions per connection (default 16)

  -v, --verbose          log more (repeat for debug)
  -q, --quiet            log only errors
  -h, --help             show this help and exit
  -V, --version          show the version and exit

Clients: scarlettctl(1). Protocol: docs/PROTOCOL.md.
)";

const char* program_name = "scarlettd";
constexpr size_t MAX_WRITE_STALL_S = 86400;

[[noreturn]] void UsageError(const std::string& message) {
    std::fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program_name, message.c_str(), program_name);
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

enum {
    OPT_MAX_CLIENTS = 256,
    OPT_MAX_LINE,
    OPT_MAX_OUTPUT,
    OPT_MAX_OUTPUT_TOTAL,
    OPT_WRITE_STALL,
    OPT_MAX_SUBSCRIPTIONS,
    OPT_LIST_MODELS,
    OPT_SYSTEM,
    OPT_SOCKET_GROUP,
    OPT_PRESETS_DIR,
    OPT_STATE_DIR,
    OPT_EXTRA,  // OPT_EXTRA + i: extra option i
};

const option OWN[] = {
    {"card", required_argument, nullptr, 'c'},
    {"all-cards", no_argument, nullptr, 'a'},
    {"socket-dir", required_argument, nullptr, 's'},
    {"simulate", required_argument, nullptr, 'S'},
    {"list-models", no_argument, nullptr, OPT_LIST_MODELS},
    {"max-clients", required_argument, nullptr, OPT_MAX_CLIENTS},
    {"max-line", required_argument, nullptr, OPT_MAX_LINE},
    {"max-output", required_argument, nullptr, OPT_MAX_OUTPUT},
    {"max-output-total", required_argument, nullptr, OPT_MAX_OUTPUT_TOTAL},
    {"write-stall", required_argument, nullptr, OPT_WRITE_STALL},
    {"max-subscriptions", required_argument, nullptr, OPT_MAX_SUBSCRIPTIONS},
    {"system", no_argument, nullptr, OPT_SYSTEM},
    {"socket-group", required_argument, nullptr, OPT_SOCKET_GROUP},
    {"presets-dir", required_argument, nullptr, OPT_PRESETS_DIR},
    {"state-dir", required_argument, nullptr, OPT_STATE_DIR},
    {"verbose", no_argument, nullptr, 'v'},
    {"quiet", no_argument, nullptr, 'q'},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
};

}  // namespace

namespace {

/** $XDG_CONFIG_HOME/@p name, else ~/.config/@p name; empty without either. As
 *  g_get_user_config_dir() decides for alsa-scarlett-gui: a relative XDG_CONFIG_HOME
 *  is ignored (XDG Base Directory). */
std::string UserConfigDir(const char* name) {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/')
        return std::string(xdg) + "/" + name;
    if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/')
        return std::string(home) + "/.config/" + name;
    return {};
}

}  // namespace

std::string DefaultPresetsDir(bool system) {
    return system ? "/var/lib/scarlettd/presets" : UserConfigDir("alsa-scarlett-gui");
}

std::string DefaultStateDir(bool system) {
    return system ? "/var/lib/scarlettd" : UserConfigDir("scarlettd");
}

CommandLine ParseCommandLine(int argc, char** argv, const std::vector<ExtraOption>& extra,
                             const char* program, const char* usage, bool quiet_by_default) {
    program_name = program;
    std::vector<option> table(std::begin(OWN), std::end(OWN));
    for (size_t i = 0; i < extra.size(); ++i)
        table.push_back({extra[i].name, extra[i].has_argument ? required_argument : no_argument,
                         nullptr, OPT_EXTRA + static_cast<int>(i)});
    table.push_back({nullptr, 0, nullptr, 0});

    CommandLine line;
    Options& options = line.options;
    int verbosity = quiet_by_default ? -1 : 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:as:S:vqhV", table.data(), nullptr)) != -1) {
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
                line.simulate.emplace_back(optarg);
                break;
            case OPT_LIST_MODELS:
                line.list_models = true;
                break;
            case OPT_MAX_CLIENTS:
                options.limits.max_clients = Positive("max-clients");
                break;
            case OPT_MAX_LINE:
                options.limits.max_line = Positive("max-line");
                break;
            case OPT_MAX_OUTPUT:
                options.limits.max_output = Positive("max-output");
                break;
            case OPT_MAX_OUTPUT_TOTAL:
                options.limits.max_output_total = Positive("max-output-total");
                break;
            case OPT_WRITE_STALL: {
                /* Bounded so that deadlines stay far inside the clock's range. */
                const size_t seconds = Positive("write-stall");
                if (seconds > MAX_WRITE_STALL_S)
                    UsageError("invalid --write-stall '" + std::string(optarg) + "': at most " +
                               std::to_string(MAX_WRITE_STALL_S) + " seconds");
                options.limits.write_stall = std::chrono::seconds(seconds);
                break;
            }
            case OPT_MAX_SUBSCRIPTIONS:
                options.limits.max_subscriptions = Positive("max-subscriptions");
                break;
            case OPT_SYSTEM:
                options.system = true;
                break;
            case OPT_SOCKET_GROUP:
                options.socket_group = optarg;
                break;
            case OPT_PRESETS_DIR:
                if (*optarg != '/')
                    UsageError("invalid --presets-dir '" + std::string(optarg) +
                               "': an absolute path");
                options.presets_dir = optarg;
                break;
            case OPT_STATE_DIR:
                if (*optarg != '/')
                    UsageError("invalid --state-dir '" + std::string(optarg) +
                               "': an absolute path");
                options.state_dir = optarg;
                break;
            case 'v':
                verbosity = verbosity < 0 ? 1 : verbosity + 1;
                break;
            case 'q':
                verbosity = -2;
                break;
            case 'h':
                std::fputs(usage ? usage : USAGE, stdout);
                std::exit(0);
            case 'V':
                std::printf("%s %s\n", program, SCARLETTD_VERSION);
                std::exit(0);
            default:
                if (c >= OPT_EXTRA && c < OPT_EXTRA + static_cast<int>(extra.size())) {
                    extra[static_cast<size_t>(c - OPT_EXTRA)].apply(optarg);
                    break;
                }
                UsageError("unknown option");
        }
    }
    if (optind < argc) UsageError(std::string("unexpected argument '") + argv[optind] + "'");
    /* The clients' variable: a daemon and its clients started with the same
     * environment meet without --socket-dir. */
    if (!options.socket_dir)
        if (const char* env = std::getenv("SCARLETTD_SOCKET_DIR"); env != nullptr && *env != '\0')
            options.socket_dir = env;
    if (options.presets_dir.empty()) options.presets_dir = DefaultPresetsDir(options.system);
    if (options.state_dir.empty()) options.state_dir = DefaultStateDir(options.system);
    Log::SetMaxLevel(verbosity <= -2   ? Log::Level::Error
                     : verbosity == -1 ? Log::Level::Warning
                     : verbosity == 0  ? Log::Level::Notice
                     : verbosity == 1  ? Log::Level::Info
                                       : Log::Level::Debug);
    return line;
}
