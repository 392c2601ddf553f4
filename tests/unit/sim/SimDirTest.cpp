// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "sim/SimDir.hpp"

namespace {

/** A scratch parent for SCARLETT_SIM_DIR, restored afterwards. */
struct Scratch {
    std::string parent;
    Scratch() {
        char tmpl[] = "/tmp/scarlettd-simdir-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        parent = tmpl;
    }
    ~Scratch() {
        unsetenv("SCARLETT_SIM_DIR");
        std::filesystem::remove_all(parent);
    }
    std::string Use(const std::string& name) const {
        const std::string dir = parent + "/" + name;
        setenv("SCARLETT_SIM_DIR", dir.c_str(), 1);
        return dir;
    }
};

/** The permission bits of @p path. */
mode_t Mode(const std::string& path) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("SimDir makes a private directory, and refuses one it cannot trust") {
    Scratch scratch;
    SUBCASE("created 0700") {
        const std::string dir = scratch.Use("fresh");
        CHECK(Sim::SimDir() == dir);
        CHECK(Mode(dir) == 0700);
    }
    SUBCASE("ours but open to others: made private again") {
        const std::string dir = scratch.Use("loose");
        REQUIRE(mkdir(dir.c_str(), 0777) == 0);
        REQUIRE(chmod(dir.c_str(), 0777) == 0);
        CHECK(Sim::SimDir() == dir);
        CHECK(Mode(dir) == 0700);
    }
    SUBCASE("a symlink (someone else's directory, planted in /tmp) is refused") {
        const std::string dir = scratch.Use("link");
        REQUIRE(mkdir((scratch.parent + "/elsewhere").c_str(), 0700) == 0);
        REQUIRE(symlink((scratch.parent + "/elsewhere").c_str(), dir.c_str()) == 0);
        CHECK_THROWS_WITH_AS(Sim::SimDir(), doctest::Contains("symlink"), std::runtime_error);
    }
    SUBCASE("owned by another user is refused") {
        if (geteuid() != 0) return;  // only root can make one to test with
        const std::string dir = scratch.Use("theirs");
        REQUIRE(mkdir(dir.c_str(), 0700) == 0);
        REQUIRE(chown(dir.c_str(), 65534, 65534) == 0);
        CHECK_THROWS_WITH_AS(Sim::SimDir(), doctest::Contains("owned by uid 65534"),
                             std::runtime_error);
    }
}
