// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/SimDir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace Sim {

namespace {

std::filesystem::path BaseDir() {
    if (const char* dir = std::getenv("SCARLETT_SIM_DIR"); dir != nullptr && *dir != '\0')
        return dir;
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR");
        runtime != nullptr && *runtime != '\0')
        return std::filesystem::path(runtime) / "scarlett-sim";
    const std::string uid = std::to_string(::getuid());
    const std::filesystem::path run_user = "/run/user/" + uid;
    /* Containers and plain root shells often have no logind runtime directory. */
    std::error_code ignored;
    if (std::filesystem::is_directory(run_user, ignored)) return run_user / "scarlett-sim";
    return "/tmp/scarlett-sim-" + uid;
}

}  // namespace

std::filesystem::path SimDir() {
    const auto dir = BaseDir();
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw std::system_error(errno, std::generic_category(), "cannot create " + dir.string());
    /* The fallback lives in /tmp, where anyone may have made it first: like the
     * daemon's socket directory, it must be ours, private, and not a symlink. Checked
     * and fixed through one descriptor, so a rename in between cannot redirect them. */
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            throw std::runtime_error("cannot use " + dir.string() +
                                     ": a symlink or not a directory; remove it");
        throw std::system_error(errno, std::generic_category(), "cannot use " + dir.string());
    }
    struct stat info {};
    const bool ok = ::fstat(fd, &info) == 0;
    const int error = errno;
    if (ok && info.st_uid == ::geteuid() && (info.st_mode & 0077) != 0) ::fchmod(fd, 0700);
    ::close(fd);
    if (!ok) throw std::system_error(error, std::generic_category(), "cannot use " + dir.string());
    if (info.st_uid != ::geteuid())
        throw std::runtime_error("cannot use " + dir.string() + ": owned by uid " +
                                 std::to_string(info.st_uid) + ", not by uid " +
                                 std::to_string(::geteuid()));
    return dir;
}

bool IsValidInstanceName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64 || name[0] == '.' || name[0] == '-') return false;
    for (const char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

static std::filesystem::path PathFor(std::string_view name, const char* suffix) {
    if (!IsValidInstanceName(name))
        throw std::invalid_argument("invalid simulator name '" + std::string(name) +
                                    "' (use letters, digits, '.', '_' and '-')");
    return SimDir() / (std::string(name) + suffix);
}

std::filesystem::path SocketPath(std::string_view name) {
    return PathFor(name, ".sock");
}

std::filesystem::path ControlSocketPath(std::string_view name) {
    return PathFor(name, ".ctl");
}

std::string CardIdFor(std::string_view name) {
    std::string id;
    for (const char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) continue;
        if (id.empty() && std::isdigit(static_cast<unsigned char>(c))) id += 'D';
        id += c;
        if (id.size() == 15) break;
    }
    return id.empty() ? "Default" : id;
}

}  // namespace Sim
