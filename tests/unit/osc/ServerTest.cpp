// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scarlett-osc's work between OSC peers and a stand-in daemon: queries answered to
 * the sender, sets sent as controls.set (a pattern's matches in one write), feedback
 * to the registered peers whose pattern matches, errors on /error (logged once per
 * peer), the rate limit, meters only while a peer wants them, offline devices.
 */
#include <doctest/doctest.h>

#include "../state/TempDir.hpp"
#include "FakeDaemon.hpp"
#include "bridges/osc/Server.hpp"

using namespace OscTest;
using namespace Osc;

namespace {

json Control(unsigned numid, const std::string& name, const std::string& type, json value,
             json extra = json::object()) {
    json c = {{"numid", numid}, {"iface", "mixer"},      {"name", name},  {"index", 0},
              {"type", type},   {"count", value.size()}, {"value", value}};
    c.update(extra);
    return c;
}

json Controls() {
    const json db = {{"min", -80.0}, {"max", 6.0}, {"mute", false}};
    return json::array({
        Control(1, "Line In 1 Air Capture Switch", "boolean", {false}),
        Control(2, "Line In 1-2 Phantom Power Capture Switch", "boolean", {false}),
        Control(3, "Mix A Input 01 Playback Volume", "integer", {160},
                {{"min", 0}, {"max", 172}, {"db", db}, {"db_value", {0.0}}}),
        Control(4, "Master 1 (Monitor) Playback Volume", "integer", {100, 120},
                {{"min", 0}, {"max", 172}, {"db", db}, {"db_value", {-30.0, -20.0}}}),
        Control(5, "Analogue Output 01 Playback Enum", "enumerated", {"Off"},
                {{"items", {"Off", "PCM 1", "PCM 2"}}}),
    });
}

struct Sent {
    std::string to;
    Message message;
};

/** A bridge connected to a FakeDaemon serving one device "dev-1". */
struct Bench {
    StateTest::TempDir dir;
    FakeDaemon daemon{dir.path + "/control.sock"};
    Event::EventLoop loop;
    std::vector<Sent> sent;
    std::vector<std::string> logged;
    Server bridge;

    std::optional<json> subscribe;

    /** @p answer false: the subscription stays unanswered (in @ref subscribe). */
    explicit Bench(double rate = 200, bool answer = true)
        : bridge(
              loop, daemon.path,
              [this](const Endpoint& to, const std::string& datagram) {
                  const auto d = Decode(datagram.data(), datagram.size());
                  REQUIRE(d.messages.size() == 1);
                  sent.push_back({to.Name(), d.messages[0]});
              },
              [this](Server::Level, const std::string& m) { logged.push_back(m); }, {rate, false}) {
        bridge.Start();
        REQUIRE(daemon.Accept());
        subscribe = daemon.Receive(loop);
        REQUIRE(subscribe);
        CHECK((*subscribe)["method"] == "subscribe");
        if (answer) AnswerSubscribe();
    }
    void AnswerSubscribe() {
        const json device = {{"id", "dev-1"}, {"online", true}, {"nickname", nullptr}};
        Answer(*subscribe,
               {{"subscription", 1},
                {"seq", 10},
                {"snapshot", {{"devices", {device}}, {"controls", {{"dev-1", Controls()}}}}}});
        REQUIRE(RunUntil(loop, [&] { return bridge.DeviceCount() == 1; }));
    }
    void Answer(const json& request, json result) {
        daemon.Send({{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", std::move(result)}});
    }
    void Notify(const std::string& method, json params) {
        daemon.Send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
    }
    void From(const std::string& peer, const std::string& address,
              const std::vector<Arg>& args = {}) {
        const std::string bytes = Encode(address, args);
        bridge.OnDatagram(*ParseEndpoint(peer), bytes.data(), bytes.size());
    }
    std::vector<Sent> Take() {
        loop.RunOnce(0);
        return std::exchange(sent, {});
    }
    /** Runs the loop until something is sent (a daemon's answer travelled). */
    std::vector<Sent> Await() {
        RunUntil(loop, [&] { return !sent.empty(); });
        return std::exchange(sent, {});
    }
};

const std::string A = "127.0.0.1:9001";
const std::string B = "127.0.0.1:9002";
const std::string C = "127.0.0.1:9003";

}  // namespace

TEST_CASE("OSC server: a query is answered to its sender, under the address it sent") {
    Bench b;
    b.From(A, "/input/1/air");
    b.From(A, "/1/mix/A/input/1"); /* the device by position */
    b.From(B, "/dev-1/route/Analogue_Output_01");
    b.From(B, "/output/2/volume"); /* the 1st Gen pair's second channel */
    const auto out = b.Take();
    REQUIRE(out.size() == 4);
    CHECK(out[0].to == A);
    CHECK(out[0].message.address == "/input/1/air");
    CHECK(out[0].message.args == std::vector<Arg>{Arg::Int(0)});
    CHECK(out[1].message.address == "/1/mix/A/input/1");
    CHECK(out[1].message.args == std::vector<Arg>{Arg::Float(0.0f)});
    CHECK(out[2].to == B);
    CHECK(out[2].message.args == std::vector<Arg>{Arg::Int(0), Arg::String("Off")});
    CHECK(out[3].message.args == std::vector<Arg>{Arg::Float(-20.0f)});

    SUBCASE("a pattern is answered for each address it matches") {
        b.From(A, "/input/*/phantom");
        const auto many = b.Take();
        REQUIRE(many.size() == 2);
        CHECK(many[0].message.address == "/input/1/phantom");
        CHECK(many[1].message.address == "/input/2/phantom");
    }
}

TEST_CASE("OSC server: before scarlettd's devices are known, a query is told to wait") {
    Bench b(200, false);
    b.From(A, "/input/1/air");
    auto out = b.Take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].message.address == "/error");
    REQUIRE(out[0].message.args.size() == 2);
    CHECK(out[0].message.args[1] ==
          Arg::String("scarlettd's devices are not loaded yet; try again"));
    CHECK(std::find(b.logged.begin(), b.logged.end(), "serving 1 device: dev-1") == b.logged.end());

    SUBCASE("and while scarlettd is gone, that it is not running") {
        b.daemon.Stop();
        REQUIRE(RunUntil(b.loop, [&] { return !b.bridge.IsConnected(); }));
        b.From(A, "/input/1/air");
        out = b.Take();
        REQUIRE(out.size() == 1);
        CHECK(out[0].message.args[1] == Arg::String("scarlettd is not running"));
        return;
    }

    /* Once the snapshot is in, the log says so (what a script waits for) and it serves. */
    b.AnswerSubscribe();
    CHECK(std::find(b.logged.begin(), b.logged.end(), "serving 1 device: dev-1") != b.logged.end());
    b.From(A, "/input/1/air");
    out = b.Take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].message.address == "/input/1/air");
}

TEST_CASE("OSC server: a set is one controls.set; a pattern's matches are one write") {
    Bench b;
    b.From(A, "/input/1/air", {Arg::Int(1)});
    auto request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["method"] == "controls.set");
    CHECK((*request)["params"] ==
          json{{"device", "dev-1"}, {"changes", {{{"control", {{"numid", 1}}}, {"value", true}}}}});

    /* Two inputs share one phantom switch: one change. */
    b.From(A, "/input/*/phantom", {Arg::Bool(true)});
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"]["changes"] == json{{{"control", {{"numid", 2}}}, {"value", true}}});

    /* Both channels of the pair, in one value. */
    b.From(A, "/output/*/volume", {Arg::Float(-10.0f)});
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"]["changes"] ==
          json{{{"control", {{"numid", 4}}}, {"db", {-10.0, -10.0}}}});

    /* One channel keeps the other's value. */
    b.From(A, "/output/1/volume", {Arg::Float(-12.0f)});
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"]["changes"] ==
          json{{{"control", {{"numid", 4}}}, {"db", {-12.0, -20.0}}}});

    /* The raw form, a choice by label. */
    b.From(A, "/control/Analogue_Output_01_Playback_Enum", {Arg::String("PCM 2")});
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"]["changes"] ==
          json{{{"control", {{"numid", 5}}}, {"value", "PCM 2"}}});

    SUBCASE("the daemon's refusal goes back to the sender on /error") {
        b.daemon.Send(
            {{"jsonrpc", "2.0"},
             {"id", (*request)["id"]},
             {"error",
              {{"code", -32005}, {"message", "no such item"}, {"data", {{"items", {"Off"}}}}}}});
        const auto out = b.Await();
        REQUIRE(out.size() == 1);
        CHECK(out[0].to == A);
        CHECK(out[0].message.address == "/error");
        CHECK(out[0].message.args[0] == Arg::String("/control/Analogue_Output_01_Playback_Enum"));
        CHECK(out[0].message.args[1] == Arg::String("no such item"));
    }
}

TEST_CASE("OSC server: feedback reaches the registered peers whose pattern matches") {
    Bench b;
    b.From(A, "/subscribe");
    b.From(C, "/subscribe", {Arg::String("/mix/*/input/*")});
    CHECK(b.Take().empty()); /* registering is silent */
    b.Notify("controls.changed", {{"subscription", 1},
                                  {"seq", 11},
                                  {"device", "dev-1"},
                                  {"controls",
                                   {{{"numid", 3},
                                     {"name", "Mix A Input 01 Playback Volume"},
                                     {"index", 0},
                                     {"value", {150}},
                                     {"db_value", {-5.5}}}}}});
    /* In the loop round that reads the daemon's notification, not a later one. */
    b.loop.RunOnce(2000);
    const auto out = std::exchange(b.sent, {});
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& s : out) {
        CHECK(s.message.args == std::vector<Arg>{Arg::Float(-5.5f)});
        got.emplace_back(s.to, s.message.address);
    }
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::pair<std::string, std::string>>{
                     {A, "/control/Mix_A_Input_01_Playback_Volume"},
                     {A, "/mix/A/input/1"},
                     {C, "/mix/A/input/1"}});
    /* The value is kept: a query shows it. */
    b.From(B, "/mix/A/input/1");
    CHECK(b.Take()[0].message.args == std::vector<Arg>{Arg::Float(-5.5f)});

    SUBCASE("an unplug is told as /online 0; a set meanwhile is refused") {
        b.Notify(
            "device.removed",
            {{"subscription", 1}, {"seq", 12}, {"device", {{"id", "dev-1"}, {"online", false}}}});
        const auto gone = b.Await();
        REQUIRE(gone.size() == 1);
        CHECK(gone[0].to == A);
        CHECK(gone[0].message.address == "/online");
        CHECK(gone[0].message.args == std::vector<Arg>{Arg::Int(0)});
        b.From(B, "/input/1/air", {Arg::Int(1)});
        const auto refused = b.Take();
        REQUIRE(refused.size() == 1);
        CHECK(refused[0].message.address == "/error");
        CHECK(refused[0].message.args[1].s.find("offline") != std::string::npos);
    }
    SUBCASE("a peer that unsubscribes gets nothing more") {
        b.From(A, "/unsubscribe");
        b.Notify("controls.changed",
                 {{"device", "dev-1"}, {"controls", {{{"numid", 1}, {"value", {true}}}}}});
        b.From(B, "/input/1/air"); /* a marker: the notification was handled before it */
        RunUntil(b.loop, [&] { return b.sent.size() >= 1; });
        for (int i = 0; i < 5; ++i) b.loop.RunOnce(5);
        for (const auto& s : b.sent) CHECK(s.to != A);
    }
}

TEST_CASE("OSC server: /subscribe with a port sends feedback there, on the sender's host") {
    Bench b;
    /* oscsend sends from a port it never reads: oscdump listens on 9100. */
    b.From("127.0.0.1:45000", "/subscribe", {Arg::String("/input/*/air"), Arg::Int(9100)});
    b.From("127.0.0.1:45001", "/meters/subscribe", {Arg::Int(5), Arg::Int(9101)});
    auto request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"] == json{{"device", "dev-1"}, {"rate_hz", 5}});
    CHECK(b.Take().empty());
    b.Notify("controls.changed",
             {{"device", "dev-1"}, {"controls", {{{"numid", 1}, {"value", {true}}}}}});
    auto out = b.Await();
    REQUIRE(out.size() == 1);
    CHECK(out[0].to == "127.0.0.1:9100");
    CHECK(out[0].message.address == "/input/1/air");
    /* Unsubscribed by naming the port again. */
    b.From("127.0.0.1:45002", "/unsubscribe", {Arg::Int(9100)});
    b.Notify("controls.changed",
             {{"device", "dev-1"}, {"controls", {{{"numid", 1}, {"value", {false}}}}}});
    b.From(B, "/input/1/air");
    out = b.Await();
    for (int i = 0; i < 5; ++i) b.loop.RunOnce(5);
    for (const auto& s : b.sent) out.push_back(s);
    REQUIRE(!out.empty());
    for (const auto& s : out) CHECK(s.to == B);

    for (const auto& bad : {std::vector<Arg>{Arg::Int(0)}, std::vector<Arg>{Arg::Int(70000)},
                            std::vector<Arg>{Arg::Float(1.0f)},
                            std::vector<Arg>{Arg::String("*"), Arg::String("*")}}) {
        b.From(A, "/subscribe", bad);
        out = b.Take();
        REQUIRE(out.size() == 1);
        CHECK(out[0].message.address == "/error");
    }
}

TEST_CASE("OSC server: scarlettd restarting is told as /online 0, then 1 once subscribed again") {
    Bench b;
    b.From(A, "/subscribe", {Arg::String("/online")});
    b.loop.RunOnce(0);
    b.daemon.Stop();
    auto out = b.Await();
    REQUIRE(out.size() == 1);
    CHECK(out[0].message.address == "/online");
    CHECK(out[0].message.args == std::vector<Arg>{Arg::Int(0)});
    CHECK(!b.bridge.IsConnected());

    /* Back (the link tries every second): it subscribes again and says so. */
    b.daemon.Listen();
    REQUIRE(RunUntil(b.loop, [&] { return b.bridge.IsConnected(); }));
    REQUIRE(b.daemon.Accept());
    const auto subscribe = b.daemon.Receive(b.loop);
    REQUIRE(subscribe);
    CHECK((*subscribe)["method"] == "subscribe");
    const json device = {{"id", "dev-1"}, {"online", true}, {"nickname", nullptr}};
    b.Answer(*subscribe,
             {{"subscription", 1},
              {"seq", 30},
              {"snapshot", {{"devices", {device}}, {"controls", {{"dev-1", Controls()}}}}}});
    out = b.Await();
    REQUIRE(out.size() == 1);
    CHECK(out[0].message.args == std::vector<Arg>{Arg::Int(1)});
    /* And it serves again. */
    b.From(A, "/input/1/air", {Arg::Int(1)});
    const auto set = b.daemon.Receive(b.loop);
    REQUIRE(set);
    CHECK((*set)["method"] == "controls.set");
}

TEST_CASE("OSC server: errors are answered on /error each time, logged once per peer and kind") {
    Bench b;
    const size_t before = b.logged.size();
    b.From(A, "/no/such/address");
    b.From(A, "/no/other/address");
    b.From(A, "/input/1/air", {Arg::String("loud")});
    b.From(A, "/input/1/air", {Arg::Int(1), Arg::Int(2)});
    const char junk[] = "\x01\x02garbage";
    b.bridge.OnDatagram(*ParseEndpoint(A), junk, sizeof(junk));
    const auto out = b.Take();
    REQUIRE(out.size() == 5);
    for (const auto& s : out) {
        CHECK(s.to == A);
        CHECK(s.message.address == "/error");
        REQUIRE(s.message.args.size() == 2);
    }
    CHECK(out[0].message.args[0] == Arg::String("/no/such/address"));
    CHECK(out[0].message.args[1].s.find("unknown address") != std::string::npos);
    CHECK(out[2].message.args[1].s.find("a switch takes") != std::string::npos);
    CHECK(out[3].message.args[1].s.find("one argument expected") != std::string::npos);
    CHECK(out[4].message.args[1].s.find("malformed") != std::string::npos);
    /* Kinds: address, value, malformed. */
    CHECK(b.logged.size() - before == 3);
    /* Nothing was written. */
    b.From(A, "/input/1/air", {Arg::Int(1)});
    const auto request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"]["changes"][0]["control"]["numid"] == 1);
}

TEST_CASE("OSC server: a peer over its rate is dropped, answered once") {
    Bench b(10); /* 10 a second, bursts of 20 */
    for (int i = 0; i < 40; ++i) b.From(A, "/input/1/air");
    auto out = b.Take();
    size_t replies = 0, errors = 0;
    for (const auto& s : out) (s.message.address == "/error" ? errors : replies)++;
    CHECK(replies == 20);
    CHECK(errors == 1);
    /* Another peer is not limited by it. */
    b.From(B, "/input/1/air");
    out = b.Take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].to == B);
    CHECK(out[0].message.address == "/input/1/air");
}

TEST_CASE("OSC server: meters are polled only while a peer wants them") {
    Bench b;
    b.From(A, "/meters/subscribe", {Arg::Int(10)});
    auto request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["method"] == "meters.subscribe");
    CHECK((*request)["params"] == json{{"device", "dev-1"}, {"rate_hz", 10}});
    b.Answer(*request, {{"subscription", 7}});
    b.Notify("meters", {{"subscription", 7},
                        {"device", "dev-1"},
                        {"levels", {-6.0, nullptr}},
                        {"raw", {2000, 0}}});
    const auto out = b.Await();
    REQUIRE(out.size() == 1);
    CHECK(out[0].to == A);
    CHECK(out[0].message.address == "/meters");
    CHECK(out[0].message.args ==
          std::vector<Arg>{Arg::Float(-6.0f), Arg::Float(Server::METER_FLOOR_DB)});
    /* A faster peer: the daemon is asked again at its rate. */
    b.From(B, "/meters/subscribe", {Arg::Int(30)});
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["method"] == "unsubscribe");
    CHECK((*request)["params"] == json{{"subscription", 7}});
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    CHECK((*request)["params"] == json{{"device", "dev-1"}, {"rate_hz", 30}});
    b.Answer(*request, {{"subscription", 8}});
    b.loop.RunOnce(5);
    b.From(A, "/meters/unsubscribe");
    b.From(B, "/meters/unsubscribe");
    request = b.daemon.Receive(b.loop);
    REQUIRE(request);
    /* A leaving changes nothing the daemon does; B leaving ends the polling. */
    CHECK((*request)["method"] == "unsubscribe");
    CHECK((*request)["params"] == json{{"subscription", 8}});
}

TEST_CASE("OSC server: with two devices, feedback names its device; /devices lists them") {
    Bench b;
    b.Notify("device.added",
             {{"subscription", 1},
              {"seq", 20},
              {"device", {{"id", "dev-2"}, {"online", true}, {"nickname", "studio rack"}}}});
    const auto list = b.daemon.Receive(b.loop);
    REQUIRE(list);
    CHECK((*list)["method"] == "controls.list");
    CHECK((*list)["params"]["device"] == "dev-2");
    b.Answer(*list, {{"device", "dev-2"}, {"seq", 21}, {"controls", Controls()}});
    REQUIRE(RunUntil(b.loop, [&] { return b.bridge.DeviceCount() == 2; }));
    b.loop.RunOnce(5);
    b.From(A, "/devices");
    auto out = b.Take();
    REQUIRE(out.size() == 2);
    CHECK(out[1].message.args == std::vector<Arg>{Arg::Int(2), Arg::String("dev-2"),
                                                  Arg::String("studio rack"), Arg::Int(1)});
    /* A device must now be named. */
    b.From(A, "/input/1/air");
    out = b.Take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].message.address == "/error");
    b.From(A, "/studio_rack/input/1/air");
    out = b.Take();
    REQUIRE(out.size() == 1);
    CHECK(out[0].message.address == "/studio_rack/input/1/air");

    b.From(A, "/subscribe");
    b.Notify("controls.changed",
             {{"device", "dev-2"}, {"controls", {{{"numid", 1}, {"value", {true}}}}}});
    out = b.Await();
    REQUIRE(out.size() == 2);
    CHECK(out[0].message.address.starts_with("/studio_rack/"));
    CHECK(out[0].message.args == std::vector<Arg>{Arg::Int(1)});
}
