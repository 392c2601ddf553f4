// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "TempDir.hpp"
#include "daemon/state/Storage.hpp"

namespace {

using StateTest::TempDir;

std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t CountEntries(const std::string& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

int ErrnoOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const State::StorageError& e) {
        return e.GetErrno();
    }
    return 0;
}

}  // namespace

TEST_CASE("WriteAtomically replaces a file whole and leaves no temporary behind") {
    TempDir dir;
    const std::string file = dir.path + "/a.conf";
    State::WriteAtomically(file, "first\n", 0600);
    CHECK(Slurp(file) == "first\n");
    struct stat st {};
    REQUIRE(stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    State::WriteAtomically(file, std::string(100000, 'x'));
    CHECK(Slurp(file) == std::string(100000, 'x'));
    CHECK(CountEntries(dir.path) == 1);
}

TEST_CASE("WriteAtomically fails with errno and path, and changes nothing") {
    TempDir dir;
    const std::string file = dir.path + "/a.conf";
    State::WriteAtomically(file, "kept\n");
    SUBCASE("a directory that does not exist") {
        CHECK(ErrnoOf([&] { State::WriteAtomically(dir.path + "/no/b.conf", "x"); }) == ENOENT);
    }
    SUBCASE("a read-only directory") {
        if (geteuid() == 0) return; /* root writes anyway; the full disk case below holds */
        REQUIRE(chmod(dir.path.c_str(), 0500) == 0);
        CHECK(ErrnoOf([&] { State::WriteAtomically(file, "new\n"); }) == EACCES);
        chmod(dir.path.c_str(), 0700);
    }
    SUBCASE(
        "a full disk (/dev/full as the temporary file's device is not possible: a "
        "target that is a directory fails at rename)") {
        const std::string sub = dir.path + "/sub";
        REQUIRE(mkdir(sub.c_str(), 0700) == 0);
        CHECK(ErrnoOf([&] { State::WriteAtomically(sub, "x"); }) == EISDIR);
    }
    try {
        State::WriteAtomically(dir.path + "/no/b.conf", "x");
        FAIL("no error");
    } catch (const State::StorageError& e) {
        CHECK(e.GetPath() == dir.path + "/no/b.conf");
    }
    CHECK(Slurp(file) == "kept\n");
    CHECK(CountEntries(dir.path) == (std::filesystem::exists(dir.path + "/sub") ? 2 : 1));
}

TEST_CASE("A writer killed at any instant leaves the old file or the new one") {
    TempDir dir;
    const std::string file = dir.path + "/state.conf";
    const std::string a(200000, 'a'), b(300000, 'b');
    State::WriteAtomically(file, a);
    for (int round = 0; round < 40; ++round) {
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            for (int i = 0;; ++i) State::WriteAtomically(file, i % 2 ? a : b);
        }
        usleep(static_cast<useconds_t>(1000 + round * 250));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        const std::string now = Slurp(file);
        CHECK((now == a || now == b));
    }
}

TEST_CASE("RemoveStaleTemporaries removes WriteAtomically's leftovers and nothing else") {
    TempDir dir;
    for (const char* name : {".a.conf.tmp123", ".sim-x.json.tmp4294967295", "a.conf", ".a.conf",
                             ".a.conf.tmp", ".a.conf.tmp12x", "b.conf.tmp5", "a.conf.XYZ123"})
        std::ofstream(dir.path + "/" + name) << "x";
    CHECK(State::RemoveStaleTemporaries(dir.path) == 2);
    CHECK(CountEntries(dir.path) == 6);
    CHECK(!std::filesystem::exists(dir.path + "/.a.conf.tmp123"));
    CHECK(State::RemoveStaleTemporaries(dir.path + "/missing") == 0);
}

TEST_CASE("ReadBounded reads regular files within the bound only") {
    TempDir dir;
    const std::string file = dir.path + "/p.conf";
    State::WriteAtomically(file, "hello");
    CHECK(State::ReadBounded(file, 5) == "hello");
    CHECK(ErrnoOf([&] { State::ReadBounded(file, 4); }) == EFBIG);
    CHECK(ErrnoOf([&] { State::ReadBounded(dir.path, 100); }) == EISDIR);
    CHECK(ErrnoOf([&] { State::ReadBounded(dir.path + "/none", 100); }) == ENOENT);
    const std::string fifo = dir.path + "/fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(ErrnoOf([&] { State::ReadBounded(fifo, 100); }) == EINVAL);
    const std::string link = dir.path + "/link.conf";
    REQUIRE(symlink(file.c_str(), link.c_str()) == 0);
    CHECK(State::ReadBounded(link, 100) == "hello");
    CHECK(ErrnoOf([&] { State::ReadBounded(link, 100, false); }) == EPERM);
}

TEST_CASE("MakeDirectories creates the missing levels and refuses a file in the way") {
    TempDir dir;
    State::MakeDirectories(dir.path + "/a/b/c", 0700);
    CHECK(std::filesystem::is_directory(dir.path + "/a/b/c"));
    State::MakeDirectories(dir.path + "/a/b/c");
    State::WriteAtomically(dir.path + "/f", "");
    CHECK(ErrnoOf([&] { State::MakeDirectories(dir.path + "/f"); }) == ENOTDIR);
}
