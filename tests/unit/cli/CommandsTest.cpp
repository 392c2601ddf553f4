// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cli/Commands.hpp"
#include "cli/Output.hpp"
#include "cli/Waybar.hpp"
#include "tests/unit/cli/FakeServer.hpp"

using CliTest::FakeConnection;
using CliTest::FakeServer;
using nlohmann::json;

namespace {

struct Outcome {
    int status;
    std::string out;
    std::string err;
};

Outcome RunCli(std::vector<std::string> args, const Cli::StopPredicate& stop = nullptr) {
    std::ostringstream out;
    std::ostringstream err;
    const int status = Cli::Run(args, out, err, stop);
    return {status, out.str(), err.str()};
}

/** A server that answers each request with @p answer and records the requests. */
FakeServer::Handler Answering(std::vector<json>& requests,
                              std::function<void(FakeConnection&, const json&)> answer) {
    return [&requests, answer = std::move(answer)](FakeConnection& connection) {
        for (json request; !(request = connection.ReadRequest()).is_null();) {
            requests.push_back(request);
            answer(connection, request);
        }
    };
}

const json AIR = {{"numid", 12},      {"name", "Line In 1 Air Capture Switch"},
                  {"index", 0},       {"type", "boolean"},
                  {"count", 1},       {"access", {"read", "write"}},
                  {"writable", true}, {"value", {false}}};
const json GAIN = {{"numid", 20},      {"name", "Line In 1 Gain Capture Volume"},
                   {"index", 1},       {"type", "integer"},
                   {"count", 2},       {"min", 0},
                   {"max", 70},        {"access", {"read", "write"}},
                   {"writable", true}, {"value", {10, 10}}};

}  // namespace

TEST_CASE("scarlettctl devices prints the table from devices.list") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.Reply(request, {{"seq", 1},
                              {"devices",
                               {{{"id", "dev"},
                                 {"online", true},
                                 {"card", 1},
                                 {"name", "N"},
                                 {"model", "M"},
                                 {"controls", 3}}}}});
        }));
        outcome = RunCli({"--socket-dir", server.GetDir(), "devices"});
    }
    CHECK(outcome.status == Cli::EXIT_OK);
    CHECK(outcome.err.empty());
    CHECK(outcome.out == "ID   ONLINE  CARD  MODEL  CONTROLS\ndev  yes     1     M      3\n");
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "devices.list");
}

TEST_CASE("scarlettctl -d ID devices shows that device; an unknown one is an error") {
    std::vector<json> requests;
    const auto answer = [](FakeConnection& c, const json& request) {
        json device = {{"id", "dev"}, {"online", true}, {"card", 1},
                       {"name", "N"}, {"model", "M"},   {"controls", 3}};
        json other = device;
        other["id"] = "other";
        c.Reply(request, {{"seq", 1}, {"devices", {device, other}}});
    };
    Outcome known, unknown;
    {
        FakeServer server(Answering(requests, answer));
        known = RunCli({"--socket-dir", server.GetDir(), "-d", "other", "devices"});
    }
    {
        FakeServer server(Answering(requests, answer));
        unknown = RunCli({"--socket-dir", server.GetDir(), "-d", "nope", "devices"});
    }
    CHECK(known.status == Cli::EXIT_OK);
    CHECK(known.out == "ID     ONLINE  CARD  MODEL  CONTROLS\nother  yes     1     M      3\n");
    CHECK(unknown.status != Cli::EXIT_OK);
    INFO(unknown.err);
    CHECK(unknown.out.empty());
    CHECK(unknown.err.find("no device 'nope'") != std::string::npos);
    CHECK(unknown.err.find("'scarlettctl devices' lists the known devices") != std::string::npos);
}

TEST_CASE("scarlettctl controls passes the device and the pattern; --json prints the result") {
    std::vector<json> requests;
    Outcome outcome;
    const json result = {{"device", "dev"}, {"seq", 2}, {"controls", {AIR}}};
    {
        FakeServer server(Answering(
            requests, [&](FakeConnection& c, const json& request) { c.Reply(request, result); }));
        outcome =
            RunCli({"--socket-dir", server.GetDir(), "-d", "dev", "--json", "controls", "Line *"});
    }
    CHECK(outcome.status == Cli::EXIT_OK);
    CHECK(json::parse(outcome.out) == result);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "controls.list");
    CHECK(requests[0]["params"] == json{{"device", "dev"}, {"match", "Line *"}});
}

TEST_CASE("scarlettctl get sends control references and prints details") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.Reply(request, {{"device", "dev"}, {"seq", 2}, {"controls", {AIR, GAIN}}});
        }));
        outcome = RunCli(
            {"--socket-dir", server.GetDir(), "get", "12", "Line In 1 Gain Capture Volume,1"});
    }
    CHECK(outcome.status == Cli::EXIT_OK);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "controls.get");
    CHECK(requests[0]["params"] ==
          json{{"controls", {12, {{"name", "Line In 1 Gain Capture Volume"}, {"index", 1}}}}});
    CHECK(outcome.out.find("'Line In 1 Air Capture Switch' (numid 12)\n") != std::string::npos);
    CHECK(outcome.out.find("  value:  10,10\n") != std::string::npos);
}

TEST_CASE("scarlettctl set types values by the control's type and prints the read-back") {
    std::vector<json> requests;
    Outcome outcome;
    bool dry_run = false;
    SUBCASE("write") {}
    SUBCASE("dry run") {
        dry_run = true;
    }
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            if (request["method"] == "controls.get") {
                c.Reply(request, {{"device", "dev"}, {"seq", 2}, {"controls", {AIR, GAIN}}});
                return;
            }
            json air = AIR;
            air["value"] = {true};
            json gain = GAIN;
            gain["value"] = {20, 30};
            c.Reply(request, {{"device", "dev"}, {"seq", 3}, {"controls", {air, gain}}});
        }));
        std::vector<std::string> args = {"--socket-dir", server.GetDir(),
                                         "set",          "Line In 1 Air Capture Switch",
                                         "on",           "Line In 1 Gain Capture Volume,1",
                                         "20,30"};
        if (dry_run) args.push_back("--dry-run");
        outcome = RunCli(args);
    }
    CHECK(outcome.status == Cli::EXIT_OK);
    CHECK(outcome.err.empty());
    REQUIRE(requests.size() == 2);
    CHECK(requests[0]["method"] == "controls.get");
    CHECK(requests[1]["method"] == "controls.set");
    json expected = {{"changes",
                      {{{"control", "Line In 1 Air Capture Switch"}, {"value", true}},
                       {{"control", {{"name", "Line In 1 Gain Capture Volume"}, {"index", 1}}},
                        {"value", {20, 30}}}}}};
    if (dry_run) expected["dry_run"] = true;
    CHECK(requests[1]["params"] == expected);
    if (dry_run)
        CHECK(outcome.out ==
              "would set 'Line In 1 Air Capture Switch' = on\n"
              "would set 'Line In 1 Gain Capture Volume',1 = 20,30\n"
              "dry run: nothing was written\n");
    else
        CHECK(outcome.out ==
              "'Line In 1 Air Capture Switch' = on\n'Line In 1 Gain Capture Volume',1 = 20,30\n");
}

TEST_CASE("scarlettctl reports daemon errors on stderr with exit status 1") {
    const json error = {{"code", -32005},
                        {"message", "200 is out of range"},
                        {"data",
                         {{"code", "value.invalid"},
                          {"control", "Mix A Input 01 Playback Volume"},
                          {"min", 0},
                          {"max", 172}}}};
    const json control = {{"numid", 125}, {"name", "Mix A Input 01 Playback Volume"},
                          {"index", 0},   {"type", "integer"},
                          {"count", 1},   {"value", {0}}};
    std::vector<json> requests;
    auto answer = [&](FakeConnection& c, const json& request) {
        if (request["method"] == "controls.get")
            c.Reply(request, {{"controls", {control}}});
        else
            c.ReplyError(request, error);
    };
    SUBCASE("text") {
        Outcome outcome;
        {
            FakeServer server(Answering(requests, answer));
            outcome = RunCli(
                {"--socket-dir", server.GetDir(), "set", "Mix A Input 01 Playback Volume", "200"});
        }
        CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
        CHECK(outcome.out.empty());
        CHECK(outcome.err ==
              "scarlettctl: value.invalid: 200 is out of range for 'Mix A Input 01 Playback "
              "Volume' (0..172)\n");
    }
    SUBCASE("--json also prints the error object") {
        Outcome outcome;
        {
            FakeServer server(Answering(requests, answer));
            outcome = RunCli({"--socket-dir", server.GetDir(), "--json", "set", "125", "200"});
        }
        CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
        CHECK(json::parse(outcome.out) == json{{"error", error}});
        CHECK(outcome.err.starts_with("scarlettctl: value.invalid: "));
    }
}

TEST_CASE("scarlettctl hints at -d when several devices are known") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.ReplyError(request, {{"code", -32602},
                                   {"message", "device is required when 2 devices are known"},
                                   {"data", {{"code", "params.invalid"}, {"field", "device"}}}});
        }));
        outcome = RunCli({"--socket-dir", server.GetDir(), "controls"});
    }
    CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
    CHECK(outcome.err ==
          "scarlettctl: params.invalid: device is required when 2 devices are known\n"
          "scarlettctl: several devices are known; choose one with -d ID (see 'scarlettctl "
          "devices')\n");
}

TEST_CASE("scarlettctl copes with error objects of unexpected shape") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.ReplyError(request, {{"code", "x"}, {"message", 5}, {"data", {{"code", 7}}}});
        }));
        outcome = RunCli({"--socket-dir", server.GetDir(), "devices"});
    }
    CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
    CHECK(outcome.err == "scarlettctl: error x: 5\n");
}

TEST_CASE("scarlettctl watch subscribes and prints one line per change until stopped") {
    std::vector<json> requests;
    bool json_output = false;
    SUBCASE("text") {}
    SUBCASE("json") {
        json_output = true;
    }
    const json changed = {{"jsonrpc", "2.0"},
                          {"method", "controls.changed"},
                          {"params",
                           {{"subscription", 1},
                            {"seq", 5},
                            {"device", "dev"},
                            {"controls",
                             {{{"numid", 12},
                               {"name", "Line In 1 Air Capture Switch"},
                               {"index", 0},
                               {"value", {true}}}}}}}};
    const json removed = {{"jsonrpc", "2.0"},
                          {"method", "device.removed"},
                          {"params",
                           {{"subscription", 1},
                            {"seq", 6},
                            {"device", {{"id", "dev"}, {"online", false}, {"name", "N"}}}}}};
    std::ostringstream out;
    std::ostringstream err;
    int status = -1;
    {
        FakeServer server(Answering(requests, [&](FakeConnection& c, const json& request) {
            c.Reply(request, {{"subscription", 1}, {"seq", 4}});
            c.WriteMessage(changed);
            c.WriteMessage(removed);
        }));
        std::vector<std::string> args = {"--socket-dir", server.GetDir(), "-d",
                                         "dev",          "watch",         "Line *"};
        if (json_output) args.push_back("--json");
        /* Stop once both notifications are printed. */
        status = Cli::Run(args, out, err, [&] {
            const std::string text = out.str();
            return std::count(text.begin(), text.end(), '\n') >= 2;
        });
    }
    CHECK(status == Cli::EXIT_OK);
    CHECK(err.str().empty());
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "subscribe");
    CHECK(requests[0]["params"] ==
          json{{"snapshot", false}, {"devices", {"dev"}}, {"controls", {"Line *"}}});
    if (json_output)
        CHECK(out.str() == changed.dump() + "\n" + removed.dump() + "\n");
    else
        CHECK(out.str() == "dev: 'Line In 1 Air Capture Switch' = on\ndevice removed: dev (N)\n");
}

TEST_CASE("scarlettctl watch exits with status 3 when the daemon goes away") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server([&](FakeConnection& c) {
            const json request = c.ReadRequest();
            c.Reply(request, {{"subscription", 1}, {"seq", 1}});
            c.Close();
        });
        outcome = RunCli({"--socket-dir", server.GetDir(), "watch"});
    }
    CHECK(outcome.status == Cli::EXIT_CONNECT);
    CHECK(outcome.err == "scarlettctl: scarlettd closed the connection\n");
}

TEST_CASE("scarlettctl exit statuses for connection and usage errors, help and version") {
    SUBCASE("cannot connect") {
        const Outcome outcome = RunCli({"--socket-dir", "/nonexistent-scarlettd", "devices"});
        CHECK(outcome.status == Cli::EXIT_CONNECT);
        CHECK(outcome.err ==
              "scarlettctl: cannot connect to /nonexistent-scarlettd/control.sock: No such file "
              "or directory; is scarlettd running?\n");
    }
    SUBCASE("usage") {
        const Outcome outcome = RunCli({"set", "x"});
        CHECK(outcome.status == Cli::EXIT_USAGE);
        CHECK(outcome.err == "scarlettctl: set: missing argument\nTry 'scarlettctl --help'.\n");
    }
    SUBCASE("a bad control reference is a usage error") {
        const Outcome outcome =
            RunCli({"--socket-dir", "/nonexistent-scarlettd", "get", "numid=x"});
        CHECK(outcome.status == Cli::EXIT_USAGE);
        CHECK(
            outcome.err ==
            "scarlettctl: control 'numid=x': numid must be a number\nTry 'scarlettctl --help'.\n");
    }
    SUBCASE("help") {
        const Outcome outcome = RunCli({"--help"});
        CHECK(outcome.status == Cli::EXIT_OK);
        CHECK(outcome.out == Cli::GetUsage());
        CHECK(RunCli({"help", "get"}).out == Cli::GetCommandUsage("get"));
        CHECK(RunCli({"watch", "-h"}).out == Cli::GetCommandUsage("watch"));
    }
    SUBCASE("version") {
        const Outcome outcome = RunCli({"--version"});
        CHECK(outcome.status == Cli::EXIT_OK);
        CHECK(outcome.out == Cli::GetVersionText() + "\n");
    }
}

TEST_CASE("scarlettctl set sends relative steps and percentages as the user typed them") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.Reply(request, {{"device", "dev"}, {"seq", 2}, {"controls", {GAIN, GAIN}}});
        }));
        outcome = RunCli({"--socket-dir", server.GetDir(), "set", "20", "+1dB", "20", "50%,3-"});
    }
    CHECK(outcome.status == Cli::EXIT_USAGE);
    CHECK(outcome.err ==
          "scarlettctl: value '50%,3-' mixes relative and absolute values\n"
          "Try 'scarlettctl --help'.\n");
    requests.clear();
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.Reply(request, {{"device", "dev"}, {"seq", 2}, {"controls", {GAIN, GAIN}}});
        }));
        outcome = RunCli({"--socket-dir", server.GetDir(), "set", "20", "+1dB", "20", "50%,10%"});
    }
    CHECK(outcome.status == Cli::EXIT_OK);
    REQUIRE(requests.size() == 2);
    CHECK(requests[1]["params"]["changes"] ==
          json{{{"control", 20}, {"db_step", 1.0}}, {{"control", 20}, {"value", {35, 7}}}});
}

namespace {

/** The last frame drawn on the alternate screen, one string per line, escapes removed. */
std::vector<std::string> LastFrame(const std::string& out) {
    const auto start = out.rfind("\x1b[H");
    std::string frame = out.substr(start + 3, out.find("\x1b[J", start) - start - 3);
    std::vector<std::string> lines;
    for (size_t pos = 0;;) {
        const auto end = frame.find("\r\n", pos);
        std::string line = frame.substr(pos, end - pos);
        if (line.ends_with("\x1b[K")) line.resize(line.size() - 3);
        lines.push_back(line);
        if (end == std::string::npos) return lines;
        pos = end + 2;
    }
}

json MetersNotification(int subscription, json levels) {
    return {{"jsonrpc", "2.0"},
            {"method", "meters"},
            {"params",
             {{"subscription", subscription},
              {"device", "dev"},
              {"levels", levels},
              {"raw", json::array()}}}};
}

}  // namespace

TEST_CASE("scarlettctl meters draws bars in place, redraws on resize and restores the screen") {
    std::vector<json> requests;
    std::ostringstream out;
    std::ostringstream err;
    int status = -1;
    bool resized = false;
    Cli::TerminalSize size{40, 10};
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.Reply(request, {{"subscription", 3}, {"labels", {"In 1", "In 2"}}});
            c.WriteMessage(MetersNotification(9, {0.0, 0.0}));
            c.WriteMessage(MetersNotification(3, {-6.0, nullptr}));
        }));
        Cli::Environment environment;
        environment.terminal_size = [&] { return std::optional(size); };
        /* Resize once the reading is on screen; stop once the resized frame is. */
        environment.take_resize = [&] {
            if (resized || out.str().find("-6.0") == std::string::npos) return false;
            resized = true;
            size = {30, 6};
            return true;
        };
        environment.stop_requested = [&] {
            return resized && LastFrame(out.str()).front().size() <= 30;
        };
        status = Cli::Run({"--socket-dir", server.GetDir(), "-d", "dev", "meters", "--rate", "30"},
                          out, err, environment);
    }
    CHECK(status == Cli::EXIT_OK);
    CHECK(err.str().empty());
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "meters.subscribe");
    CHECK(requests[0]["params"] == json{{"device", "dev"}, {"rate_hz", 30}});
    const std::string text = out.str();
    CHECK(text.starts_with("\x1b[?1049h\x1b[?25l"));
    CHECK(text.ends_with("\x1b[?25h\x1b[?1049l"));
    /* Subscription 9 is someone else's: its full-scale reading never shows. */
    CHECK(text.find("  0.0") == std::string::npos);
    const auto lines = LastFrame(text.substr(0, text.rfind("\x1b[?25h")));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].starts_with("scarlettctl meters: dev  30 Hz"));
    CHECK(lines[1].starts_with("In 1 "));
    CHECK(lines[1].ends_with(" -6.0"));
    CHECK(lines[2].ends_with(" -inf"));
    for (const auto& line : lines) CHECK(Cli::DisplayWidth(line) <= 30);
}

TEST_CASE("scarlettctl meters prints one line per reading when stdout is not a terminal") {
    bool json_output = false;
    SUBCASE("text") {}
    SUBCASE("json") {
        json_output = true;
    }
    std::vector<json> requests;
    std::ostringstream out;
    std::ostringstream err;
    const json first = MetersNotification(1, {-6.0, nullptr});
    const json second = MetersNotification(1, {-12.5, -3.0});
    int status = -1;
    {
        FakeServer server(Answering(requests, [&](FakeConnection& c, const json& request) {
            c.Reply(request, {{"subscription", 1}});
            c.WriteMessage(first);
            c.WriteMessage(second);
        }));
        std::vector<std::string> args = {"--socket-dir", server.GetDir(), "meters"};
        if (json_output) args.push_back("--json");
        status = Cli::Run(args, out, err, [&] {
            const std::string text = out.str();
            return std::count(text.begin(), text.end(), '\n') >= 2;
        });
    }
    CHECK(status == Cli::EXIT_OK);
    CHECK(requests[0]["params"] == json{{"rate_hz", 20}});
    if (json_output)
        CHECK(out.str() == first.dump() + "\n" + second.dump() + "\n");
    else
        CHECK(out.str() == "dev: meters -6 -inf\ndev: meters -12.5 -3\n");
}

TEST_CASE(
    "scarlettctl watch --waybar prints a line at start and per change, offline when unplugged") {
    std::vector<json> requests;
    std::ostringstream out;
    std::ostringstream err;
    int status = -1;
    {
        FakeServer server(Answering(requests, [&](FakeConnection& c, const json& request) {
            if (request["method"] == "subscribe") {
                c.Reply(request, {{"subscription", 1}, {"seq", 5}});
                return;
            }
            const size_t gets = static_cast<size_t>(
                std::count_if(requests.begin(), requests.end(),
                              [](const json& r) { return r["method"] == "controls.get"; }));
            c.Reply(request, {{"device", "dev"}, {"seq", gets < 3 ? 5 : 9}, {"controls", {AIR}}});
            if (gets != 2) return;
            json on = AIR;
            on["value"] = {true};
            /* Queued before the last read (seq 4): stale, ignored. */
            c.Notify("controls.changed",
                     {{"subscription", 1}, {"seq", 4}, {"device", "dev"}, {"controls", {on}}});
            c.Notify("controls.changed",
                     {{"subscription", 1}, {"seq", 6}, {"device", "dev"}, {"controls", {on}}});
            c.Notify("controls.changed",
                     {{"subscription", 1}, {"seq", 6}, {"device", "other"}, {"controls", {AIR}}});
            c.Notify("device.removed",
                     {{"subscription", 1}, {"seq", 7}, {"device", {{"id", "dev"}}}});
            c.Notify("device.added",
                     {{"subscription", 1}, {"seq", 8}, {"device", {{"id", "dev"}}}});
        }));
        status = Cli::Run(
            {"--socket-dir", server.GetDir(), "watch", "--waybar", "Line In 1 Air Capture Switch"},
            out, err, [&] {
                const std::string text = out.str();
                return std::count(text.begin(), text.end(), '\n') >= 4;
            });
    }
    CHECK(status == Cli::EXIT_OK);
    CHECK(err.str().empty());
    REQUIRE(requests.size() == 4);
    CHECK(requests[0]["params"] == json{{"controls", {"Line In 1 Air Capture Switch"}}});
    CHECK(requests[1]["params"] == json{{"snapshot", false},
                                        {"devices", {"dev"}},
                                        {"controls", {"Line In 1 Air Capture Switch"}}});
    CHECK(requests[3]["params"] ==
          json{{"device", "dev"}, {"controls", {"Line In 1 Air Capture Switch"}}});
    std::vector<json> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["class"] == "off");
    CHECK(lines[1]["class"] == "on");
    CHECK(lines[1]["tooltip"] == "'Line In 1 Air Capture Switch' = on\ndev");
    CHECK(lines[2]["class"] == "offline");
    CHECK(lines[3]["class"] == "off");
}

TEST_CASE("scarlettctl watch --waybar shows offline when scarlettd is not running") {
    const Outcome outcome =
        RunCli({"--socket-dir", "/nonexistent-scarlettd", "watch", "--waybar", "12"});
    CHECK(outcome.status == Cli::EXIT_CONNECT);
    CHECK(json::parse(outcome.out)["class"] == "offline");
}

TEST_CASE("scarlettctl watch --waybar says offline once when it cannot go on") {
    std::vector<json> requests;
    SUBCASE("scarlettd goes away") {
        Outcome outcome;
        {
            FakeServer server([&](FakeConnection& c) {
                for (int i = 0; i < 3; ++i) {
                    const json request = c.ReadRequest();
                    if (request["method"] == "subscribe")
                        c.Reply(request, {{"subscription", 1}, {"seq", 1}});
                    else
                        c.Reply(request, {{"device", "dev"}, {"seq", 1}, {"controls", {AIR}}});
                }
                c.Close();
            });
            outcome = RunCli({"--socket-dir", server.GetDir(), "watch", "--waybar", "12"});
        }
        CHECK(outcome.status == Cli::EXIT_CONNECT);
        CHECK(outcome.err == "scarlettctl: scarlettd closed the connection\n");
        std::istringstream in(outcome.out);
        std::string first;
        std::string second;
        std::string rest;
        std::getline(in, first);
        std::getline(in, second);
        std::getline(in, rest);
        CHECK(json::parse(first)["class"] == "off");
        CHECK(json::parse(second) == Cli::FormatWaybar(nullptr, "dev", "12"));
        CHECK(rest.empty());
    }
    SUBCASE("no such control") {
        Outcome outcome;
        {
            FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
                c.ReplyError(request, {{"code", -32003},
                                       {"message", "no control 'Nope'"},
                                       {"data", {{"code", "control.not_found"}}}});
            }));
            outcome = RunCli({"--socket-dir", server.GetDir(), "watch", "--waybar", "Nope"});
        }
        CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
        CHECK(outcome.out == Cli::FormatWaybar(nullptr, "", "Nope").dump() + "\n");
        CHECK(outcome.err == "scarlettctl: control.not_found: no control 'Nope'\n");
    }
}

TEST_CASE("scarlettctl meters says so when the readings stop") {
    std::vector<json> requests;
    std::ostringstream out;
    std::ostringstream err;
    int status = -1;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.Reply(request, {{"subscription", 1}});
            c.WriteMessage(MetersNotification(1, {-20.0}));
        }));
        Cli::Environment environment;
        environment.terminal_size = [] { return std::optional(Cli::TerminalSize{80, 5}); };
        environment.stop_requested = [&] {
            return out.str().find("no readings") != std::string::npos;
        };
        status = Cli::Run({"--socket-dir", server.GetDir(), "meters", "--rate", "60"}, out, err,
                          environment);
    }
    CHECK(status == Cli::EXIT_OK);
    const auto lines = LastFrame(out.str().substr(0, out.str().rfind("\x1b[?25h")));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].starts_with("scarlettctl meters: dev  no readings  60 Hz"));
    CHECK(lines[1].ends_with("-20.0"));
}

TEST_CASE("scarlettctl preset: each action's request, and its answer in words") {
    std::vector<json> requests;
    auto answer = [&](FakeConnection& c, const json& request) {
        const std::string method = request["method"];
        if (method == "presets.list")
            c.Reply(request, {{"presets",
                               {{{"name", "Live"},
                                 {"serial", "P9X"},
                                 {"model", "Scarlett 4i4 USB"},
                                 {"controls", 83},
                                 {"modified", "2026-12-06T14:31:27Z"}}}}});
        else if (method == "presets.save")
            c.Reply(request, {{"preset", {{"name", "Live"}, {"controls", 1}}}});
        else if (method == "presets.load")
            c.Reply(
                request,
                {{"device", "d"},
                 {"seq", 3},
                 {"applied", 2},
                 {"unchanged", 80},
                 {"skipped",
                  {{{"name", "Analogue In 1 Name"}, {"reason", "no such control on this device"}}}},
                 {"warnings", {"preset.conf is of a Clarett+ 2Pre"}}});
        else if (method == "presets.diff")
            c.Reply(request, {{"device", "d"}, {"seq", 3}, {"differences", json::array()}});
        else if (method == "presets.delete")
            c.Reply(request, json::object());
        else
            c.ReplyError(request, {{"code", -32012},
                                   {"message", "a preset 'Live' exists"},
                                   {"data", {{"code", "preset.exists"}}}});
    };
    /* One connection per server: a server for each run, joined before looking. */
    auto run = [&](std::vector<std::string> args) {
        FakeServer server(Answering(requests, answer));
        args.insert(args.begin(), {"--socket-dir", server.GetDir()});
        return RunCli(std::move(args));
    };

    auto list = run({"preset", "list"});
    CHECK(list.status == Cli::EXIT_OK);
    CHECK(list.out ==
          "NAME  SERIAL  MODEL             CONTROLS  MODIFIED\n"
          "Live  P9X     Scarlett 4i4 USB  83        2026-12-06T14:31:27Z\n");

    auto save = run({"-d", "d", "preset", "save", "--overwrite", "Live", "Line In *"});
    CHECK(save.out == "Saved preset 'Live': 1 control.\n");
    CHECK(requests.back()["params"] ==
          json{{"device", "d"}, {"name", "Live"}, {"match", {"Line In *"}}, {"overwrite", true}});

    auto load = run({"preset", "load", "-n", "./my.conf"});
    CHECK(load.out ==
          "Changed 2 controls, 80 unchanged, 1 skipped.\n"
          "  skipped 'Analogue In 1 Name': no such control on this device\n"
          "warning: preset.conf is of a Clarett+ 2Pre\n");
    const std::string file = requests.back()["params"]["file"];
    CHECK(file.starts_with("/"));
    CHECK(file.ends_with("/my.conf"));
    CHECK(requests.back()["params"]["dry_run"] == true);
    CHECK(!requests.back()["params"].contains("name"));

    auto diff = run({"preset", "diff", "Live"});
    CHECK(diff.out == "No differences: the device matches the preset.\n");
    CHECK(requests.back()["params"] == json{{"name", "Live"}});

    auto rm = run({"preset", "rm", "Live"});
    CHECK(rm.out == "Removed preset 'Live'.\n");

    auto usage = run({"preset", "frobnicate"});
    CHECK(usage.status == Cli::EXIT_USAGE);
    CHECK(run({"preset", "save"}).status == Cli::EXIT_USAGE);
    CHECK(run({"--overwrite", "devices"}).status == Cli::EXIT_USAGE);
    CHECK(run({"-n", "preset", "diff", "x"}).status == Cli::EXIT_USAGE);
}

TEST_CASE("scarlettctl hints at --overwrite when a preset exists") {
    std::vector<json> requests;
    Outcome outcome;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.ReplyError(request, {{"code", -32012},
                                   {"message", "a preset 'Live' exists"},
                                   {"data", {{"code", "preset.exists"}}}});
        }));
        outcome = RunCli({"--socket-dir", server.GetDir(), "preset", "save", "Live"});
    }
    CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
    CHECK(outcome.err.find("preset save --overwrite NAME") != std::string::npos);
}

TEST_CASE("scarlettctl configure: what was given goes to devices.configure; nothing given shows") {
    std::vector<json> requests;
    const json device = {{"id", "d"},
                         {"nickname", "Rack"},
                         {"settings",
                          {{"nickname", "Rack"},
                           {"on_attach",
                            {{"restore", "preset"},
                             {"preset", "Gig"},
                             {"set", {{{"match", "*Phantom Power*"}, {"value", false}}}}}}}}};
    auto answer = [&](FakeConnection& c, const json& request) {
        if (request["method"] == "devices.list")
            c.Reply(request, {{"devices", {device}}, {"seq", 1}});
        else
            c.Reply(request, {{"device", device}});
    };
    auto run = [&](std::vector<std::string> args) {
        FakeServer server(Answering(requests, answer));
        args.insert(args.begin(), {"--socket-dir", server.GetDir()});
        return RunCli(std::move(args));
    };
    const std::string shown =
        "d\n"
        "  nickname:  Rack\n"
        "  on attach: restore preset 'Gig'\n"
        "  guards:    *Phantom Power* = off\n";
    auto show = run({"configure"});
    CHECK(show.status == Cli::EXIT_OK);
    CHECK(show.out == shown);
    CHECK(requests.back()["method"] == "devices.list");

    auto set = run({"-d", "d", "configure", "--on-attach", "preset", "Gig", "--guard",
                    "*Phantom Power*=off", "--guard", "Line In 1 Gain Capture Volume=20",
                    "--nickname", "Rack"});
    CHECK(set.out == shown);
    CHECK(requests.back()["method"] == "devices.configure");
    CHECK(requests.back()["params"] ==
          json{{"device", "d"},
               {"nickname", "Rack"},
               {"on_attach",
                {{"restore", "preset"},
                 {"preset", "Gig"},
                 {"set",
                  {{{"match", "*Phantom Power*"}, {"value", false}},
                   {{"match", "Line In 1 Gain Capture Volume"}, {"value", 20}}}}}}});

    run({"configure", "--no-guards", "--no-nickname", "--on-attach", "last"});
    CHECK(
        requests.back()["params"] ==
        json{{"nickname", nullptr}, {"on_attach", {{"restore", "last"}, {"set", json::array()}}}});

    CHECK(run({"configure", "--on-attach", "sometimes"}).status == Cli::EXIT_USAGE);
    CHECK(run({"configure", "--on-attach", "preset"}).status == Cli::EXIT_USAGE);
    CHECK(run({"configure", "--guard", "no-value"}).status == Cli::EXIT_USAGE);
    CHECK(run({"configure", "--guard", "a=1", "--no-guards"}).status == Cli::EXIT_USAGE);
    CHECK(run({"devices", "--guard", "a=1"}).status == Cli::EXIT_USAGE);
}

namespace {

json DaemonControl(long long numid, const std::string& name, const json& value) {
    return {{"numid", numid},
            {"iface", "daemon"},
            {"name", name},
            {"index", 0},
            {"type", value.is_string() ? "text" : "boolean"},
            {"count", 1},
            {"access", {"read", "write"}},
            {"writable", true},
            {"value", json::array({value})}};
}

/** Protocol 1.1 §3's controls of a small device; the device's Name last, which name
 *  lists first all the same. */
std::vector<json> DaemonControls() {
    return {DaemonControl(1073741824, "Analogue In 1 Name", "Vocal mic"),
            DaemonControl(1073741825, "Analogue In 1 Switch", true),
            DaemonControl(1073741826, "Analogue Out 1-2 Name", ""),
            DaemonControl(1073741827, "Analogue Out 1-2 Link", true),
            DaemonControl(1073741828, "PCM Out 1-2 Link", false),
            DaemonControl(1073741829, "Name", "Studio")};
}

/** controls.list ("*SUFFIX" globs only), controls.get and controls.set on @p controls
 *  by name and iface "daemon", as scarlettd answers them. */
std::function<void(FakeConnection&, const json&)> ServeDaemonControls(std::vector<json>& controls) {
    return [&controls](FakeConnection& c, const json& request) {
        const json& params = request["params"];
        auto find = [&](const json& ref) -> json* {
            for (auto& control : controls)
                if (ref.is_object() && ref.value("iface", "") == "daemon" &&
                    ref.value("name", "") == control["name"])
                    return &control;
            return nullptr;
        };
        auto not_found = [&](const json& ref) {
            const std::string name = ref.value("name", "?");
            c.ReplyError(request, {{"code", -32003},
                                   {"message", "no control '" + name + "' on dev"},
                                   {"data", {{"code", "control.not_found"}, {"control", name}}}});
        };
        json reply = {{"device", "dev"}, {"seq", 7}, {"controls", json::array()}};
        if (request["method"] == "controls.list") {
            const std::string suffix = params.value("match", "*").substr(1);
            for (const auto& control : controls)
                if (params.value("iface", "") == "daemon" &&
                    control["name"].get<std::string>().ends_with(suffix))
                    reply["controls"].push_back(control);
        } else if (request["method"] == "controls.get") {
            for (const auto& ref : params["controls"]) {
                const json* control = find(ref);
                if (!control) return not_found(ref);
                reply["controls"].push_back(*control);
            }
        } else {
            for (const auto& change : params["changes"]) {
                json* control = find(change["control"]);
                if (!control) return not_found(change["control"]);
                if (change.contains("toggle"))
                    (*control)["value"][0] = !(*control)["value"][0].get<bool>();
                else
                    (*control)["value"] = change["value"];
                reply["controls"].push_back(*control);
            }
        }
        c.Reply(request, reply);
    };
}

/** Runs scarlettctl against ServeDaemonControls(@p controls), one server per run. */
Outcome RunOnDaemonControls(std::vector<json>& requests, std::vector<json>& controls,
                            std::vector<std::string> args) {
    FakeServer server(Answering(requests, ServeDaemonControls(controls)));
    args.insert(args.begin(), {"--socket-dir", server.GetDir()});
    return RunCli(std::move(args));
}

json DaemonRef(const std::string& name) {
    return {{"name", name}, {"iface", "daemon"}};
}

}  // namespace

TEST_CASE("scarlettctl name lists every name, the device's first; --json prints the result") {
    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    const Outcome list = RunOnDaemonControls(requests, controls, {"name"});
    CHECK(list.status == Cli::EXIT_OK);
    CHECK(list.err.empty());
    CHECK(list.out ==
          "PORT              NAME\n"
          "device            Studio\n"
          "Analogue In 1     Vocal mic\n"
          "Analogue Out 1-2  -\n");
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "controls.list");
    CHECK(requests[0]["params"] == json{{"iface", "daemon"}, {"match", "*Name"}});

    const Outcome json_list =
        RunOnDaemonControls(requests, controls, {"-d", "dev", "--json", "name"});
    CHECK(json_list.status == Cli::EXIT_OK);
    CHECK(requests.back()["params"] ==
          json{{"device", "dev"}, {"iface", "daemon"}, {"match", "*Name"}});
    CHECK(
        json::parse(json_list.out) ==
        json{{"device", "dev"}, {"seq", 7}, {"controls", {controls[0], controls[2], controls[5]}}});

    std::vector<json> none;
    CHECK(RunOnDaemonControls(requests, none, {"name"}).out == "no names\n");
}

TEST_CASE("scarlettctl name PORT shows a name; NEWNAME sets it; '' and --clear clear it") {
    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    auto run = [&](std::vector<std::string> args) {
        return RunOnDaemonControls(requests, controls, std::move(args));
    };

    const Outcome get = run({"name", "Analogue In 1"});
    CHECK(get.status == Cli::EXIT_OK);
    CHECK(get.out == "Analogue In 1  Vocal mic\n");
    CHECK(requests.back()["method"] == "controls.get");
    CHECK(requests.back()["params"] == json{{"controls", {DaemonRef("Analogue In 1 Name")}}});

    CHECK(run({"name", "device"}).out == "device  Studio\n");
    CHECK(requests.back()["params"] == json{{"controls", {DaemonRef("Name")}}});
    CHECK(run({"name", "Analogue Out 1-2"}).out == "Analogue Out 1-2  -\n");

    const Outcome set = run({"-d", "dev", "name", "Analogue Out 1-2", "Monitors"});
    CHECK(set.status == Cli::EXIT_OK);
    CHECK(set.out == "Analogue Out 1-2  Monitors\n");
    REQUIRE(requests.size() == 4);
    CHECK(requests.back()["method"] == "controls.set");
    CHECK(requests.back()["params"] ==
          json{{"device", "dev"},
               {"changes",
                {{{"control", DaemonRef("Analogue Out 1-2 Name")}, {"value", {"Monitors"}}}}}});

    const Outcome json_set = run({"--json", "name", "device", "Rack 2"});
    CHECK(json_set.status == Cli::EXIT_OK);
    CHECK(json::parse(json_set.out) ==
          json{{"device", "dev"}, {"seq", 7}, {"controls", {controls[5]}}});
    CHECK(controls[5]["value"] == json{"Rack 2"});

    for (const auto& args : {std::vector<std::string>{"name", "Analogue In 1", ""},
                             std::vector<std::string>{"name", "--clear", "Analogue In 1"}}) {
        controls[0]["value"] = {"Vocal mic"};
        const Outcome clear = run(args);
        CHECK(clear.status == Cli::EXIT_OK);
        CHECK(clear.out == "Analogue In 1  -\n");
        CHECK(requests.back()["params"] ==
              json{{"changes", {{{"control", DaemonRef("Analogue In 1 Name")}, {"value", {""}}}}}});
    }
}

TEST_CASE("scarlettctl name refuses a NEWNAME over 128 bytes before connecting") {
    /* 64 two-byte characters are 128 bytes: the most a name holds. */
    std::string longest;
    for (int i = 0; i < 64; ++i) longest += "\xc3\xa9";
    const Outcome too_long =
        RunCli({"--socket-dir", "/nonexistent-scarlettd", "name", "Analogue In 1", longest + "x"});
    CHECK(too_long.status == Cli::EXIT_USAGE);
    CHECK(too_long.err ==
          "scarlettctl: name: NEWNAME is 129 bytes; a name is at most 128 bytes of UTF-8\n"
          "Try 'scarlettctl --help'.\n");
    CHECK(RunCli({"--socket-dir", "/nonexistent-scarlettd", "name", "", "x"}).err ==
          "scarlettctl: name: PORT is empty\nTry 'scarlettctl --help'.\n");

    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    const Outcome fits =
        RunOnDaemonControls(requests, controls, {"name", "Analogue In 1", longest});
    CHECK(fits.status == Cli::EXIT_OK);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["params"]["changes"][0]["value"] == json{longest});
}

TEST_CASE("scarlettctl name of an unknown port says so and points at the listing") {
    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    for (const auto& args : {std::vector<std::string>{"name", "Analogue In 9"},
                             std::vector<std::string>{"name", "Analogue In 9", "Guitar"}}) {
        const Outcome outcome = RunOnDaemonControls(requests, controls, args);
        CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
        CHECK(outcome.out.empty());
        CHECK(outcome.err ==
              "scarlettctl: control.not_found: no control 'Analogue In 9 Name' on dev\n"
              "scarlettctl: 'Analogue In 9' is not a port with a name; 'scarlettctl name' lists "
              "them\n");
    }

    /* A protocol 1.0 daemon knows no iface "daemon". */
    Outcome old;
    {
        FakeServer server(Answering(requests, [](FakeConnection& c, const json& request) {
            c.ReplyError(request, {{"code", -32602},
                                   {"message", "unknown iface 'daemon'"},
                                   {"data", {{"code", "params.invalid"}, {"field", "iface"}}}});
        }));
        old = RunCli({"--socket-dir", server.GetDir(), "link"});
    }
    CHECK(old.status == Cli::EXIT_DAEMON_ERROR);
    CHECK(old.err.ends_with(
        "scarlettctl: this scarlettd predates protocol 1.1: it keeps no names or links\n"));
}

TEST_CASE("scarlettctl link lists the pairs and shows one by pair, left or right port") {
    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    auto run = [&](std::vector<std::string> args) {
        return RunOnDaemonControls(requests, controls, std::move(args));
    };

    const Outcome list = run({"link"});
    CHECK(list.status == Cli::EXIT_OK);
    CHECK(list.out ==
          "PAIR              LINK\n"
          "Analogue Out 1-2  on\n"
          "PCM Out 1-2       off\n");
    REQUIRE(requests.size() == 1);
    CHECK(requests[0]["method"] == "controls.list");
    CHECK(requests[0]["params"] == json{{"iface", "daemon"}, {"match", "*Link"}});

    for (const char* port : {"Analogue Out 1-2", "Analogue Out 1", "Analogue Out 2"}) {
        requests.clear();
        const Outcome show = run({"link", port});
        CHECK_MESSAGE(show.out == "Analogue Out 1-2  on\n", port);
        CHECK(requests.size() == 1);
    }
    CHECK(run({"link", "PCM Out 2"}).out == "PCM Out 1-2  off\n");

    const Outcome json_show = run({"-d", "dev", "--json", "link", "PCM Out 1"});
    CHECK(requests.back()["params"] ==
          json{{"device", "dev"}, {"iface", "daemon"}, {"match", "*Link"}});
    CHECK(json::parse(json_show.out) ==
          json{{"device", "dev"}, {"seq", 7}, {"controls", {controls[4]}}});

    std::vector<json> none;
    CHECK(RunOnDaemonControls(requests, none, {"link"}).out == "no stereo pairs\n");
}

TEST_CASE("scarlettctl link sets on, off and toggle through the pair's Link control") {
    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    auto set = [&](const std::string& pair, const std::string& state) {
        requests.clear();
        const Outcome outcome = RunOnDaemonControls(requests, controls, {"link", pair, state});
        CHECK(outcome.status == Cli::EXIT_OK);
        REQUIRE(requests.size() == 2);
        CHECK(requests[0]["method"] == "controls.list");
        CHECK(requests[1]["method"] == "controls.set");
        return std::make_pair(outcome.out, requests[1]["params"]);
    };
    const json link = DaemonRef("Analogue Out 1-2 Link");

    auto [off, off_params] = set("Analogue Out 1-2", "off");
    CHECK(off == "Analogue Out 1-2  off\n");
    CHECK(off_params == json{{"changes", {{{"control", link}, {"value", {false}}}}}});

    auto [on, on_params] = set("Analogue Out 1", "ON");
    CHECK(on == "Analogue Out 1-2  on\n");
    CHECK(on_params == json{{"changes", {{{"control", link}, {"value", {true}}}}}});

    auto [toggled, toggle_params] = set("Analogue Out 2", "toggle");
    CHECK(toggled == "Analogue Out 1-2  off\n");
    CHECK(toggle_params == json{{"changes", {{{"control", link}, {"toggle", true}}}}});
    CHECK(controls[3]["value"] == json{false});

    requests.clear();
    const Outcome json_set =
        RunOnDaemonControls(requests, controls, {"--json", "link", "PCM Out 1", "toggle"});
    CHECK(json::parse(json_set.out) ==
          json{{"device", "dev"}, {"seq", 7}, {"controls", {controls[4]}}});
    CHECK(controls[4]["value"] == json{true});
}

TEST_CASE("scarlettctl link of an unknown pair or state is an error") {
    std::vector<json> requests;
    std::vector<json> controls = DaemonControls();
    /* "Analogue Out 12" is no port of "Analogue Out 1-2". */
    for (const char* pair : {"Analogue Out 3", "Analogue Out 12", "Analogue Out", "Out 1-2"}) {
        requests.clear();
        const Outcome outcome = RunOnDaemonControls(requests, controls, {"link", pair, "on"});
        CHECK(outcome.status == Cli::EXIT_DAEMON_ERROR);
        CHECK(outcome.err == "scarlettctl: control.not_found: no stereo pair '" +
                                 std::string(pair) +
                                 "' on dev\nscarlettctl: 'scarlettctl link' lists the stereo "
                                 "pairs\n");
        CHECK(requests.size() == 1);
    }
    requests.clear();
    const Outcome json_error =
        RunOnDaemonControls(requests, controls, {"--json", "link", "Analogue Out 3"});
    CHECK(json::parse(json_error.out)["error"]["data"] ==
          json{{"code", "control.not_found"}, {"control", "Analogue Out 3"}});

    const Outcome state =
        RunCli({"--socket-dir", "/nonexistent-scarlettd", "link", "Analogue Out 1", "maybe"});
    CHECK(state.status == Cli::EXIT_USAGE);
    CHECK(state.err ==
          "scarlettctl: link: the state is on, off or toggle, not 'maybe'\n"
          "Try 'scarlettctl --help'.\n");
}
