// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/Commands.hpp"
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
