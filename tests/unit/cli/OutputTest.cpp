// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "cli/Output.hpp"

using nlohmann::json;

namespace {

const json VOLUME = {{"numid", 125},
                     {"iface", "mixer"},
                     {"name", "Mix A Input 01 Playback Volume"},
                     {"index", 0},
                     {"type", "integer"},
                     {"count", 1},
                     {"access", {"read", "write", "tlv_read"}},
                     {"writable", true},
                     {"min", 0},
                     {"max", 172},
                     {"step", 1},
                     {"db", {{"min", -80.0}, {"max", 6.0}, {"mute", true}}},
                     {"value", {160}},
                     {"db_value", {0.0}}};

const json SOURCE = {{"numid", 40},
                     {"iface", "mixer"},
                     {"name", "PCM 01 Capture Enum"},
                     {"index", 1},
                     {"type", "enumerated"},
                     {"count", 1},
                     {"access", {"read", "write", "locked"}},
                     {"writable", false},
                     {"items", {"Off", "Analogue 1"}},
                     {"value", {"Analogue 1"}}};

}  // namespace

TEST_CASE("DisplayWidth counts code points, so U+FFFD takes one column") {
    CHECK(Cli::DisplayWidth("abc") == 3);
    CHECK(Cli::DisplayWidth("a\xEF\xBF\xBD") == 2);
    CHECK(Cli::DisplayWidth("") == 0);
}

TEST_CASE("FormatTable aligns columns and trims trailing spaces") {
    CHECK(Cli::FormatTable({{"ID", "NAME", "X"},
                            {"1",
                             "a\xEF\xBF\xBD"
                             "b",
                             ""},
                            {"100", "c", "y"}}) ==
          "ID   NAME  X\n"
          "1    a\xEF\xBF\xBD"
          "b\n"
          "100  c     y\n");
}

TEST_CASE("FormatDb prints short numbers and -inf for mute") {
    CHECK(Cli::FormatDb(-6.0) == "-6");
    CHECK(Cli::FormatDb(0.5) == "0.5");
    CHECK(Cli::FormatDb(-0.001) == "0");
    CHECK(Cli::FormatDb(-12.25) == "-12.25");
    CHECK(Cli::FormatDb(nullptr) == "-inf");
}

TEST_CASE("FormatValue prints values as they are typed, with dB") {
    CHECK(Cli::FormatValue(VOLUME) == "160 (0 dB)");
    CHECK(Cli::FormatValue(SOURCE) == "Analogue 1");
    CHECK(Cli::FormatValue(json{{"value", {true, false}}}) == "on,off");
    CHECK(Cli::FormatValue(json{{"value", {1, 2}}, {"db_value", {nullptr, -3.5}}}) ==
          "1,2 (-inf,-3.5 dB)");
    CHECK(Cli::FormatValue(json{{"value", {"00ff"}}}) == "00ff");
}

TEST_CASE("FormatAccess says why a control is not writable") {
    CHECK(Cli::FormatAccess(VOLUME) == "rw");
    CHECK(Cli::FormatAccess(SOURCE) == "r- locked");
    CHECK(Cli::FormatAccess(json{{"access", {"read", "volatile"}}, {"writable", false}}) ==
          "r- volatile");
    CHECK(Cli::FormatAccess(json{{"access", {"read", "write", "inactive"}}, {"writable", false}}) ==
          "r- inactive");
}

TEST_CASE("FormatControlName shows the index only when it is not 0") {
    CHECK(Cli::FormatControlName(VOLUME) == "'Mix A Input 01 Playback Volume'");
    CHECK(Cli::FormatControlName(SOURCE) == "'PCM 01 Capture Enum',1");
    CHECK(Cli::FormatControlLine(SOURCE) == "'PCM 01 Capture Enum',1 = Analogue 1");
}

TEST_CASE("FormatDevices prints a table with model or name, and offline devices") {
    const json result = {{"seq", 3},
                         {"devices",
                          {{{"id", "scarlett2-P9ABC"},
                            {"online", true},
                            {"card", 2},
                            {"name", "Scarlett 18i20 USB"},
                            {"model", "Scarlett 18i20 3rd Gen"},
                            {"controls", 443}},
                           {{"id", "gen1-1"},
                            {"online", false},
                            {"card", nullptr},
                            {"name", "Scarlett 6i6 USB"},
                            {"model", nullptr},
                            {"controls", 20}}}}};
    CHECK(Cli::FormatDevices(result) ==
          "ID               ONLINE  CARD  MODEL                   CONTROLS\n"
          "scarlett2-P9ABC  yes     2     Scarlett 18i20 3rd Gen  443\n"
          "gen1-1           no      -     Scarlett 6i6 USB        20\n");
    CHECK(Cli::FormatDevices(json{{"devices", json::array()}}) == "no devices\n");
}

TEST_CASE("FormatControls lists numid, name, index, type, access and value") {
    const json result = {{"device", "d"}, {"seq", 1}, {"controls", {VOLUME, SOURCE}}};
    CHECK(Cli::FormatControls(result) ==
          "NUMID  NAME                            INDEX  TYPE        ACCESS     VALUE\n"
          "125    Mix A Input 01 Playback Volume  0      integer     rw         160 (0 dB)\n"
          "40     PCM 01 Capture Enum             1      enumerated  r- locked  Analogue 1\n");
}

TEST_CASE("FormatControlDetails shows range, dB and items") {
    CHECK(Cli::FormatControlDetails(VOLUME) ==
          "'Mix A Input 01 Playback Volume' (numid 125, mixer)\n"
          "  type:   integer, 1 channel\n"
          "  access: rw (read,write,tlv_read)\n"
          "  range:  0..172, step 1\n"
          "  dB:     -80..6 (lowest is mute)\n"
          "  value:  160 (0 dB)\n");
    CHECK(Cli::FormatControlDetails(SOURCE).find("  items:  0 'Off', 1 'Analogue 1'\n") !=
          std::string::npos);
}

TEST_CASE("FormatControlDetails says why a control is not writable when the daemon does") {
    json held = VOLUME;
    held["access"] = {"read", "tlv_read"};
    held["writable"] = false;
    held["not_writable"] = {{"reason", "hardware_control"},
                            {"message", "it follows the front panel's monitor knob"},
                            {"control", "Line Out 01 Volume Control Playback Enum"}};
    CHECK(Cli::FormatControlDetails(held).find(
              "  access: r- (read,tlv_read)\n"
              "  why:    it follows the front panel's monitor knob\n") != std::string::npos);
    CHECK(Cli::FormatControlDetails(VOLUME).find("why:") == std::string::npos);
}

TEST_CASE("Formatting survives missing and oddly typed fields") {
    CHECK_NOTHROW(Cli::FormatControlDetails(json::object()));
    CHECK_NOTHROW(Cli::FormatControls(json{{"controls", {json::object(), 5, "x"}}}));
    CHECK_NOTHROW(Cli::FormatDevices(json{{"devices", {nullptr}}}));
    CHECK_NOTHROW(Cli::FormatNotification(json::array()));
    CHECK_NOTHROW(Cli::FormatDaemonError(json("oops")));
    CHECK(Cli::FormatControlLine(json{{"name", "Bell\x07"}, {"value", {1}}}) == "'Bell?' = 1");
}

TEST_CASE("FormatNotification gives one human line per change") {
    SUBCASE("controls.changed") {
        const json notification = {{"jsonrpc", "2.0"},
                                   {"method", "controls.changed"},
                                   {"params",
                                    {{"subscription", 1},
                                     {"seq", 1044},
                                     {"device", "dev"},
                                     {"controls",
                                      {{{"numid", 12},
                                        {"name", "Line In 1 Air Capture Switch"},
                                        {"index", 0},
                                        {"value", {false}}},
                                       {{"numid", 13},
                                        {"name", "Gain"},
                                        {"index", 1},
                                        {"value", {3}},
                                        {"db_value", {-3.0}}}}}}}};
        CHECK(Cli::FormatNotification(notification) ==
              std::vector<std::string>{"dev: 'Line In 1 Air Capture Switch' = off",
                                       "dev: 'Gain',1 = 3 (-3 dB)"});
    }
    SUBCASE("device.restored") {
        const json restored = {
            {"method", "device.restored"},
            {"params",
             {{"device", "dev"},
              {"restore", "preset"},
              {"preset", "Gig"},
              {"applied", 1},
              {"skipped",
               {{{"name", "Talkback"}, {"reason", "no such control on this device"}}}}}}};
        CHECK(Cli::FormatNotification(restored) ==
              std::vector<std::string>{
                  "device restored: dev (preset 'Gig', 1 control written, 1 skipped)",
                  "  skipped 'Talkback': no such control on this device"});
    }
    SUBCASE("info changed") {
        json control = SOURCE;
        control["info_changed"] = true;
        const json notification = {{"method", "controls.changed"},
                                   {"params", {{"device", "dev"}, {"controls", {control}}}}};
        CHECK(Cli::FormatNotification(notification) ==
              std::vector<std::string>{
                  "dev: 'PCM 01 Capture Enum',1 = Analogue 1 [info changed: r- locked]"});
    }
    SUBCASE("controls added and removed") {
        const json added = {{"method", "controls.added"},
                            {"params", {{"device", "dev"}, {"controls", {VOLUME}}}}};
        CHECK(Cli::FormatNotification(added) ==
              std::vector<std::string>{
                  "dev: control added: 'Mix A Input 01 Playback Volume' (numid 125)"});
        const json removed = {
            {"method", "controls.removed"},
            {"params",
             {{"device", "dev"}, {"controls", {{{"numid", 9}, {"name", "X"}, {"index", 2}}}}}}};
        CHECK(Cli::FormatNotification(removed) ==
              std::vector<std::string>{"dev: control removed: 'X',2 (numid 9)"});
    }
    SUBCASE("devices") {
        const json device = {{"id", "scarlett2-P9ABC"},
                             {"online", true},
                             {"card", 2},
                             {"name", "Scarlett 18i20 USB"},
                             {"model", "Scarlett 18i20 3rd Gen"}};
        CHECK(Cli::FormatNotification(
                  json{{"method", "device.added"}, {"params", {{"device", device}}}}) ==
              std::vector<std::string>{
                  "device added: scarlett2-P9ABC (Scarlett 18i20 3rd Gen, card 2)"});
        json offline = device;
        offline["online"] = false;
        offline["card"] = nullptr;
        offline["model"] = nullptr;
        CHECK(Cli::FormatNotification(
                  json{{"method", "device.removed"}, {"params", {{"device", offline}}}}) ==
              std::vector<std::string>{"device removed: scarlett2-P9ABC (Scarlett 18i20 USB)"});
    }
    SUBCASE("unknown methods are shown raw") {
        CHECK(Cli::FormatNotification(json{{"method", "future.thing"}, {"params", {{"a", 1}}}}) ==
              std::vector<std::string>{"future.thing {\"a\":1}"});
    }
}

TEST_CASE("FormatDaemonError names the problem and adds what data says") {
    SUBCASE("range, with the control name") {
        const json error = {{"code", -32005},
                            {"message", "200 is out of range"},
                            {"data",
                             {{"code", "value.invalid"},
                              {"control", "Mix A Input 01 Playback Volume"},
                              {"min", 0},
                              {"max", 172},
                              {"count", 1}}}};
        CHECK(Cli::FormatDaemonError(error) ==
              "value.invalid: 200 is out of range for 'Mix A Input 01 Playback Volume' (0..172)");
    }
    SUBCASE("no repetition of what the message already says") {
        const json error = {
            {"code", -32005},
            {"message", "200 is out of range for 'Mix A Input 01 Playback Volume' (0..172)"},
            {"data",
             {{"code", "value.invalid"},
              {"control", "Mix A Input 01 Playback Volume"},
              {"min", 0},
              {"max", 172}}}};
        CHECK(Cli::FormatDaemonError(error) ==
              "value.invalid: 200 is out of range for 'Mix A Input 01 Playback Volume' (0..172)");
    }
    SUBCASE("a range in the message stands for all ranges; a quoted name is not repeated") {
        const json error = {{"code", -32005},
                            {"message", "200 is out of range for \"Vol\" (0..172)"},
                            {"data",
                             {{"code", "value.invalid"},
                              {"control", "Vol"},
                              {"min", 0},
                              {"max", 172},
                              {"db", {{"min", -80.0}, {"max", 6.0}}}}}};
        CHECK(Cli::FormatDaemonError(error) ==
              "value.invalid: 200 is out of range for \"Vol\" (0..172)");
    }
    SUBCASE("dB range") {
        const json error = {{"code", -32005},
                            {"message", "10 dB is outside the dB range"},
                            {"data",
                             {{"code", "value.invalid"},
                              {"control", "Vol"},
                              {"min", 0},
                              {"max", 172},
                              {"db", {{"min", -80.0}, {"max", 6.0}}}}}};
        CHECK(Cli::FormatDaemonError(error) ==
              "value.invalid: 10 dB is outside the dB range for 'Vol' (0..172; -80..6 dB)");
    }
    SUBCASE("enum items and boolean values") {
        const json error = {
            {"code", -32005},
            {"message", "unknown item 'Foo' for 'Src'"},
            {"data",
             {{"code", "value.invalid"}, {"control", "Src"}, {"items", {"Off", "Analogue 1"}}}}};
        CHECK(Cli::FormatDaemonError(error) ==
              "value.invalid: unknown item 'Foo' for 'Src'; valid items: 0 'Off', 1 'Analogue 1'");
        const json boolean = {{"code", -32005},
                              {"message", "expected a boolean"},
                              {"data", {{"code", "value.invalid"}, {"items", {false, true}}}}};
        CHECK(Cli::FormatDaemonError(boolean) ==
              "value.invalid: expected a boolean; valid values: off, on");
    }
    SUBCASE("field, reason, errno message, limit, applied") {
        CHECK(Cli::FormatDaemonError(
                  json{{"code", -32602},
                       {"message", "device is required"},
                       {"data", {{"code", "params.invalid"}, {"field", "device"}}}}) ==
              "params.invalid: device is required");
        CHECK(Cli::FormatDaemonError(
                  json{{"code", -32602},
                       {"message", "bad type"},
                       {"data", {{"code", "params.invalid"}, {"field", "changes"}}}}) ==
              "params.invalid: bad type (field: changes)");
        CHECK(Cli::FormatDaemonError(
                  json{{"code", -32004},
                       {"message", "'X' is not writable"},
                       {"data", {{"code", "control.read_only"}, {"reason", "locked"}}}}) ==
              "control.read_only: 'X' is not writable (locked)");
        const json applied = json::array({{{"control", "A"}, {"value", 1}}});
        const json alsa = {{"code", -32006},
                           {"message", "write failed"},
                           {"data",
                            {{"code", "alsa.error"},
                             {"errno", 5},
                             {"message", "Input/output error"},
                             {"applied", applied}}}};
        CHECK(Cli::FormatDaemonError(alsa) ==
              "alsa.error: write failed: Input/output error; already written: 'A'");
        CHECK(Cli::FormatDaemonError(json{{"code", -32007},
                                          {"message", "too many subscriptions"},
                                          {"data", {{"code", "limit.exceeded"}, {"limit", 16}}}}) ==
              "limit.exceeded: too many subscriptions (limit 16)");
    }
    SUBCASE("without data") {
        CHECK(Cli::FormatDaemonError(json{{"code", -32601}, {"message", "Method not found"}}) ==
              "error -32601: Method not found");
    }
}

TEST_CASE("FormatInfo counts in words: one device, two clients") {
    const json info = {{"name", "scarlettd"},
                       {"version", "1.0"},
                       {"protocol", {{"major", 1}, {"minor", 0}}},
                       {"pid", 42},
                       {"uptime_ms", 5000},
                       {"devices", 1},
                       {"clients", 2},
                       {"capabilities", {"controls"}}};
    CHECK(Cli::FormatInfo(info) ==
          "scarlettd 1.0, protocol 1.0\npid 42, up 5 s, 1 device, 2 clients\n"
          "capabilities: controls\n");
    json none = info;
    none["devices"] = 0;
    none["clients"] = 1;
    CHECK(Cli::FormatInfo(none).find("0 devices, 1 client\n") != std::string::npos);
}
