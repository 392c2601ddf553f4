// SPDX-License-Identifier: GPL-3.0-or-later
#include "ipc/Socket.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace Ipc {

namespace {

[[noreturn]] void ThrowErrno(const std::string& what) {
    throw std::system_error(errno, std::system_category(), what);
}

sockaddr_un MakeAddress(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    /* A leading NUL would make an abstract socket, which has no permission checks. */
    if (path.empty() || path[0] != '/')
        throw std::runtime_error("socket path must be absolute: \"" + path + "\"");
    if (path.size() >= sizeof(address.sun_path))
        throw std::runtime_error("socket path is longer than " +
                                 std::to_string(sizeof(address.sun_path) - 1) + " bytes: " + path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

/** Unlinks a socket file nobody listens on; throws if it is live or not a socket. */
void RemoveStaleSocket(const std::string& path, const sockaddr_un& address) {
    struct stat st {};
    if (lstat(path.c_str(), &st) < 0) {
        if (errno == ENOENT) return;
        ThrowErrno("lstat " + path);
    }
    if (!S_ISSOCK(st.st_mode))
        throw std::runtime_error(path + " exists and is not a socket; not removing it");

    /* Probe without blocking: a full backlog answers EAGAIN, which still means live. */
    Event::UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!probe) ThrowErrno("socket");
    if (connect(probe.Get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 ||
        errno == EAGAIN || errno == EINPROGRESS)
        throw std::runtime_error("another process is already listening on " + path);
    if (errno != ECONNREFUSED && errno != ENOENT) ThrowErrno("connect " + path);
    if (unlink(path.c_str()) < 0 && errno != ENOENT) ThrowErrno("unlink " + path);
}

}  // namespace

Event::UniqueFd BindUnixSocket(const std::string& path, mode_t mode) {
    const sockaddr_un address = MakeAddress(path);
    RemoveStaleSocket(path, address);

    Event::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) ThrowErrno("socket");
    /* bind() creates the inode with 0777 & ~umask: set the umask so the socket is
     * never reachable with a wider mode, even briefly. The loop is single-threaded. */
    const mode_t old_umask = umask(~mode & 0777);
    const int bound = bind(fd.Get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    const int bind_errno = errno;
    umask(old_umask);
    if (bound < 0) {
        errno = bind_errno;
        ThrowErrno("bind " + path);
    }
    if (listen(fd.Get(), SOMAXCONN) < 0) ThrowErrno("listen " + path);
    return fd;
}

void PrepareListeningSocket(int fd) {
    int type = 0;
    int listening = 0;
    socklen_t length = sizeof(type);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) < 0)
        throw std::invalid_argument("fd " + std::to_string(fd) + " is not a socket");
    length = sizeof(listening);
    if (type != SOCK_STREAM || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) < 0 ||
        !listening)
        throw std::invalid_argument("fd " + std::to_string(fd) +
                                    " is not a listening stream socket");
    const int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) ThrowErrno("fcntl(O_NONBLOCK)");
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) ThrowErrno("fcntl(FD_CLOEXEC)");
}

void DiscardInput(int fd) noexcept {
    char sink[4096];
    for (int i = 0; i < 64 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; ++i) {
    }
}

std::optional<PeerCredentials> GetPeerCredentials(int fd) noexcept {
    try {
        ucred credentials{};
        socklen_t length = sizeof(credentials);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) < 0) return std::nullopt;
        PeerCredentials peer{credentials.pid, credentials.uid, credentials.gid, {}};
        peer.groups.resize(16);
        for (;;) {
            length = static_cast<socklen_t>(peer.groups.size() * sizeof(gid_t));
            if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, peer.groups.data(), &length) == 0) {
                peer.groups.resize(length / sizeof(gid_t));
                return peer;
            }
            /* ERANGE says how much room the list needs. */
            if (errno != ERANGE) break;
            peer.groups.resize(length / sizeof(gid_t) + 1);
        }
        peer.groups = GroupsOfUser(peer.uid);
        return peer;
    } catch (const std::bad_alloc&) {
        return std::nullopt;
    }
}

bool IsPeerAllowed(const PeerCredentials& peer, const PeerPolicy& policy) {
    if (!policy.uid || peer.uid == 0 || peer.uid == *policy.uid) return true;
    if (!policy.group) return false;
    if (peer.gid == *policy.group) return true;
    return std::find(peer.groups.begin(), peer.groups.end(), *policy.group) != peer.groups.end();
}

std::vector<gid_t> GroupsOfUser(uid_t uid) {
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
    passwd entry{};
    passwd* found = nullptr;
    while (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == ERANGE)
        buffer.resize(buffer.size() * 2);
    if (!found) return {};
    int count = 32;
    std::vector<gid_t> groups(static_cast<size_t>(count));
    /* getgrouplist reports the needed size when the array is too small. */
    while (getgrouplist(found->pw_name, found->pw_gid, groups.data(), &count) < 0)
        groups.resize(static_cast<size_t>(count));
    groups.resize(static_cast<size_t>(count));
    return groups;
}

std::optional<std::string> GetSocketPath(int fd) {
    sockaddr_un address{};
    socklen_t length = sizeof(address);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) < 0 ||
        address.sun_family != AF_UNIX || length <= offsetof(sockaddr_un, sun_path) ||
        address.sun_path[0] == '\0')
        return std::nullopt;
    return std::string(address.sun_path,
                       strnlen(address.sun_path, length - offsetof(sockaddr_un, sun_path)));
}

}  // namespace Ipc
