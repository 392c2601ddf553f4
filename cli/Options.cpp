// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Options.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <string_view>

#include "generated/Version.hpp"

namespace Cli {

namespace {

struct CommandSpec {
    std::string_view name;
    size_t min_args;
    size_t max_args;
    std::string_view usage;
};

constexpr size_t UNLIMITED = static_cast<size_t>(-1);

constexpr std::array<CommandSpec, 12> COMMANDS = {{
    {"devices", 0, 0,
     "Usage: scarlettctl [-d ID] [--json] devices\n"
     "List the devices scarlettd knows: id, online, card, model (or ALSA name) and\n"
     "number of controls. Offline devices keep their id. With -d, that device only\n"
     "(an unknown id is an error).\n"},
    {"controls", 0, 1,
     "Usage: scarlettctl [-d ID] [--json] controls [PATTERN]\n"
     "List the controls of a device: numid, name, index, type, access, value.\n"
     "PATTERN is a shell glob on the control name; quote it: 'Line In *'.\n"
     "ACCESS is rw (writable now) or r- (read-only, locked or inactive; the reason\n"
     "follows), plus 'volatile' for controls that change without events.\n"},
    {"get", 1, UNLIMITED,
     "Usage: scarlettctl [-d ID] [--json] get CONTROL...\n"
     "Show controls in detail: type, access, range, dB range, items and value.\n"
     "CONTROL: see 'scarlettctl --help'.\n"},
    {"set", 2, UNLIMITED,
     "Usage: scarlettctl [-d ID] [--json] [-n] set CONTROL VALUE [CONTROL VALUE]...\n"
     "Set controls and print the values read back. All changes are checked before\n"
     "any is written: if one is invalid, nothing changes. -n/--dry-run only checks.\n"
     "VALUE: -6dB (a level), 50% (of the range), +1dB or 1dB- (relative), +3 or 3-\n"
     "(steps), on/off/toggle, an item label; see 'scarlettctl --help'. A negative\n"
     "number is a value, not an option: set 'Mix A Input 01 Playback Volume' -6dB.\n"},
    {"watch", 0, 1,
     "Usage: scarlettctl [-d ID] [--json] watch [PATTERN]\n"
     "       scarlettctl [-d ID] watch --waybar CONTROL\n"
     "Print one line per changed control, and when devices come and go, until\n"
     "Ctrl-C. PATTERN is a shell glob on the control name. With --json, print each\n"
     "notification as one JSON line (NDJSON), flushed at once.\n"
     "With --waybar CONTROL, print one waybar custom-module JSON line (text,\n"
     "tooltip, class, alt, percentage) now and one whenever CONTROL changes; class\n"
     "is on, off, muted or offline. See scarlettctl(1) for a waybar config.\n"},
    {"meters", 0, 0,
     "Usage: scarlettctl [-d ID] [--json] [--rate HZ] meters\n"
     "Show the device's level meters as live bars (-60..0 dBFS), redrawn in place\n"
     "and on resize, until Ctrl-C. --rate HZ: readings per second, 1..60\n"
     "(default 20). With --json, or when stdout is not a terminal, print each\n"
     "reading as one line instead.\n"},
    {"preset", 1, UNLIMITED,
     "Usage: scarlettctl [-d ID] [--json] preset list\n"
     "       scarlettctl [-d ID] preset save [--overwrite] NAME [PATTERN...]\n"
     "       scarlettctl [-d ID] [--json] [-n] preset load NAME|FILE\n"
     "       scarlettctl [-d ID] [--json] preset diff NAME|FILE\n"
     "       scarlettctl [-d ID] preset rm NAME\n"
     "Presets are alsa-scarlett-gui's: the same files, in the same place\n"
     "(~/.config/alsa-scarlett-gui/SERIAL-NAME.conf), so a preset saved by either\n"
     "program appears in both. list: the device's presets (every preset without -d\n"
     "when several devices are known). save: every writable setting, or those whose\n"
     "names match a PATTERN (shell glob); an existing preset is kept unless\n"
     "--overwrite. load: applies a preset, or a FILE (a path, .conf or alsactl\n"
     ".state); names the device lacks are skipped and listed; -n only counts.\n"
     "diff: the controls that differ from the preset. rm: deletes a preset.\n"
     "NAME: 1-64 letters, digits, spaces, '_', '.', '-', not starting with '.'.\n"},
    {"configure", 0, 0,
     "Usage: scarlettctl [-d ID] [--json] configure [--nickname TEXT | --no-nickname]\n"
     "           [--on-attach off|last|preset NAME] [--guard GLOB=VALUE]... [--no-guards]\n"
     "What scarlettd does when the interface is plugged in, and its nickname; without\n"
     "options, show them. --on-attach last: write back the last state scarlettd saw\n"
     "(the default for 1st Gen interfaces, which remember nothing); preset NAME: load\n"
     "that preset; off: leave the interface as it comes up. --guard GLOB=VALUE: after\n"
     "that, set every control matching GLOB to VALUE, whatever was restored, e.g.\n"
     "--guard '*Phantom Power*=off' (ribbon microphones). Given guards replace the\n"
     "stored ones; --no-guards removes them. Works while the interface is unplugged.\n"},
    {"name", 0, 2,
     "Usage: scarlettctl [-d ID] [--json] name [PORT [NEWNAME]]\n"
     "       scarlettctl [-d ID] [--json] name --clear PORT\n"
     "Names of the device and its ports, kept by scarlettd under alsa-scarlett-gui's\n"
     "control names, so that presets of either program carry them. Without PORT, list\n"
     "every name ('-': none); with PORT, show its name; with NEWNAME, set it ('' or\n"
     "--clear removes it). PORT: a port such as 'Analogue In 1', 'PCM Out 3' or\n"
     "'Mixer Out 1' (Mix A), a stereo pair such as 'Analogue Out 1-2', or device\n"
     "for the device's own name. NEWNAME: at most 128 bytes of UTF-8.\n"},
    {"link", 0, 2,
     "Usage: scarlettctl [-d ID] [--json] link [PAIR [on|off|toggle]]\n"
     "Stereo links of channel pairs, kept by scarlettd under alsa-scarlett-gui's\n"
     "control names. Without PAIR, list every pair, on or off; with PAIR, show it;\n"
     "with on, off or toggle, set it. While a pair is linked, scarlettd writes a\n"
     "change of either channel's gain, volume, mute or mixer level to both.\n"
     "PAIR: 'Analogue Out 1-2', or either of its ports ('Analogue Out 1' or\n"
     "'Analogue Out 2').\n"},
    {"info", 0, 0,
     "Usage: scarlettctl [--json] info\n"
     "Show the daemon's version, protocol, pid, uptime, devices and clients.\n"},
    {"help", 0, 1,
     "Usage: scarlettctl help [COMMAND]\n"
     "Show the help, or the help of one command.\n"},
}};

const CommandSpec* FindCommand(std::string_view name) {
    for (const auto& spec : COMMANDS)
        if (spec.name == name) return &spec;
    return nullptr;
}

/** True for "-6", "-6dB", "-.5": values, not options. */
bool LooksNegativeNumber(std::string_view arg) {
    return arg.size() >= 2 && arg[0] == '-' &&
           (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.');
}

}  // namespace

Options ParseArgs(const std::vector<std::string>& args) {
    Options options;
    std::vector<std::string> positional;
    bool options_done = false;

    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_done || arg.empty() || arg[0] != '-' || arg == "-" ||
            LooksNegativeNumber(arg)) {
            positional.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }

        /* Split "--name=value" and "-dVALUE" so both spellings work. */
        std::string name = arg;
        std::optional<std::string> inline_value;
        if (arg.starts_with("--")) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                name = arg.substr(0, eq);
                inline_value = arg.substr(eq + 1);
            }
        } else if (arg.size() > 2) {
            name = arg.substr(0, 2);
            inline_value = arg.substr(2);
        }
        auto take_value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= args.size()) throw UsageError("option " + name + " needs a value");
            return args[++i];
        };
        auto no_value = [&] {
            if (inline_value) throw UsageError("option " + name + " takes no value");
        };

        if (name == "-d" || name == "--device") {
            options.device = take_value();
            if (options.device->empty()) throw UsageError("the device id is empty");
        } else if (name == "--socket-dir") {
            options.socket_dir = take_value();
            if (options.socket_dir->empty()) throw UsageError("the socket directory is empty");
        } else if (name == "--waybar") {
            options.waybar = take_value();
            if (options.waybar->empty()) throw UsageError("the --waybar control is empty");
        } else if (name == "--rate") {
            const std::string value = take_value();
            int rate = 0;
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), rate);
            if (error != std::errc() || end != value.data() + value.size() || rate < 1 || rate > 60)
                throw UsageError("--rate must be a whole number of Hz from 1 to 60, not '" + value +
                                 "'");
            options.rate_hz = rate;
        } else if (name == "--json") {
            no_value();
            options.json = true;
        } else if (name == "--nickname") {
            options.nickname = take_value();
        } else if (name == "--no-nickname") {
            no_value();
            options.nickname = std::optional<std::string>();
        } else if (name == "--on-attach") {
            options.on_attach = take_value();
            if (*options.on_attach == "preset") {
                if (i + 1 >= args.size() || args[i + 1].starts_with("-"))
                    throw UsageError("--on-attach preset needs a preset NAME");
                options.on_attach_preset = args[++i];
            } else if (*options.on_attach != "off" && *options.on_attach != "last") {
                throw UsageError("--on-attach is off, last or preset NAME, not '" +
                                 *options.on_attach + "'");
            }
        } else if (name == "--guard") {
            const std::string guard = take_value();
            const auto eq = guard.rfind('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == guard.size())
                throw UsageError("--guard takes GLOB=VALUE, e.g. '*Phantom Power*=off'");
            options.guards.push_back(guard);
        } else if (name == "--no-guards") {
            no_value();
            options.no_guards = true;
        } else if (name == "--clear") {
            no_value();
            options.clear = true;
        } else if (name == "--overwrite") {
            no_value();
            options.overwrite = true;
        } else if (name == "-n" || name == "--dry-run") {
            no_value();
            options.dry_run = true;
        } else if (name == "-h" || name == "--help") {
            no_value();
            options.help = true;
        } else if (name == "--version") {
            no_value();
            options.version = true;
        } else if (arg.size() > 2 && arg.starts_with("--") &&
                   (std::isdigit(static_cast<unsigned char>(arg[2])) || arg[2] == '.')) {
            /* "--5": a value typed with one minus too many, not an option. */
            throw UsageError("'" + arg + "' is not an option: a negative value is " +
                             arg.substr(1) + ", steps down are " + arg.substr(2) + "-");
        } else {
            throw UsageError("unknown option '" + arg + "'");
        }
    }

    if (positional.empty()) {
        if (!options.help && !options.version) throw UsageError("no command given");
        return options;
    }
    options.command = positional.front();
    options.args.assign(positional.begin() + 1, positional.end());

    const CommandSpec* spec = FindCommand(options.command);
    if (!spec) throw UsageError("unknown command '" + options.command + "'");
    if (options.help || options.version) return options;
    if (options.args.size() < spec->min_args)
        throw UsageError(options.command + ": missing argument");
    if (options.args.size() > spec->max_args)
        throw UsageError(options.command + ": too many arguments");
    if (options.command == "set" && options.args.size() % 2 != 0)
        throw UsageError("set: every CONTROL needs a VALUE");
    if (options.waybar && options.command != "watch") throw UsageError("--waybar goes with watch");
    if (options.waybar && !options.args.empty())
        throw UsageError("watch: --waybar CONTROL takes no PATTERN");
    if (options.waybar && options.json)
        throw UsageError("watch: --waybar and --json do not go together");
    if (options.rate_hz && options.command != "meters") throw UsageError("--rate goes with meters");
    const bool configures =
        options.nickname || options.on_attach || !options.guards.empty() || options.no_guards;
    if (configures && options.command != "configure")
        throw UsageError("--nickname, --on-attach and --guard go with configure");
    if (options.no_guards && !options.guards.empty())
        throw UsageError("configure: --guard and --no-guards do not go together");
    if (options.overwrite && options.command != "preset")
        throw UsageError("--overwrite goes with preset save");
    if (options.clear && options.command != "name") throw UsageError("--clear goes with name");
    if (options.clear && options.args.size() != 1)
        throw UsageError(options.args.empty() ? "name: --clear needs a PORT"
                                              : "name: --clear and NEWNAME do not go together");
    if (options.dry_run && options.command != "set" && options.command != "preset")
        throw UsageError("--dry-run goes with set and preset load");
    return options;
}

std::string GetUsage() {
    return R"(Usage: scarlettctl [OPTIONS] COMMAND [ARGS...]
Control Focusrite audio interfaces through the scarlettd daemon.

Commands:
  devices                List devices: id, online, card, model, controls.
  controls [PATTERN]     List a device's controls (PATTERN: shell glob on names).
  get CONTROL...         Show controls in detail.
  set CONTROL VALUE...   Set controls (all or nothing); print the values read back.
  watch [PATTERN]        Print changes and device hotplug until Ctrl-C.
  watch --waybar CONTROL Print waybar custom-module JSON lines for one control.
  meters                 Show live level meters until Ctrl-C.
  preset list|save|load|diff|rm
                         Presets, shared with alsa-scarlett-gui.
  configure [OPTIONS]    Nickname, and what happens on plug-in: restore the
                         last state or a preset, guards such as phantom off.
  name [PORT [NEWNAME]]  Show or set the names of the device and its ports.
  link [PAIR [on|off|toggle]]
                         Show or set the stereo links of channel pairs.
  info                   Show the daemon's version and status.
  help [COMMAND]         Show this help, or a command's help.

Options (before or after the command):
  -d, --device ID        The device to use (see 'scarlettctl devices'). May be
                         omitted when scarlettd knows exactly one device.
      --socket-dir DIR   Directory of scarlettd's sockets. Default:
                         $SCARLETTD_SOCKET_DIR, else $XDG_RUNTIME_DIR/scarlettd.
      --json             Print the daemon's result as JSON; watch and meters print
                         one notification per line. On a daemon error, the error
                         object is printed to stdout as well.
  -n, --dry-run          set, preset load: only check, write nothing.
      --overwrite        preset save: replace a preset of that name.
      --on-attach MODE   configure: off, last, or preset NAME.
      --guard GLOB=VALUE configure: set matching controls after each plug-in.
      --no-guards        configure: remove the guards.
      --nickname TEXT    configure: the interface's nickname (--no-nickname).
      --clear            name: remove PORT's name.
      --waybar CONTROL   watch: print waybar JSON lines for CONTROL.
      --rate HZ          meters: readings per second, 1..60 (default 20).
  -h, --help             Show help (with a command: that command's help).
      --version          Show the version.
  --                     End of options.

CONTROL names a control:
  125                    numid 125
  'Line In 1 Air Capture Switch'
                         name (index 0)
  'Mic Capture Volume',1 name and index (the index after the last comma)
  numid=125  or  name='Mic Capture Volume',index=1[,iface=mixer]
                         amixer style

VALUE, as you would type it (scarlettd checks it):
  integer                160, min, max;  in dB: -6dB, 6dB;  50% of the range
                         (min + (max-min)*50/100, rounded)
    relative             a leading + or, as in amixer, a sign after the number:
                         +3 or 3+ (3 steps up), 3- (3 steps down), +1dB or 1dB+,
                         1dB-, +5% or 5%+, 5%-.  A leading - is never relative:
                         -6dB and -3 are levels.
  boolean                on/off, true/false, yes/no, 1/0; toggle flips it
  enumerated             an item label (case-insensitive) or its index:
                         'Analogue 1' or 3;  per channel: Off,'Analogue 1'
  bytes                  a hex string
  One value sets every channel; a comma-separated list sets each channel:
  160,150  -6dB,-3dB  +1dB,1dB-.  An invalid value is reported with the valid
  range or items.

Examples:
  scarlettctl devices
  scarlettctl controls 'Line In *'
  scarlettctl set 'Line In 1 Air Capture Switch' toggle
  scarlettctl -d ID set 'Mix A Input 01 Playback Volume' -6dB
  scarlettctl set 'Line 03 (Monitor 2 L) Playback Volume' 2dB-
  scarlettctl --json watch 'Line In *' | jq .
  scarlettctl watch --waybar 'Line In 1 Air Capture Switch'
  scarlettctl meters --rate 30
  scarlettctl preset save 'Podcast' && scarlettctl preset diff 'Podcast'
  scarlettctl configure --on-attach last --guard '*Phantom Power*=off'
  scarlettctl name 'Analogue In 1' 'Vocal mic'
  scarlettctl link 'Analogue Out 1' on

Exit status:
  0  success (watch and meters: stopped with Ctrl-C)
  1  scarlettd returned an error (message on stderr)
  2  usage error
  3  cannot connect to scarlettd, or the connection failed
)";
}

std::string GetCommandUsage(const std::string& command) {
    if (const CommandSpec* spec = FindCommand(command)) return std::string(spec->usage);
    return GetUsage();
}

std::string GetVersionText() {
    return std::string("scarlettctl ") + SCARLETTD_VERSION;
}

}  // namespace Cli
