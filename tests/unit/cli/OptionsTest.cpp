// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/Options.hpp"

using Cli::Options;
using Cli::ParseArgs;
using Cli::UsageError;

TEST_CASE("ParseArgs accepts global options before and after the command") {
    const Options options =
        ParseArgs({"--json", "-d", "dev1", "controls", "Line *", "--socket-dir", "/s"});
    CHECK(options.command == "controls");
    CHECK(options.args == std::vector<std::string>{"Line *"});
    CHECK(options.device == "dev1");
    CHECK(options.socket_dir == "/s");
    CHECK(options.json);
    CHECK_FALSE(options.dry_run);
}

TEST_CASE("ParseArgs accepts --name=value and -dVALUE") {
    const Options options = ParseArgs({"--device=abc", "--socket-dir=/x", "devices"});
    CHECK(options.device == "abc");
    CHECK(options.socket_dir == "/x");
    CHECK(ParseArgs({"-dxyz", "devices"}).device == "xyz");
    CHECK(ParseArgs({"devices", "--device", "last"}).device == "last");
}

TEST_CASE("ParseArgs treats negative numbers as values and stops at --") {
    const Options options = ParseArgs({"set", "Volume", "-6dB", "-n"});
    CHECK(options.args == std::vector<std::string>{"Volume", "-6dB"});
    CHECK(options.dry_run);
    CHECK(ParseArgs({"set", "Volume", "-10"}).args.back() == "-10");
    CHECK(ParseArgs({"set", "Volume", "-.5dB"}).args.back() == "-.5dB");
    CHECK(ParseArgs({"set", "--", "--odd-name", "--json"}).args ==
          std::vector<std::string>{"--odd-name", "--json"});
}

TEST_CASE("ParseArgs handles help and version without a command") {
    CHECK(ParseArgs({"--help"}).help);
    CHECK(ParseArgs({"-h"}).command.empty());
    CHECK(ParseArgs({"--version"}).version);
    const Options command_help = ParseArgs({"set", "--help"});
    CHECK(command_help.help);
    CHECK(command_help.command == "set");
    CHECK(ParseArgs({"help", "watch"}).args == std::vector<std::string>{"watch"});
}

TEST_CASE("ParseArgs reports usage errors by name") {
    CHECK_THROWS_WITH_AS(ParseArgs({}), "no command given", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"frobnicate"}), "unknown command 'frobnicate'", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"--frob", "devices"}), "unknown option '--frob'", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"devices", "-d"}), "option -d needs a value", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"--json=1", "devices"}), "option --json takes no value",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"get"}), "get: missing argument", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"devices", "x"}), "devices: too many arguments", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"watch", "a", "b"}), "watch: too many arguments", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"set", "a"}), "set: missing argument", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"set", "a", "1", "b"}), "set: every CONTROL needs a VALUE",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"-d", "", "devices"}), "the device id is empty", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"set", "Gain", "--5"}),
                         "'--5' is not an option: a negative value is -5, steps down are 5-",
                         UsageError);
}

TEST_CASE("ParseArgs accepts each command's argument counts") {
    CHECK(ParseArgs({"devices"}).command == "devices");
    CHECK(ParseArgs({"controls"}).args.empty());
    CHECK(ParseArgs({"get", "1", "2", "3"}).args.size() == 3);
    CHECK(ParseArgs({"set", "a", "1", "b", "2"}).args.size() == 4);
    CHECK(ParseArgs({"watch"}).command == "watch");
    CHECK(ParseArgs({"watch", "Line *"}).args.size() == 1);
    CHECK(ParseArgs({"info"}).command == "info");
}

TEST_CASE("The help documents every command, the CONTROL syntax and the exit codes") {
    const std::string usage = Cli::GetUsage();
    for (const char* word :
         {"devices", "controls [PATTERN]", "get CONTROL", "set CONTROL VALUE", "watch [PATTERN]",
          "--device", "--socket-dir", "--json", "--version", "'Mic Capture Volume',1", "numid=125",
          "toggle", "-6dB", "0  success", "1  scarlettd returned an error", "2  usage error",
          "3  cannot connect"})
        CHECK_MESSAGE(usage.find(word) != std::string::npos, word);
    for (const char* command : {"devices", "controls", "get", "set", "watch", "info", "help"})
        CHECK(Cli::GetCommandUsage(command).starts_with("Usage: scarlettctl"));
    CHECK(Cli::GetCommandUsage("nope") == usage);
    CHECK(Cli::GetVersionText().starts_with("scarlettctl "));
}

TEST_CASE("ParseArgs: meters --rate, watch --waybar, and the commands they go with") {
    CHECK(ParseArgs({"meters"}).command == "meters");
    CHECK(ParseArgs({"meters", "--rate", "30"}).rate_hz == 30);
    CHECK(ParseArgs({"--rate=1", "meters"}).rate_hz == 1);
    CHECK(ParseArgs({"watch", "--waybar", "Line In 1 Air Capture Switch"}).waybar ==
          "Line In 1 Air Capture Switch");
    CHECK(ParseArgs({"set", "Volume", "3-"}).args.back() == "3-");
    CHECK(ParseArgs({"set", "Volume", "+1dB"}).args.back() == "+1dB");
    CHECK_THROWS_WITH_AS(ParseArgs({"meters", "--rate", "0"}),
                         "--rate must be a whole number of Hz from 1 to 60, not '0'", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"meters", "--rate", "61"}),
                         "--rate must be a whole number of Hz from 1 to 60, not '61'", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"meters", "--rate", "2x"}),
                         "--rate must be a whole number of Hz from 1 to 60, not '2x'", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"devices", "--rate", "2"}), "--rate goes with meters",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"get", "x", "--waybar", "y"}), "--waybar goes with watch",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"watch", "P*", "--waybar", "y"}),
                         "watch: --waybar CONTROL takes no PATTERN", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"watch", "--json", "--waybar", "y"}),
                         "watch: --waybar and --json do not go together", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"meters", "x"}), "meters: too many arguments", UsageError);
    CHECK(Cli::GetCommandUsage("meters").starts_with("Usage: scarlettctl"));
    const std::string usage = Cli::GetUsage();
    for (const char* word : {"meters", "--rate HZ", "--waybar CONTROL", "+1dB", "1dB-", "50%", "3-",
                             "A leading - is never relative"})
        CHECK_MESSAGE(usage.find(word) != std::string::npos, word);
}

TEST_CASE("ParseArgs: name and link take up to two arguments; --clear goes with name PORT") {
    CHECK(ParseArgs({"name"}).args.empty());
    CHECK(ParseArgs({"name", "Analogue In 1", ""}).args ==
          std::vector<std::string>{"Analogue In 1", ""});
    const Options clear = ParseArgs({"name", "--clear", "Analogue In 1"});
    CHECK(clear.clear);
    CHECK(clear.args == std::vector<std::string>{"Analogue In 1"});
    CHECK(ParseArgs({"link", "Analogue Out 1", "toggle"}).args.size() == 2);
    CHECK_THROWS_WITH_AS(ParseArgs({"name", "a", "b", "c"}), "name: too many arguments",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"link", "a", "on", "x"}), "link: too many arguments",
                         UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"link", "a", "--clear"}), "--clear goes with name", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"name", "--clear"}), "name: --clear needs a PORT", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"name", "--clear", "a", "b"}),
                         "name: --clear and NEWNAME do not go together", UsageError);
    CHECK_THROWS_WITH_AS(ParseArgs({"name", "--clear=1", "a"}), "option --clear takes no value",
                         UsageError);
    for (const char* command : {"name", "link"})
        CHECK(Cli::GetCommandUsage(command).starts_with("Usage: scarlettctl"));
    const std::string usage = Cli::GetUsage();
    for (const char* word : {"name [PORT [NEWNAME]]", "link [PAIR [on|off|toggle]]", "--clear"})
        CHECK_MESSAGE(usage.find(word) != std::string::npos, word);
}
