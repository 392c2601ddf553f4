// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "TempDir.hpp"
#include "daemon/state/KeyFile.hpp"
#include "daemon/state/PresetStore.hpp"
#include "daemon/state/Storage.hpp"

using State::PresetStore;

namespace {

using StateTest::TempDir;

void Put(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

State::Preset Make(const std::string& serial, size_t controls) {
    State::Preset p;
    p.serial = serial;
    p.model = "Scarlett 2i2 USB";
    for (size_t i = 0; i < controls; ++i)
        p.controls.push_back({"Control " + std::to_string(i), std::to_string(i), 0});
    return p;
}

std::vector<std::string> Names(const std::vector<PresetStore::Info>& list) {
    std::vector<std::string> out;
    for (const auto& i : list) out.push_back(i.serial + "/" + i.name);
    return out;
}

}  // namespace

TEST_CASE("Preset names are safe file-name parts") {
    for (const std::string& ok :
         std::vector<std::string>{"Studio", "mix 2", "a.b_c-d", "x", std::string(64, 'n')})
        CHECK(PresetStore::IsValidName(ok));
    for (const std::string& bad :
         std::vector<std::string>{"", ".hidden", "a/b", "..", "../x", std::string("a\0b", 3),
                                  std::string(65, 'n'), "tab\there", "ümlaut", "a\\b"})
        CHECK_FALSE(PresetStore::IsValidName(bad));
}

TEST_CASE("Presets are <serial>-<name>.conf, found as alsa-scarlett-gui finds them") {
    TempDir dir;
    const PresetStore store(dir.path + "/alsa-scarlett-gui");
    CHECK(store.List(std::nullopt).empty()); /* no directory yet: no presets */
    store.Write("P9ABCDEF", "Studio", Make("P9ABCDEF", 3), false);
    store.Write("P9ABCDEF", "Live", Make("P9ABCDEF", 2), false);
    store.Write("sim-scarlett-gen3-4i4", "Home", Make("sim-scarlett-gen3-4i4", 1), false);
    CHECK(std::filesystem::exists(dir.path + "/alsa-scarlett-gui/P9ABCDEF-Studio.conf"));
    /* What that program keeps beside them is not a preset. */
    Put(store.GetDirectory() + "/P9ABCDEF.conf", "[controls]\nPCM Out 1 Name=Vox\n");
    Put(store.GetDirectory() + "/.P9ABCDEF-init.conf", "[controls]\nA=1\n");
    Put(store.GetDirectory() + "/P9ABCDEF-notes.txt", "[controls]\n");
    Put(store.GetDirectory() + "/P9ABCDEF-garbage.conf", "not a key file\n");
    Put(store.GetDirectory() + "/P9ABCDEF-we!rd.conf", "[controls]\n");

    CHECK(Names(store.List("P9ABCDEF")) ==
          std::vector<std::string>{"P9ABCDEF/Live", "P9ABCDEF/Studio"});
    CHECK(
        Names(store.List(std::nullopt)) ==
        std::vector<std::string>{"P9ABCDEF/Live", "P9ABCDEF/Studio", "sim-scarlett-gen3-4i4/Home"});
    const auto info = store.Stat("P9ABCDEF", "Studio");
    CHECK(info.controls == 3);
    CHECK(info.model == "Scarlett 2i2 USB");
    CHECK(info.modified > 0);
    CHECK(store.Read("P9ABCDEF", "Live").controls.size() == 2);
}

TEST_CASE("Presets: exists, not found, overwrite, remove; a symlink is not followed") {
    TempDir dir;
    const PresetStore store(dir.path);
    store.Write("S1", "A", Make("S1", 1), false);
    CHECK_THROWS_AS(store.Write("S1", "A", Make("S1", 2), false), State::PresetExists);
    CHECK(store.Read("S1", "A").controls.size() == 1);
    store.Write("S1", "A", Make("S1", 2), true);
    CHECK(store.Read("S1", "A").controls.size() == 2);
    CHECK_THROWS_AS(store.Read("S1", "B"), State::PresetNotFound);
    CHECK_THROWS_AS(store.Read("S2", "A"), State::PresetNotFound);
    store.Remove("S1", "A");
    CHECK_THROWS_AS(store.Remove("S1", "A"), State::PresetNotFound);

    Put(dir.path + "/secret", "[controls]\nA=1\n");
    REQUIRE(symlink((dir.path + "/secret").c_str(), store.PathOf("S1", "link").c_str()) == 0);
    CHECK_THROWS_AS(store.Read("S1", "link"), State::StorageError);
    CHECK(store.List("S1").empty());
}

TEST_CASE("Presets: a file too large or unparsable is reported, never rewritten") {
    TempDir dir;
    const PresetStore store(dir.path);
    const std::string big = store.PathOf("S1", "big");
    Put(big, "[controls]\n" + std::string(PresetStore::MAX_FILE_SIZE, '#'));
    try {
        store.Read("S1", "big");
        FAIL("read");
    } catch (const State::StorageError& e) {
        CHECK(e.GetErrno() == EFBIG);
    }
    Put(store.PathOf("S1", "bad"), "[controls]\nA=1\nno equals sign\n");
    try {
        store.Read("S1", "bad");
        FAIL("read");
    } catch (const State::KeyFileError& e) {
        CHECK(e.GetLine() == 3);
    }
    CHECK(std::filesystem::file_size(big) > PresetStore::MAX_FILE_SIZE);
}
