// SPDX-License-Identifier: GPL-3.0-or-later
/* protocol 1.1 §1: presets.list/save/load/diff/delete on an in-process daemon. */
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "Harness.hpp"

using nlohmann::json;
using TestData::Daemon;
using TestData::ErrorCode;
using TestData::FakeDevice;
using TestData::Slurp;
using TestData::Spit;
using namespace std::chrono_literals;

namespace {

const std::string& DEV = TestData::SMALL_ID;

/** The daemon's cache catches up with a change made on the device (its event). */
void AwaitValue(Cli::Client& c, const char* control, const json& value) {
    for (int i = 0; i < 200; ++i) {
        auto r = c.Call("controls.get", {{"controls", {control}}});
        if (r["result"]["controls"][0]["value"] == value) return;
        std::this_thread::sleep_for(5ms);
    }
    FAIL("the daemon never saw " << control << " = " << value.dump());
}

}  // namespace

TEST_CASE("presets.save writes alsa-scarlett-gui's format; list shows it; overwrite is asked for") {
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    auto r = c.Call("presets.save", {{"device", DEV}, {"name", "Live set"}});
    REQUIRE(r.contains("result"));
    CHECK(r["result"]["preset"]["name"] == "Live set");
    CHECK(r["result"]["preset"]["serial"] == "P9ABCDEF");
    CHECK(r["result"]["preset"]["model"] == "Scarlett 18i20 USB");
    CHECK(r["result"]["preset"]["controls"] == 4 + TestData::DAEMON_CONTROLS);
    CHECK(r["result"]["preset"]["modified"].get<std::string>().size() == 20);

    const std::string path = d.GetDir() + "/presets/P9ABCDEF-Live set.conf";
    const std::string text = Slurp(path);
    /* Read-only (Sync Status, Firmware Version) controls are not settings; the
     * daemon's own follow the card's, in alsa-scarlett-gui's order and encoding. */
    CHECK(text ==
          "[device]\nserial=P9ABCDEF\nmodel=Scarlett 18i20 USB\n\n[controls]\n"
          "Mix A Input 01 Playback Volume=160\nLine In 1 Air Capture Switch=false\n"
          "PCM 01 Capture Enum=Analogue 1\nLine 01 Playback Volume=10,20\n"
          "Name=\nAnalogue In 1 Name=\nAnalogue In 2 Name=\nPCM In 1 Name=\n"
          "Analogue In 1 Switch=true\nAnalogue In 2 Switch=true\nPCM In 1 Switch=true\n"
          "Analogue In 1-2 Link=false\nAnalogue In 1-2 Name=\n");

    auto list = c.Call("presets.list", {{"device", DEV}})["result"]["presets"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "Live set");
    CHECK(c.Call("presets.list")["result"]["presets"].size() == 1);

    dev->ExternalSet(1, {{100}, {}});
    AwaitValue(c, "Mix A Input 01 Playback Volume", {100});
    r = c.Call("presets.save", {{"device", DEV}, {"name", "Live set"}});
    CHECK(ErrorCode(r) == "preset.exists");
    CHECK(r["error"]["code"] == -32012);
    CHECK(Slurp(path) == text);
    r = c.Call("presets.save", {{"device", DEV}, {"name", "Live set"}, {"overwrite", true}});
    REQUIRE(r.contains("result"));
    CHECK(Slurp(path).find("Mix A Input 01 Playback Volume=100\n") != std::string::npos);

    r = c.Call("presets.save",
               {{"device", DEV}, {"name", "only mix"}, {"match", {"Mix *", "PCM*"}}});
    /* Mix A Input 01, PCM 01 Capture Enum, and the daemon's PCM In 1 Name and Switch. */
    CHECK(r["result"]["preset"]["controls"] == 4);
}

TEST_CASE("save, change, diff lists the changes, load puts them back, diff is empty") {
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    REQUIRE(c.Call("presets.save", {{"name", "a"}}).contains("result"));
    dev->ExternalSet(1, {{12}, {}});
    dev->ExternalSet(3, {{2}, {}});
    dev->ExternalSet(4, {{1, 2}, {}});
    AwaitValue(c, "Line 01 Playback Volume", {1, 2});
    AwaitValue(c, "PCM 01 Capture Enum", {"Analogue 2"});
    AwaitValue(c, "Mix A Input 01 Playback Volume", {12});

    auto diff = c.Call("presets.diff", {{"device", DEV}, {"name", "a"}})["result"];
    REQUIRE(diff["differences"].size() == 3);
    CHECK(diff["differences"][0] ==
          json{{"name", "Mix A Input 01 Playback Volume"}, {"preset", "160"}, {"current", "12"}});
    CHECK(diff["differences"][1] == json{{"name", "PCM 01 Capture Enum"},
                                         {"preset", "Analogue 1"},
                                         {"current", "Analogue 2"}});
    CHECK(diff["differences"][2] ==
          json{{"name", "Line 01 Playback Volume"}, {"preset", "10,20"}, {"current", "1,2"}});

    auto dry = c.Call("presets.load", {{"name", "a"}, {"dry_run", true}})["result"];
    CHECK(dry["dry_run"] == true);
    CHECK(dry["applied"] == 3);
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{12});

    auto load = c.Call("presets.load", {{"device", DEV}, {"name", "a"}})["result"];
    CHECK(load["applied"] == 3);
    CHECK(load["unchanged"] == 1 + TestData::DAEMON_CONTROLS);
    CHECK(load["skipped"].empty());
    CHECK(load["warnings"].empty());
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{160});
    CHECK(dev->Get(3).numbers == std::vector<int64_t>{1});
    CHECK(dev->Get(4).numbers == std::vector<int64_t>{10, 20});
    CHECK(c.Call("presets.diff", {{"name", "a"}})["result"]["differences"].empty());
}

TEST_CASE("presets.load applies in passes: a switch that enables another control comes first") {
    auto dev = TestData::SmallDevice();
    /* The volume (numid 1, listed first) is writable only while Air (2) is on. */
    dev->SetWritable(1, false);
    dev->Enables(2, 1);
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    Spit(d.GetDir() + "/pass.conf",
         "[controls]\nMix A Input 01 Playback Volume=99\nLine In 1 Air Capture Switch=true\n");
    auto load = c.Call("presets.load", {{"file", d.GetDir() + "/pass.conf"}})["result"];
    CHECK(load["applied"] == 2);
    CHECK(load["skipped"].empty());
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{99});

    /* Never enabled: skipped with the reason, the rest applied. */
    Spit(d.GetDir() + "/off.conf",
         "[controls]\nLine In 1 Air Capture Switch=false\nMix A Input 01 Playback Volume=98\n");
    load = c.Call("presets.load", {{"file", d.GetDir() + "/off.conf"}})["result"];
    CHECK(load["applied"] == 1);
    REQUIRE(load["skipped"].size() == 1);
    CHECK(load["skipped"][0] ==
          json{{"name", "Mix A Input 01 Playback Volume"}, {"reason", "not writable (read-only)"}});
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{99});
}

TEST_CASE("unknown names, bad values, another model and repeated keys: skipped or warned") {
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    Spit(d.GetDir() + "/other.conf",
         "[device]\nserial=X1\nmodel=Scarlett 2i2 4th Gen\n\n[controls]\n"
         "Direct Monitor Playback Switch=true\n"
         "Mix A Input 01 Playback Volume=500\n"
         "PCM 01 Capture Enum=Nowhere\n"
         "Sync Status=Locked\n"
         "Line 01 Playback Volume=1,2,3\n"
         "Line In 1 Air Capture Switch=yes\n"
         "Line In 1 Air Capture Switch=true\n");
    const int writes = dev->writes;
    auto r = c.Call("presets.load", {{"file", d.GetDir() + "/other.conf"}})["result"];
    CHECK(r["applied"] == 1);
    std::map<std::string, std::string> skipped;
    for (const auto& s : r["skipped"]) skipped[s["name"]] = s["reason"];
    CHECK(skipped.size() == 5);
    CHECK(skipped["Direct Monitor Playback Switch"] == "no such control on this device");
    CHECK(skipped["Mix A Input 01 Playback Volume"] == "out of range (0 to 172)");
    CHECK(skipped["PCM 01 Capture Enum"] == "not one of the control's items");
    CHECK(skipped["Sync Status"] == "not writable (read-only)");
    CHECK(skipped["Line 01 Playback Volume"] == "3 channels for a control of 2 channels");
    REQUIRE(r["warnings"].size() == 2);
    CHECK(r["warnings"][0].get<std::string>().find("Scarlett 2i2 4th Gen") != std::string::npos);
    CHECK(r["warnings"][1].get<std::string>().find("Line In 1 Air Capture Switch") !=
          std::string::npos);
    CHECK(dev->writes == writes + 1);
    CHECK(dev->Get(2).numbers == std::vector<int64_t>{1});
}

TEST_CASE("bad preset names are params.invalid and create nothing") {
    Daemon d({{DEV, TestData::SmallDevice()}});
    auto c = d.Connect();
    for (const std::string& name :
         {std::string("a/b"), std::string(".."), std::string(".hidden"), std::string("a\0b", 3),
          std::string(10240, 'x'), std::string(), std::string("tab\there"), std::string("é")}) {
        CAPTURE(name.size());
        for (const char* method : {"presets.save", "presets.load", "presets.delete"}) {
            auto r = c.Call(method, {{"name", name}});
            CHECK(r["error"]["code"] == -32602);
            CHECK(r["error"]["data"]["field"] == "name");
        }
    }
    CHECK(!std::filesystem::exists(d.GetDir() + "/presets"));
}

TEST_CASE("files that are not presets: preset.invalid, nothing written, no file changed") {
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    const std::string dir = d.GetDir() + "/presets";
    std::filesystem::create_directories(dir);
    const int writes = dev->writes;

    const std::string garbage = "[controls]\nLine In 1 Air Capture Switch=true\nhello\n";
    Spit(dir + "/P9ABCDEF-garbage.conf", garbage);
    auto r = c.Call("presets.load", {{"name", "garbage"}});
    CHECK(ErrorCode(r) == "preset.invalid");
    CHECK(r["error"]["code"] == -32010);
    CHECK(r["error"]["data"]["line"] == 3);
    CHECK(r["error"]["message"].get<std::string>().find("hello") == std::string::npos);
    CHECK(Slurp(dir + "/P9ABCDEF-garbage.conf") == garbage);

    /* 100 MB (sparse): refused by its size, never read whole. */
    {
        std::ofstream big(dir + "/P9ABCDEF-big.conf");
        big << "[controls]\n";
    }
    std::filesystem::resize_file(dir + "/P9ABCDEF-big.conf", 100 * 1024 * 1024);
    r = c.Call("presets.load", {{"name", "big"}});
    CHECK(ErrorCode(r) == "preset.invalid");
    CHECK(r["error"]["data"]["reason"] == "larger than 1 MiB");

    /* A symlink pointing elsewhere is not followed. */
    Spit(d.GetDir() + "/elsewhere.conf", "[controls]\nLine In 1 Air Capture Switch=true\n");
    std::filesystem::create_symlink(d.GetDir() + "/elsewhere.conf", dir + "/P9ABCDEF-link.conf");
    r = c.Call("presets.load", {{"name", "link"}});
    CHECK(ErrorCode(r) == "preset.invalid");
    CHECK(r["error"]["data"]["reason"] == "a symbolic link");

    /* Not a key file at all, by file: the reason names no content. */
    Spit(d.GetDir() + "/passwd.conf", "root:x:0:0:root:/root:/bin/bash\n");
    r = c.Call("presets.load", {{"file", d.GetDir() + "/passwd.conf"}});
    CHECK(ErrorCode(r) == "preset.invalid");
    CHECK(r["error"]["message"].get<std::string>().find("root") == std::string::npos);
    CHECK(r["error"]["data"].dump().find("bash") == std::string::npos);

    r = c.Call("presets.load", {{"file", "relative.conf"}});
    CHECK(r["error"]["data"]["field"] == "file");
    r = c.Call("presets.load", {{"file", "/etc/passwd"}});
    CHECK(r["error"]["data"]["field"] == "file");
    r = c.Call("presets.load", {{"name", "x"}, {"file", "/x.conf"}});
    CHECK(r["error"]["code"] == -32602);
    r = c.Call("presets.load", {{"name", "missing"}});
    CHECK(ErrorCode(r) == "preset.not_found");
    CHECK(r["error"]["code"] == -32009);

    CHECK(dev->writes == writes);
    CHECK(dev->Get(2).numbers == std::vector<int64_t>{0});
}

TEST_CASE("a presets directory that cannot be written: storage.error with errno and path") {
    auto dev = TestData::SmallDevice();
    std::string blocked;
    Daemon d({{DEV, dev}}, {}, [&](Options& options) {
        blocked = options.presets_dir;
        options.presets_dir += "/sub";
    });
    /* A file where the directory would be: ENOTDIR, whoever runs the test. */
    Spit(blocked, "not a directory");
    auto c = d.Connect();
    auto r = c.Call("presets.save", {{"name", "a"}});
    CHECK(ErrorCode(r) == "storage.error");
    CHECK(r["error"]["code"] == -32011);
    CHECK(r["error"]["data"]["errno"] == ENOTDIR);
    CHECK(r["error"]["data"]["path"].get<std::string>().starts_with(blocked));
    CHECK(Slurp(blocked) == "not a directory");
}

TEST_CASE("an alsactl .state file loads as a preset") {
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    Spit(d.GetDir() + "/card.state", R"(state.USB {
	control.1 {
		iface MIXER
		name 'Mix A Input 01 Playback Volume'
		value 42
		comment { access 'read write' type INTEGER count 1 range '0 - 172' }
	}
	control.3 {
		iface MIXER
		name 'PCM 01 Capture Enum'
		value 'Analogue 2'
		comment { access 'read write' type ENUMERATED count 1
			item.0 Off item.1 'Analogue 1' item.2 'Analogue 2' }
	}
	control.4 {
		iface MIXER
		name 'Line 01 Playback Volume'
		value.0 5
		value.1 6
		comment { access 'read write' type INTEGER count 2 range '0 - 172' }
	}
	control.5 {
		iface MIXER
		name 'Sync Status'
		value Locked
		comment { access read type ENUMERATED count 1 item.0 Unlocked item.1 Locked }
	}
}
)");
    auto r = c.Call("presets.load", {{"file", d.GetDir() + "/card.state"}})["result"];
    CHECK(r["applied"] == 3);
    CHECK(r["skipped"].empty());
    CHECK(dev->Get(1).numbers == std::vector<int64_t>{42});
    CHECK(dev->Get(3).numbers == std::vector<int64_t>{2});
    CHECK(dev->Get(4).numbers == std::vector<int64_t>{5, 6});

    Spit(d.GetDir() + "/broken.state", "state.USB {\n\tcontrol.1 {\n");
    auto e = c.Call("presets.load", {{"file", d.GetDir() + "/broken.state"}});
    CHECK(ErrorCode(e) == "preset.invalid");
}

TEST_CASE("presets of an unplugged device can be listed and deleted, not loaded") {
    auto dev = TestData::SmallDevice();
    Daemon d({{DEV, dev}});
    auto c = d.Connect();
    REQUIRE(c.Call("presets.save", {{"name", "keep"}}).contains("result"));
    REQUIRE(c.Call("presets.save", {{"name", "drop"}}).contains("result"));
    dev->Unplug();
    for (int i = 0; i < 200 && c.Call("devices.list")["result"]["devices"][0]["online"] == true;
         ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(ErrorCode(c.Call("presets.load", {{"name", "keep"}})) == "device.offline");
    CHECK(c.Call("presets.list", {{"device", DEV}})["result"]["presets"].size() == 2);
    CHECK(c.Call("presets.delete", {{"device", DEV}, {"name", "drop"}}).contains("result"));
    auto r = c.Call("presets.delete", {{"device", DEV}, {"name", "drop"}});
    CHECK(ErrorCode(r) == "preset.not_found");
    auto list = c.Call("presets.list")["result"]["presets"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["name"] == "keep");
    CHECK(ErrorCode(c.Call("presets.list", {{"device", "nope"}})) == "device.not_found");
}
