// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/SocketDir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "event/UniqueFd.hpp"

namespace Ipc {

namespace {

[[noreturn]] void ThrowErrno(int error, const std::string& what) {
    throw std::system_error(error, std::system_category(), what);
}

std::string StripTrailingSlashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

std::string ChooseDir(std::optional<std::string> override) {
    if (override) {
        if (override->empty()) throw std::runtime_error("--socket-dir must not be empty");
        return StripTrailingSlashes(std::filesystem::absolute(*override).string());
    }
    const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (runtime_dir == nullptr || *runtime_dir == '\0')
        throw std::runtime_error(
            "XDG_RUNTIME_DIR is not set, so there is no private place for the sockets; "
            "log in through a session that sets it (systemd --user does), or pass "
            "--socket-dir DIR or set SCARLETTD_SOCKET_DIR=DIR for the daemon and its "
            "clients (scarlettd never falls back to /tmp)");
    /* The XDG Base Directory specification says to ignore relative paths. */
    if (runtime_dir[0] != '/')
        throw std::runtime_error(std::string("XDG_RUNTIME_DIR is not an absolute path: ") +
                                 runtime_dir + "; pass --socket-dir DIR");
    return StripTrailingSlashes(runtime_dir) + "/scarlettd";
}

}  // namespace

std::string ResolveSocketDir(std::optional<std::string> override, mode_t mode) {
    const std::string dir = ChooseDir(std::move(override));

    if (mkdir(dir.c_str(), mode) < 0 && errno != EEXIST) {
        if (errno == ENOENT)
            throw std::runtime_error("cannot create socket directory " + dir +
                                     ": its parent does not exist");
        ThrowErrno(errno, "mkdir " + dir);
    }

    /* Check and fix through one descriptor so a rename between the checks cannot
     * redirect the chmod; O_NOFOLLOW refuses a symlink in the last component. */
    Event::UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ELOOP || errno == ENOTDIR)
            throw std::runtime_error("socket directory " + dir +
                                     " is a symlink or not a directory; refusing it");
        ThrowErrno(errno, "open " + dir);
    }
    struct stat st {};
    if (fstat(fd.Get(), &st) < 0) ThrowErrno(errno, "fstat " + dir);
    if (st.st_uid != geteuid())
        throw std::runtime_error("socket directory " + dir + " is owned by uid " +
                                 std::to_string(st.st_uid) + ", not by uid " +
                                 std::to_string(geteuid()) + "; refusing it");
    if ((st.st_mode & 07777) != mode && fchmod(fd.Get(), mode) < 0)
        ThrowErrno(errno, "chmod " + dir);
    return dir;
}

std::string ControlSocketPath(const std::string& dir) {
    return dir + "/control.sock";
}

std::string EventsSocketPath(const std::string& dir) {
    return dir + "/events.sock";
}

}  // namespace Ipc
