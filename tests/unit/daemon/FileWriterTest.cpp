// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * FileWriter: a device's last state is written (with its fsyncs) on a thread of its
 * own, so that a slow disk never holds the loop; the newest content of a file wins,
 * a reader sees what is on its way, and the shutdown writes everything.
 */
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "Harness.hpp"
#include "daemon/FileWriter.hpp"
#include "daemon/state/Storage.hpp"
#include "event/EventLoop.hpp"

namespace {

/** A disk that takes as long as the test says: each write waits for Release(). */
struct SlowDisk {
    std::mutex mutex;
    std::condition_variable changed;
    int released = 0;
    int started = 0;
    std::vector<std::pair<std::string, std::string>> written;

    FileWriter::WriteFunction Function() {
        return [this](const std::string& path, const std::string& content, unsigned) {
            std::unique_lock lock(mutex);
            ++started;
            changed.notify_all();
            changed.wait(lock, [&] { return released > static_cast<int>(written.size()); });
            written.emplace_back(path, content);
            changed.notify_all();
        };
    }
    void Release(int n = 1) {
        std::lock_guard lock(mutex);
        released += n;
        changed.notify_all();
    }
    void AwaitStarted(int n) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return started >= n; });
    }
    size_t Written() {
        std::lock_guard lock(mutex);
        return written.size();
    }
};

bool RunUntil(Event::EventLoop& loop, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        loop.RunOnce(10);
    }
    return true;
}

}  // namespace

TEST_CASE("FileWriter: the loop goes on while the disk writes; the outcome comes back on it") {
    Event::EventLoop loop;
    SlowDisk disk;
    FileWriter writer(loop, disk.Function());
    int told = 0;
    std::exception_ptr outcome = std::make_exception_ptr(std::runtime_error("not told"));
    writer.Write("/state/last/a.conf", "one", 0600, [&](std::exception_ptr error) noexcept {
        ++told;
        outcome = error;
    });
    /* The disk has not written anything yet, and the loop is free. */
    for (int i = 0; i < 5; ++i) loop.RunOnce(0);
    CHECK(disk.Written() == 0);
    CHECK(told == 0);
    CHECK(writer.Pending("/state/last/a.conf") == "one");
    CHECK(writer.Pending("/state/last/b.conf") == std::nullopt);
    disk.Release();
    REQUIRE(RunUntil(loop, [&] { return told == 1; }));
    CHECK(!outcome);
    CHECK(disk.written ==
          std::vector<std::pair<std::string, std::string>>{{"/state/last/a.conf", "one"}});
    CHECK(writer.Pending("/state/last/a.conf") == std::nullopt);
}

TEST_CASE("FileWriter: a write not started yet is replaced by a newer one of the same file") {
    Event::EventLoop loop;
    SlowDisk disk;
    FileWriter writer(loop, disk.Function());
    int told = 0;
    const auto count = [&](std::exception_ptr) noexcept { ++told; };
    writer.Write("a", "1", 0600, count);
    /* The first is running (it waits for the disk); the next ones queue. */
    disk.AwaitStarted(1);
    writer.Write("a", "2", 0600, count);
    writer.Write("b", "x", 0600, count);
    writer.Write("a", "3", 0600, count);
    CHECK(writer.Pending("a") == "3");
    CHECK(writer.Pending("b") == "x");
    disk.Release(10);
    REQUIRE(RunUntil(loop, [&] { return told == 4; }));
    /* "2" never reached the disk; the order of the files is kept. */
    CHECK(disk.written ==
          std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"a", "3"}, {"b", "x"}});
}

TEST_CASE("FileWriter: a write that fails says why; destroying it writes what is queued") {
    const TestData::StateDir dir;
    Event::EventLoop loop;
    {
        FileWriter writer(loop);
        std::exception_ptr failure;
        bool told = false;
        writer.Write(dir.path + "/missing/x.conf", "x", 0600,
                     [&](std::exception_ptr error) noexcept {
                         told = true;
                         failure = error;
                     });
        REQUIRE(RunUntil(loop, [&] { return told; }));
        REQUIRE(failure);
        CHECK_THROWS_AS(std::rethrow_exception(failure), State::StorageError);
        for (int i = 0; i < 20; ++i)
            writer.Write(dir.path + "/f" + std::to_string(i), std::to_string(i), 0600,
                         [](std::exception_ptr) noexcept {});
    }
    for (int i = 0; i < 20; ++i)
        CHECK(TestData::Slurp(dir.path + "/f" + std::to_string(i)) == std::to_string(i));
}
