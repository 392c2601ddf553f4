// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "daemon/Log.hpp"
#include "daemon/cards/Hotplug.hpp"
#include "event/EventLoop.hpp"

namespace {

/** A scratch "/dev": Hotplug watches DIR/snd, or DIR until snd appears. */
struct DevDir {
    std::string path;
    DevDir() {
        char tmpl[] = "/tmp/scarlettd-hotplug-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~DevDir() { std::filesystem::remove_all(path); }
    void Touch(const std::string& name) const {
        const int fd = creat((path + "/" + name).c_str(), 0600);
        REQUIRE(fd >= 0);
        close(fd);
    }
};

struct Watched {
    Event::EventLoop loop;
    int changes = 0;
    Hotplug hotplug;
    explicit Watched(const std::string& dev)
        : hotplug(
              loop, std::nullopt, [this]() noexcept { ++changes; }, dev) {}
    void Pump() {
        for (int i = 0; i < 5; ++i) loop.RunOnce(20);
    }
};

}  // namespace

TEST_CASE("Hotplug: a control node appearing or changing permissions is one change per batch") {
    DevDir dev;
    REQUIRE(mkdir((dev.path + "/snd").c_str(), 0755) == 0);
    Watched w(dev.path);
    w.hotplug.Start();
    w.Pump();
    CHECK(w.changes == 0);
    dev.Touch("snd/controlC3");
    dev.Touch("snd/controlC4");
    w.Pump();
    CHECK(w.changes == 1);
    REQUIRE(chmod((dev.path + "/snd/controlC3").c_str(), 0666) == 0);
    w.Pump();
    CHECK(w.changes == 2);
    /* Not a control node: no change. */
    dev.Touch("snd/pcmC3D0p");
    w.Pump();
    CHECK(w.changes == 2);
}

TEST_CASE("Hotplug: without /dev/snd it watches /dev, and /dev/snd once it appears") {
    DevDir dev;
    Watched w(dev.path);
    w.hotplug.Start();
    REQUIRE(mkdir((dev.path + "/snd").c_str(), 0755) == 0);
    w.Pump();
    CHECK(w.changes == 1);
    dev.Touch("snd/controlC0");
    w.Pump();
    CHECK(w.changes == 2);
}

TEST_CASE("Hotplug: a /dev/snd that exists but cannot be watched is reported, not looped on") {
    DevDir dev;
    /* A file, not a directory: the watch fails (ENOTDIR) though the path exists,
     * as it does with EACCES or when inotify watches are exhausted (ENOSPC). */
    dev.Touch("snd");
    std::vector<std::string> warnings;
    Log::SetMaxLevel(Log::Level::Warning);
    Log::SetSink([&](Log::Level level, std::string_view message, const Log::Fields&) {
        if (level == Log::Level::Warning) warnings.emplace_back(message);
    });
    Watched w(dev.path);
    w.hotplug.Start();
    Log::SetSink({});
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("/snd") != std::string::npos);
    CHECK(warnings[0].find("not seen") != std::string::npos);
}

TEST_CASE("Hotplug: an inotify queue overflow is a change (a plug may be among the lost events)") {
    DevDir dev;
    REQUIRE(mkdir((dev.path + "/snd").c_str(), 0755) == 0);
    Watched w(dev.path);
    w.hotplug.Start();
    /* More events than the default queue holds (16384), none of them a control node. */
    for (int i = 0; i < 17000; ++i) dev.Touch("snd/x" + std::to_string(i));
    w.Pump();
    CHECK(w.changes == 1);
}
