// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Host-level integration: the real scarlettd, with --simulate, serving every model of
 * the database through the scarlett_sim ALSA plugin, one scarlett-sim process per
 * model; amixer and scarlett-sim act on the same virtual devices from other processes.
 * No VM and no sleeps: readiness from sd_notify, changes awaited as notifications.
 */
#include <doctest/doctest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "Process.hpp"
#include "cli/Client.hpp"
#include "sim/models/Models.hpp"

using nlohmann::json;
using namespace SimTest;

namespace {

const std::string SCARLETTD = SCARLETTD_BINARY_DIR "/daemon/scarlettd";
const std::string SCARLETT_SIM = SCARLETTD_BINARY_DIR "/sim/server/scarlett-sim";
const std::string ALSA_CONF =
    "/usr/share/alsa/alsa.conf:" SCARLETTD_BINARY_DIR "/sim/plugin/scarlett-sim.conf";

/** One daemon serving the given models, each on its own simulator. */
class Bench {
  public:
    explicit Bench(const std::vector<std::string>& models) : notify_(dir_.Path() + "/notify") {
        std::filesystem::create_directory(dir_.Path() + "/sim");
        env_ = {{"SCARLETT_SIM_DIR", dir_.Path() + "/sim"},
                {"SCARLETT_SIM", SCARLETT_SIM},
                {"ALSA_CONFIG_PATH", ALSA_CONF},
                {"NOTIFY_SOCKET", notify_.Path()},
                {"XDG_CONFIG_HOME", dir_.Path() + "/config"}};
        std::vector<std::string> argv = {SCARLETTD, "-q", "--socket-dir", dir_.Path() + "/d"};
        for (const auto& m : models) {
            argv.push_back("--simulate");
            argv.push_back(m);
        }
        daemon_ = std::make_unique<Process>(argv, env_);
        REQUIRE_MESSAGE(notify_.Await("READY=1"), "scarlettd did not get ready");
        env_.erase("NOTIFY_SOCKET");
    }

    Cli::Client Connect() { return Cli::Client::Connect(dir_.Path() + "/d/control.sock"); }
    /** Where the daemon keeps presets: alsa-scarlett-gui's directory under our config. */
    std::string PresetsDir() const { return dir_.Path() + "/config/alsa-scarlett-gui"; }
    pid_t Pid() const { return daemon_->Pid(); }

    /** scarlett-sim or amixer in another process; @return exit code and output. */
    std::pair<int, std::string> Sim(std::vector<std::string> args) {
        args.insert(args.begin(), SCARLETT_SIM);
        return Run(args, env_);
    }
    std::pair<int, std::string> Amixer(const std::string& model, std::vector<std::string> args) {
        args.insert(args.begin(), {"amixer", "-q", "-D", "scarlett_sim:" + model});
        return Run(args, env_);
    }

  private:
    TempDir dir_;
    NotifySocket notify_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<Process> daemon_;
};

json Result(const json& response) {
    INFO(response.dump().substr(0, 2000));
    REQUIRE(response.contains("result"));
    return response["result"];
}

/** Waits for a notification satisfying @p pred; @return it, or null on timeout. */
template <typename Pred>
json Await(Cli::Client& client, Pred pred, int timeout_ms = 10000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        auto n = client.NextNotification(static_cast<int>(left.count()) + 1);
        if (!n) break;
        if (pred(*n)) return *n;
    }
    return nullptr;
}

/** The control @p numid in a controls.changed of @p device, or null. */
json Changed(const json& n, const std::string& device, long long numid) {
    if (n.value("method", "") != "controls.changed" || n["params"]["device"] != device)
        return nullptr;
    for (const auto& c : n["params"]["controls"])
        if (c["numid"] == numid) return c;
    return nullptr;
}

json ControlNamed(const json& controls, const std::string& name) {
    for (const auto& c : controls)
        if (c["name"] == name) return c;
    return nullptr;
}

std::string DeviceId(const std::string& model) {
    return "sim-" + model;
}

}  // namespace

TEST_CASE("every model: scarlettd serves it, clients and amixer change it, everyone hears") {
    std::vector<std::string> ids;
    for (const auto& m : Sim::Models()) ids.push_back(m.id);
    Bench bench(ids);
    auto writer = bench.Connect();
    auto watcher = bench.Connect();
    Result(watcher.Call("subscribe", {{"snapshot", false}}));

    const json devices = Result(writer.Call("devices.list"))["devices"];
    CHECK(devices.size() == ids.size());

    for (const auto& model : Sim::Models()) {
        CAPTURE(model.id);
        const std::string device = DeviceId(model.id);
        const auto expected = Sim::GenerateControls(model);
        /* The card's controls; the daemon's own (names, links) have their test. */
        const json all = Result(writer.Call("controls.list", {{"device", device}}))["controls"];
        json controls = json::array();
        for (const auto& c : all)
            if (c["iface"] != "daemon") controls.push_back(c);
        REQUIRE(controls.size() == expected.controls.size());
        std::set<std::string> names;
        for (const auto& c : controls) names.insert(c["name"].get<std::string>());
        for (const auto& c : expected.controls) CHECK(names.count(c.name) == 1);

        /* A writable, non-volatile integer with room to move, else a switch. */
        json target = nullptr;
        for (const auto& c : controls) {
            const bool is_volatile =
                std::find(c["access"].begin(), c["access"].end(), "volatile") != c["access"].end();
            if (c["writable"] != true || is_volatile) continue;
            if (c["type"] == "integer" && c["max"] > c["min"]) {
                target = c;
                break;
            }
            if (c["type"] == "boolean" && target.is_null()) target = c;
        }
        REQUIRE_MESSAGE(!target.is_null(), "no writable integer or boolean control");
        const long long numid = target["numid"];
        json by_client, by_amixer;
        std::string amixer_value;
        if (target["type"] == "integer") {
            const long long min = target["min"], max = target["max"];
            const long long current = target["value"][0];
            by_client = current == min ? min + 1 : min;
            by_amixer = by_client == max ? max - 1 : max;
            amixer_value = std::to_string(by_amixer.get<long long>());
        } else {
            by_client = !target["value"][0].get<bool>();
            by_amixer = !by_client.get<bool>();
            amixer_value = by_amixer.get<bool>() ? "on" : "off";
        }

        /* Client write: the other client hears it. */
        Result(writer.Call(
            "controls.set",
            {{"device", device}, {"changes", {{{"control", numid}, {"value", by_client}}}}}));
        json seen = Await(watcher, [&](const json& n) {
            const json c = Changed(n, device, numid);
            return !c.is_null() && c["value"][0] == by_client;
        });
        CHECK_MESSAGE(!seen.is_null(), "no notification for a client's write");
        /* amixer in another process reads what the daemon wrote... */
        auto [code, out] = bench.Amixer(model.id, {"cget", "numid=" + std::to_string(numid)});
        CHECK(code == 0);
        /* ...and writes: every subscriber hears it. */
        auto [set_code, set_out] =
            bench.Amixer(model.id, {"cset", "numid=" + std::to_string(numid), amixer_value});
        CHECK(set_code == 0);
        seen = Await(watcher, [&](const json& n) {
            const json c = Changed(n, device, numid);
            return !c.is_null() && c["value"][0] == by_amixer;
        });
        CHECK_MESSAGE(!seen.is_null(), "no notification for amixer's write");
    }
}

namespace {

/** The control named @p name in a controls.changed of @p device, or null. */
json ChangedNamed(const json& n, const std::string& device, const std::string& name) {
    if (n.value("method", "") != "controls.changed" || n["params"]["device"] != device)
        return nullptr;
    return ControlNamed(n["params"]["controls"], name);
}

json AwaitNamed(Cli::Client& client, const std::string& device, const std::string& name,
                const std::function<bool(const json&)>& pred, int timeout_ms = 10000) {
    const json n = Await(
        client,
        [&](const json& m) {
            const json c = ChangedNamed(m, device, name);
            return !c.is_null() && pred(c);
        },
        timeout_ms);
    return n.is_null() ? n : ChangedNamed(n, device, name);
}

}  // namespace

TEST_CASE("acting as the hardware: knob, buttons, HW/SW switch, autogain, unplug, meters") {
    const std::string gen3 = "scarlett-gen3-18i20", gen4 = "scarlett-gen4-2i2";
    const std::string dev3 = DeviceId(gen3), dev4 = DeviceId(gen4);
    Bench bench({gen3, gen4});
    auto watcher = bench.Connect();
    Result(watcher.Call("subscribe",
                        {{"snapshot", false}, {"topics", {"values", "info", "devices"}}}));

    SUBCASE("the monitor knob moves the master volume and the HW-controlled outputs") {
        auto [code, out] = bench.Sim({"-d", gen3, "knob", "25"});
        REQUIRE_MESSAGE(code == 0, out);
        /* The knob's changes may come in one notification or several: keep the latest. */
        std::map<std::string, json> seen;
        const json n = Await(watcher, [&](const json& m) {
            if (m.value("method", "") == "controls.changed" && m["params"]["device"] == dev3)
                for (const auto& c : m["params"]["controls"]) seen[c["name"]] = c["value"];
            return seen.count("Master HW Playback Volume") &&
                   seen.count("Line 01 (Monitor 1 L) Playback Volume") &&
                   seen["Master HW Playback Volume"] ==
                       seen["Line 01 (Monitor 1 L) Playback Volume"];
        });
        CHECK_MESSAGE(!n.is_null(),
                      "line 1 (HW-controlled from the factory) did not follow the knob");
        CHECK(seen.count("Line 03 (Monitor 2 L) Playback Volume") == 0);
    }

    SUBCASE("dim and mute buttons") {
        for (const auto& [button, control] :
             {std::pair{"dim", "Dim Playback Switch"}, std::pair{"mute", "Mute Playback Switch"}}) {
            auto [code, out] = bench.Sim({"-d", gen3, "press", button});
            REQUIRE_MESSAGE(code == 0, out);
            const json c = AwaitNamed(watcher, dev3, control,
                                      [](const json& x) { return x["value"][0] == true; });
            CHECK_MESSAGE(!c.is_null(), control);
        }
    }

    SUBCASE("the HW/SW switch, written by amixer, changes a line volume's writability (INFO)") {
        auto [code, out] =
            bench.Amixer(gen3, {"cset", "name=Line Out 03 Volume Control Playback Enum", "HW"});
        REQUIRE(code == 0);
        const json vol =
            AwaitNamed(watcher, dev3, "Line 03 (Monitor 2 L) Playback Volume",
                       [](const json& c) { return c.value("writable", true) == false; });
        REQUIRE_MESSAGE(!vol.is_null(), "no info change for the line's volume");
        CHECK(vol["info_changed"] == true);
        /* It says why: the monitor knob owns it now. */
        CHECK(vol["not_writable"]["reason"] == "hardware_control");
        CHECK(vol["not_writable"]["control"] == "Line Out 03 Volume Control Playback Enum");
        /* ...and scarlettd's own write back to SW restores it. */
        auto writer = bench.Connect();
        Result(writer.Call(
            "controls.set",
            {{"device", dev3},
             {"changes",
              {{{"control", "Line Out 03 Volume Control Playback Enum"}, {"value", "SW"}}}}}));
        CHECK(
            !AwaitNamed(watcher, dev3, "Line 03 (Monitor 2 L) Playback Volume", [](const json& c) {
                 return c.value("writable", false) == true;
             }).is_null());
    }

    SUBCASE("autogain makes the gain read-only while it runs, then finishes with a status") {
        auto [code, out] = bench.Sim({"-d", gen4, "autogain", "1"});
        REQUIRE_MESSAGE(code == 0, out);
        const std::string gain = "Line In 1 Gain Capture Volume";
        CHECK(!AwaitNamed(watcher, dev4, gain, [](const json& c) {
                   return c["writable"] == false;
               }).is_null());
        /* A client's write is refused meanwhile, and changes nothing. */
        auto writer = bench.Connect();
        const json refused = writer.Call(
            "controls.set", {{"device", dev4}, {"changes", {{{"control", gain}, {"value", 10}}}}});
        CHECK(refused.contains("error"));
        CHECK(refused["error"]["data"]["not_writable"]["reason"] == "autogain");
        CHECK(refused["error"]["data"]["not_writable"]["control"] ==
              "Line In 1 Autogain Capture Switch");
        /* The end brings the gain back (an info change) and a final status, each its own
         * control with its own event: they may reach the daemon in either order, in one
         * loop round or two. Wait for both rather than read the cache after the first. */
        bool writable = false;
        std::string status;
        const json done = Await(
            watcher,
            [&](const json& m) {
                const json g = ChangedNamed(m, dev4, gain);
                if (!g.is_null() && g.contains("writable")) writable = g["writable"] == true;
                const json s = ChangedNamed(m, dev4, "Line In 1 Autogain Status Capture Enum");
                if (!s.is_null()) status = s["value"][0].get<std::string>();
                return writable && !status.empty() && status != "Running";
            },
            15000);
        REQUIRE_MESSAGE(!done.is_null(), "autogain did not finish: writable "
                                             << writable << ", status '" << status << "'");
    }

    SUBCASE("unplug and replug: device.removed, then device.added with the same id and state") {
        auto writer = bench.Connect();
        Result(writer.Call("controls.set",
                           {{"device", dev3},
                            {"changes", {{{"control", "Dim Playback Switch"}, {"value", true}}}}}));
        auto [code, out] = bench.Sim({"-d", gen3, "unplug"});
        REQUIRE_MESSAGE(code == 0, out);
        CHECK(!Await(watcher, [&](const json& n) {
                   return n.value("method", "") == "device.removed" &&
                          n.dump().find(dev3) != std::string::npos;
               }).is_null());
        std::tie(code, out) = bench.Sim({"-d", gen3, "replug"});
        REQUIRE_MESSAGE(code == 0, out);
        CHECK(!Await(watcher, [&](const json& n) {
                   return n.value("method", "") == "device.added" &&
                          n.dump().find(dev3) != std::string::npos;
               }).is_null());
        const json dim = Result(
            writer.Call("controls.get",
                        {{"device", dev3}, {"controls", {"Dim Playback Switch"}}}))["controls"][0];
        CHECK(dim["value"][0] == true);
    }

    SUBCASE("a signal on input 1 moves the meters") {
        auto [code, out] = bench.Sim({"-d", gen3, "signal", "1", "-12"});
        REQUIRE_MESSAGE(code == 0, out);
        auto meters = bench.Connect();
        const json sub =
            Result(meters.Call("meters.subscribe", {{"device", dev3}, {"rate_hz", 20}}));
        const json n =
            Await(meters, [](const json& m) { return m.value("method", "") == "meters"; });
        REQUIRE(!n.is_null());
        double loudest = -1000;
        size_t at = 0;
        for (size_t i = 0; i < n["params"]["levels"].size(); ++i)
            if (const json& level = n["params"]["levels"][i];
                level.is_number() && level.get<double>() > loudest) {
                loudest = level.get<double>();
                at = i;
            }
        CHECK(loudest > -20.0);
        CHECK(loudest < -6.0);
        /* The 65 meters are labelled by the port they measure: input 1 reaches the
         * computer through PCM In 1 (and feeds mixer input 1). */
        REQUIRE(sub["labels"].size() == n["params"]["levels"].size());
        CHECK(sub["labels_from"] == "routing");
        const std::string label = sub["labels"][at];
        CHECK((label == "PCM In 1" || label.starts_with("Mixer In ")));
    }
}

namespace {

/** Words for an `actions` line ("press air INPUT  toggle ..."): placeholders filled in. */
std::vector<std::string> ActionWords(const std::string& line) {
    std::vector<std::string> words;
    /* The first input the description names ("on input 2", "on input 1-8"). */
    std::string input = "1";
    if (const auto at = line.rfind("input "); at != std::string::npos && at > line.find("  "))
        input = std::to_string(std::atoi(line.c_str() + at + 6));
    std::istringstream in(line.substr(0, line.find("  ")));
    for (std::string w; in >> w;) {
        if (w.front() == '[') continue;  // optional words
        if (w == "INPUT" || w == "N")
            w = input;
        else if (w == "PERCENT")
            w = "30";
        else if (w == "DB" || w == "VOLUME")
            w = "20";
        else if (w.find('|') != std::string::npos)
            w = w.substr(w.rfind('|') + 1);
        words.push_back(w);
    }
    return words;
}

}  // namespace

TEST_CASE("every model: every front-panel action reaches subscribers as control events") {
    std::vector<std::string> ids;
    for (const auto& m : Sim::Models()) ids.push_back(m.id);
    Bench bench(ids);
    auto watcher = bench.Connect();
    Result(watcher.Call("subscribe", {{"snapshot", false}, {"topics", {"values", "info"}}}));
    size_t actions = 0;
    for (const auto& id : ids) {
        CAPTURE(id);
        auto [code, help] = bench.Sim({"-d", id, "actions"});
        REQUIRE(code == 0);
        std::vector<std::string> lines;
        std::istringstream in(help);
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        /* Autogain makes its input read-only while it runs: act on that input first. */
        std::stable_partition(lines.begin(), lines.end(),
                              [](const std::string& l) { return l.rfind("autogain", 0) != 0; });
        for (const auto& line : lines) {
            /* Signals feed the (polled) meters, not events; "when enabled" ones may be no-ops. */
            if (line.rfind("signal", 0) == 0 || line.find("when") != std::string::npos) continue;
            /* The 1st Gen's sync status is volatile: polled by clients, no event (§7.3). */
            if (line.rfind("sync", 0) == 0 && id.rfind("scarlett-gen1", 0) == 0) continue;
            auto words = ActionWords(line);
            CAPTURE(line);
            words.insert(words.begin(), {"-d", id});
            auto [rc, out] = bench.Sim(words);
            CHECK_MESSAGE(rc == 0, out);
            if (rc != 0) continue;
            ++actions;
            const json n = Await(watcher, [&](const json& m) {
                return m.value("method", "") == "controls.changed" &&
                       m["params"]["device"] == DeviceId(id);
            });
            CHECK_MESSAGE(!n.is_null(), "no event for the action");
        }
    }
    MESSAGE(actions << " actions on " << ids.size() << " models");
    CHECK(actions > ids.size());
}

TEST_CASE("--card scarlett_sim:NAME: a simulator started on its own comes back after a replug") {
    TempDir dir;
    NotifySocket notify(dir.Path() + "/notify");
    std::filesystem::create_directory(dir.Path() + "/sim");
    std::map<std::string, std::string> env = {{"SCARLETT_SIM_DIR", dir.Path() + "/sim"},
                                              {"ALSA_CONFIG_PATH", ALSA_CONF},
                                              {"XDG_CONFIG_HOME", dir.Path() + "/config"}};
    Process sim({SCARLETT_SIM, "serve", "scarlett-gen4-2i2", "--name", "apart"}, env);
    for (int i = 0; i < 200 && !std::filesystem::exists(dir.Path() + "/sim/apart.sock"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto daemon_env = env;
    daemon_env["NOTIFY_SOCKET"] = notify.Path();
    Process daemon(
        {SCARLETTD, "-q", "--socket-dir", dir.Path() + "/d", "--card", "scarlett_sim:apart"},
        daemon_env);
    REQUIRE(notify.Await("READY=1"));
    auto c = Cli::Client::Connect(dir.Path() + "/d/control.sock");
    Result(c.Call("subscribe", {{"topics", {"devices"}}, {"snapshot", false}}));
    auto method = [](const char* m) {
        return [m](const json& n) { return n.value("method", "") == m; };
    };
    REQUIRE(Run({SCARLETT_SIM, "-d", "apart", "unplug"}, env).first == 0);
    CHECK(!Await(c, method("device.removed")).is_null());
    REQUIRE(Run({SCARLETT_SIM, "-d", "apart", "replug"}, env).first == 0);
    /* Back without a restart, as a USB device is. */
    CHECK(!Await(c, method("device.added"), 5000).is_null());
    CHECK(Result(c.Call("devices.list"))["devices"][0]["online"] == true);
}

TEST_CASE("SIGHUP (a closed terminal, systemctl reload) leaves the daemon serving") {
    Bench bench({"scarlett-gen4-2i2"});
    REQUIRE(kill(bench.Pid(), SIGHUP) == 0);
    /* Blocked and read from a signalfd, it is handled by the loop: by the second answer
     * it has been (the default action would have ended the daemon at once). */
    auto client = bench.Connect();
    CHECK(Result(client.Call("daemon.info"))["devices"] == 1);
    CHECK(Result(client.Call("daemon.info"))["devices"] == 1);
    CHECK(kill(bench.Pid(), 0) == 0);
}

namespace {

const std::string GUI_FIXTURES = SCARLETTD_SOURCE_DIR "/tests/fixtures/alsa-scarlett-gui/";

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/** The keys alsa-scarlett-gui adds of its own (device and port names, port
 *  visibility, stereo links): controls of that program, not of the driver. */
bool IsGuiOwnKey(const std::string& key) {
    static const std::regex own(
        "Name|.* Name|.* Link|(Analogue|S/PDIF|ADAT|PCM|Mixer|DSP) (In|Out) [0-9]+ Switch");
    return std::regex_match(key, own);
}

/** The [controls] keys of a preset file, in order. */
std::vector<std::string> PresetKeys(const std::string& text) {
    std::vector<std::string> keys;
    std::istringstream in(text);
    bool controls = false;
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("["))
            controls = line == "[controls]";
        else if (controls && line.find('=') != std::string::npos)
            keys.push_back(line.substr(0, line.find('=')));
    }
    return keys;
}

const char* const INTEROP_MODELS[] = {"scarlett-gen3-4i4", "scarlett-gen4-2i2",
                                      "scarlett-gen1-18i20", "clarett-plus-2pre"};

}  // namespace

TEST_CASE("presets written by alsa-scarlett-gui's own code load whole into scarlettd") {
    for (const std::string model : INTEROP_MODELS)
        for (const std::string variant : {"", "-modified"}) {
            const std::string file = GUI_FIXTURES + "gui-" + model + variant + ".conf";
            if (!std::filesystem::exists(file)) continue;
            CAPTURE(file);
            Bench bench({model});
            auto c = bench.Connect();
            const std::string text = ReadFile(file);
            /* That program's own keys are exactly our daemon controls, in its order. */
            std::vector<std::string> own;
            for (const auto& key : PresetKeys(text))
                if (IsGuiOwnKey(key)) own.push_back(key);
            std::vector<std::string> ours;
            const json daemon = Result(c.Call("controls.list", {{"iface", "daemon"}}))["controls"];
            for (const auto& ctl : daemon) ours.push_back(ctl["name"]);
            CHECK(ours.size() == own.size());
            for (size_t i = 0; i < std::min(ours.size(), own.size()); ++i) {
                CAPTURE(i);
                CHECK(ours[i] == own[i]);
            }
            /* Its first-run defaults link most pairs; ours start unlinked. */
            size_t linked = 0;
            std::istringstream in(text);
            for (std::string line; std::getline(in, line);) linked += line.ends_with(" Link=true");
            auto loaded = Result(c.Call("presets.load", {{"file", file}}));
            CHECK(loaded["skipped"].empty());
            CHECK(loaded["warnings"].size() == 1); /* model=: the .state's file name */
            if (variant.empty())
                CHECK(loaded["applied"] == linked);
            else
                CHECK(loaded["applied"].get<size_t>() >= 6 + linked);
            auto diff = Result(c.Call("presets.diff", {{"file", file}}));
            CHECK(diff["differences"].empty());
        }
}

TEST_CASE("scarlettd writes the preset files alsa-scarlett-gui's code loaded cleanly") {
    for (const std::string model : INTEROP_MODELS)
        for (const std::string variant : {"", "-modified", "-named"}) {
            const std::string ours = GUI_FIXTURES + "scarlettd-" + model + variant + ".conf";
            if (!std::filesystem::exists(ours)) continue;
            CAPTURE(ours);
            Bench bench({model});
            auto c = bench.Connect();
            /* The same state as when the file was made (tools/make-ours.sh): the
             * modified one is the GUI's; the named one sets the daemon's controls. */
            if (variant == "-modified")
                Result(c.Call("presets.load",
                              {{"file", GUI_FIXTURES + "gui-" + model + variant + ".conf"}}));
            if (variant == "-named")
                Result(c.Call("controls.set",
                              {{"changes",
                                {{{"control", "Name"}, {"value", {"Studio desk"}}},
                                 {{"control", "Analogue In 1 Name"}, {"value", {"Vocal mic"}}},
                                 {{"control", "Analogue Out 1-2 Link"}, {"value", {true}}},
                                 {{"control", "Analogue Out 1-2 Name"}, {"value", {"Monitors"}}},
                                 {{"control", "PCM Out 1-2 Link"}, {"value", {true}}},
                                 {{"control", "PCM Out 3 Switch"}, {"value", {false}}}}}}));
            Result(c.Call("presets.save", {{"name", "again"}}));
            CHECK(ReadFile(bench.PresetsDir() + "/" + DeviceId(model) + "-again.conf") ==
                  ReadFile(ours));
        }
}

TEST_CASE("a 1st Gen that lost its settings gets every value back on attach (restore last)") {
    const std::string model = "scarlett-gen1-18i20";
    const std::string id = DeviceId(model);
    Bench bench({model});
    auto c = bench.Connect();
    auto list = Result(c.Call("controls.list", {{"device", id}, {"match", "Matrix * Mix A *"}}));
    REQUIRE(list["controls"].size() >= 18);
    /* 20 settings away from the factory values: 18 mixer gains and 2 routes. */
    json changes = json::array();
    for (size_t i = 0; i < 18; ++i)
        changes.push_back({{"control", list["controls"][i]["numid"]}, {"value", 100 + i}});
    changes.push_back({{"control", "Matrix 01 Input Playback Route"}, {"value", "PCM 3"}});
    changes.push_back({{"control", "Matrix 02 Input Playback Route"}, {"value", "PCM 4"}});
    Result(c.Call("controls.set", {{"device", id}, {"changes", changes}}));
    Result(c.Call("subscribe", {{"devices", {id}}, {"topics", {"devices"}}, {"snapshot", false}}));

    /* The interface loses its settings while its driver keeps reporting them. */
    auto [status, out] = bench.Sim({"-d", model, "power-cycle"});
    REQUIRE(status == 0);
    CHECK(out.find("power-cycled: 20 differences") != std::string::npos);
    REQUIRE(bench.Sim({"-d", model, "unplug"}).first == 0);
    REQUIRE(Await(c, [](const json& n) { return n["method"] == "device.removed"; }) != nullptr);
    REQUIRE(bench.Sim({"-d", model, "replug"}).first == 0);
    const json restored = Await(c, [](const json& n) { return n["method"] == "device.restored"; });
    REQUIRE(restored != nullptr);
    CHECK(restored["params"]["restore"] == "last"); /* the 1st Gen default */
    CHECK(restored["params"]["skipped"].empty());
    CHECK(restored["params"]["applied"].get<int>() >= 20);
    /* Every value reached the device, though the driver reported them all along. */
    auto [hw_status, hardware] = bench.Sim({"-d", model, "hardware"});
    CHECK(hw_status == 0);
    CHECK(hardware == "0 differences\n");
}

namespace {

/** The [controls] entries of a preset file, or nullopt when it is not a whole one. */
std::optional<std::map<std::string, std::string>> PresetEntries(const std::string& text) {
    std::map<std::string, std::string> entries;
    std::istringstream in(text);
    bool controls = false, device = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "[device]") device = true;
        if (line.starts_with("[")) {
            controls = line == "[controls]";
            continue;
        }
        if (controls && !line.empty()) {
            const auto eq = line.find('=');
            if (eq == std::string::npos) return std::nullopt;
            entries[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    if (!device || text.empty() || text.back() != '\n') return std::nullopt;
    return entries;
}

}  // namespace

TEST_CASE("kill -9 at random instants while presets and the last state are written: no torn file") {
    const std::string model = "scarlett-gen3-4i4";
    const std::string id = DeviceId(model);
    const std::string volume = "Mix A Input 01 Playback Volume";
    TempDir dir;
    std::filesystem::create_directory(dir.Path() + "/sim");
    std::map<std::string, std::string> env = {{"SCARLETT_SIM_DIR", dir.Path() + "/sim"},
                                              {"SCARLETT_SIM", SCARLETT_SIM},
                                              {"ALSA_CONFIG_PATH", ALSA_CONF}};
    /* One simulator for all the daemons: the interface outlives their crashes. */
    Process sim({SCARLETT_SIM, "serve", model}, env);
    for (int i = 0; i < 200 && Run({SCARLETT_SIM, "-d", model, "info"}, env).first != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string presets = dir.Path() + "/presets", state = dir.Path() + "/state";
    std::vector<std::string> argv = {SCARLETTD,     "-q",  "--socket-dir",  dir.Path() + "/d",
                                     "--simulate",  model, "--presets-dir", presets,
                                     "--state-dir", state};
    NotifySocket notify(dir.Path() + "/notify");
    auto daemon_env = env;
    daemon_env["NOTIFY_SOCKET"] = dir.Path() + "/notify";

    std::mt19937 random(20261206);
    int kills = 0;
    std::set<std::string> torn_temps;
    long long next = 0, acked = -1;  // values sent to "crash" (then % 128), the last one saved
    size_t whole = 0;                // controls in a whole preset of this model
    for (int round = 0; round < 200; ++round) {
        if (round > 0) REQUIRE(Run({SCARLETT_SIM, "-d", model, "replug"}, env).first == 0);
        Process daemon(argv, daemon_env);
        REQUIRE_MESSAGE(notify.Await("READY=1"), "scarlettd did not get ready in round " << round);
        auto c = Cli::Client::Connect(dir.Path() + "/d/control.sock");
        if (round == 0) {
            Result(c.Call("devices.configure", {{"on_attach", {{"restore", "last"}}}}));
            whole = Result(c.Call("presets.save", {{"name", "crash"}}))["preset"]["controls"];
        }
        /* Some saves answered, then more sent and the daemon killed at any instant. */
        for (int i = std::uniform_int_distribution<int>(0, 3)(random); i > 0; --i) {
            const long long v = next++ % 128;
            Result(c.Call("controls.set", {{"changes", {{{"control", volume}, {"value", v}}}}}));
            Result(c.Call("presets.save", {{"name", "crash"}, {"overwrite", true}}));
            acked = next - 1;
        }
        for (int i = 0; i < 8; ++i) {
            const long long v = next++ % 128;
            c.SendRaw(json{{"jsonrpc", "2.0"},
                           {"id", 1000 + i},
                           {"method", "controls.set"},
                           {"params", {{"changes", {{{"control", volume}, {"value", v}}}}}}}
                          .dump() +
                      "\n" +
                      json{{"jsonrpc", "2.0"},
                           {"id", 2000 + i},
                           {"method", "presets.save"},
                           {"params", {{"name", "crash"}, {"overwrite", true}}}}
                          .dump() +
                      "\n");
        }
        /* Unplugged: the daemon records the last state at once, while it saves. */
        REQUIRE(Run({SCARLETT_SIM, "-d", model, "unplug"}, env).first == 0);
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20000)(random)));
        REQUIRE(kill(daemon.Pid(), SIGKILL) == 0);
        daemon.Stop();
        ++kills;

        /* Every preset and last state on disk is one whole file; the preset holds the
         * last acknowledged save or a later one, never an older one. */
        for (const auto& dir_path : {presets, state + "/last"}) {
            if (!std::filesystem::exists(dir_path)) continue;
            for (const auto& entry : std::filesystem::directory_iterator(dir_path)) {
                const std::string name = entry.path().filename();
                if (name.starts_with(".")) { /* a temporary file: killed mid-write */
                    torn_temps.insert(entry.path());
                    continue;
                }
                CAPTURE(name);
                const auto entries = PresetEntries(ReadFile(entry.path()));
                REQUIRE(entries.has_value());
                CHECK(entries->size() == whole);
            }
        }
        const auto preset = PresetEntries(ReadFile(presets + "/" + id + "-crash.conf"));
        REQUIRE(preset.has_value());
        const long long saved = std::stoll(preset->at(volume));
        if (acked >= 0) {
            /* The last acknowledged value or one sent after it (fewer than 128 since). */
            REQUIRE(next - 1 - acked < 128);
            CHECK((saved - acked % 128 + 128) % 128 <= next - 1 - acked);
        }
        const std::string settings = ReadFile(state + "/devices/" + id + ".json");
        CHECK(json::parse(settings)["on_attach"]["restore"] == "last");
    }
    CHECK(kills == 200);

    /* A daemon after the last crash: the last state it had written comes back. */
    REQUIRE(Run({SCARLETT_SIM, "-d", model, "replug"}, env).first == 0);
    const auto last = PresetEntries(ReadFile(state + "/last/" + id + ".conf"));
    REQUIRE(last.has_value());
    const std::string recorded = last->at(volume);
    auto [set_status, out] = Run({"amixer", "-q", "-D", "scarlett_sim:" + model, "cset",
                                  "name=" + volume, recorded == "5" ? "6" : "5"},
                                 env);
    REQUIRE_MESSAGE(set_status == 0, out);
    Process daemon(argv, daemon_env);
    REQUIRE(notify.Await("READY=1"));
    auto c = Cli::Client::Connect(dir.Path() + "/d/control.sock");
    auto got = Result(c.Call("controls.get", {{"controls", {volume}}}));
    CHECK(got["controls"][0]["value"][0].dump() == recorded);
    /* And the temporary files of the writes the kills cut short are gone. */
    for (const auto& dir_path : {presets, state + "/last", state + "/devices"})
        for (const auto& entry : std::filesystem::directory_iterator(dir_path))
            CHECK(!entry.path().filename().string().starts_with("."));
    MESSAGE("kill -9 x" << kills << ": every file whole (" << torn_temps.size()
                        << " kills fell inside a write and left its temporary file); " << next
                        << " values sent; the restarted daemon restored " << volume << " = "
                        << recorded);
}
