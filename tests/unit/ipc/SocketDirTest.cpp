// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "ipc/SocketDir.hpp"

namespace {

mode_t ModeOf(const std::string& path) {
    struct stat st {};
    REQUIRE(lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/** A temporary directory plus a saved XDG_RUNTIME_DIR, both restored afterwards. */
struct Environment {
    std::string root;
    std::optional<std::string> saved;
    Environment() {
        char name[] = "/tmp/scd-ipc-test-XXXXXX";
        REQUIRE(mkdtemp(name) != nullptr);
        root = name;
        if (const char* value = std::getenv("XDG_RUNTIME_DIR")) saved = value;
    }
    ~Environment() {
        if (saved)
            setenv("XDG_RUNTIME_DIR", saved->c_str(), 1);
        else
            unsetenv("XDG_RUNTIME_DIR");
        std::filesystem::remove_all(root);
    }
};

}  // namespace

TEST_CASE("The socket directory is $XDG_RUNTIME_DIR/scarlettd with mode 0700") {
    Environment env;
    setenv("XDG_RUNTIME_DIR", (env.root + "/").c_str(), 1);
    const std::string dir = Ipc::ResolveSocketDir(std::nullopt);
    CHECK(dir == env.root + "/scarlettd");
    CHECK(ModeOf(dir) == 0700);
    CHECK(Ipc::ControlSocketPath(dir) == dir + "/control.sock");
    CHECK(Ipc::EventsSocketPath(dir) == dir + "/events.sock");

    SUBCASE("an existing directory with a wider mode is fixed") {
        REQUIRE(chmod(dir.c_str(), 0755) == 0);
        CHECK(Ipc::ResolveSocketDir(std::nullopt) == dir);
        CHECK(ModeOf(dir) == 0700);
    }
    SUBCASE("a symlink is refused") {
        REQUIRE(rmdir(dir.c_str()) == 0);
        REQUIRE(mkdir((env.root + "/elsewhere").c_str(), 0700) == 0);
        REQUIRE(symlink((env.root + "/elsewhere").c_str(), dir.c_str()) == 0);
        CHECK_THROWS_WITH_AS(Ipc::ResolveSocketDir(std::nullopt), doctest::Contains("symlink"),
                             std::runtime_error);
    }
    SUBCASE("a directory owned by another uid is refused") {
        if (geteuid() != 0) {
            MESSAGE("skipped: needs root to chown");
            return;
        }
        REQUIRE(chown(dir.c_str(), 65534, 65534) == 0);
        CHECK_THROWS_WITH_AS(Ipc::ResolveSocketDir(std::nullopt),
                             doctest::Contains("owned by uid 65534"), std::runtime_error);
    }
}

TEST_CASE("Without XDG_RUNTIME_DIR or --socket-dir there is no socket directory") {
    Environment env;
    unsetenv("XDG_RUNTIME_DIR");
    CHECK_THROWS_WITH_AS(Ipc::ResolveSocketDir(std::nullopt),
                         doctest::Contains("XDG_RUNTIME_DIR is not set"), std::runtime_error);
    setenv("XDG_RUNTIME_DIR", "", 1);
    CHECK_THROWS_AS(Ipc::ResolveSocketDir(std::nullopt), std::runtime_error);
    setenv("XDG_RUNTIME_DIR", "relative/dir", 1);
    CHECK_THROWS_WITH_AS(Ipc::ResolveSocketDir(std::nullopt), doctest::Contains("absolute"),
                         std::runtime_error);
}

TEST_CASE("--socket-dir overrides XDG_RUNTIME_DIR and is created 0700") {
    Environment env;
    unsetenv("XDG_RUNTIME_DIR");
    const std::string wanted = env.root + "/custom";
    CHECK(Ipc::ResolveSocketDir(wanted + "/") == wanted);
    CHECK(ModeOf(wanted) == 0700);
    CHECK_THROWS_WITH_AS(Ipc::ResolveSocketDir(env.root + "/missing/parent"),
                         doctest::Contains("parent does not exist"), std::runtime_error);

    SUBCASE("a system-wide install may ask for another mode") {
        CHECK(Ipc::ResolveSocketDir(wanted, 0750) == wanted);
        CHECK(ModeOf(wanted) == 0750);
    }
    SUBCASE("a regular file is refused") {
        const std::string file = env.root + "/file";
        REQUIRE(std::fopen(file.c_str(), "w") != nullptr);
        CHECK_THROWS_WITH_AS(Ipc::ResolveSocketDir(file), doctest::Contains("not a directory"),
                             std::runtime_error);
    }
}
