// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "event/UniqueFd.hpp"

namespace Ipc {

/**
 * Creates a non-blocking, close-on-exec AF_UNIX stream socket listening on @p path,
 * whose file gets mode @p mode (umask around bind(), so never wider). A stale socket
 * file at @p path is unlinked first; a socket somebody still accepts on, or any
 * other kind of file, is refused. Throws std::system_error or std::runtime_error.
 */
Event::UniqueFd BindUnixSocket(const std::string& path, mode_t mode);

/** Checks that @p fd is a listening SOCK_STREAM socket and makes it non-blocking and
 *  close-on-exec. Throws std::invalid_argument, std::system_error. */
void PrepareListeningSocket(int fd);

/**
 * Reads and drops what the peer already sent (bounded, non-blocking). Closing a Unix
 * socket with unread input makes the peer's next read fail with ECONNRESET instead
 * of a clean EOF after our last line, which tools like socat report as an error.
 */
void DiscardInput(int fd) noexcept;

/** Who the peer of a connected Unix socket was at connect(): SO_PEERCRED, and its
 *  supplementary groups (SO_PEERGROUPS), the process's own, not the user database's. */
struct PeerCredentials {
    pid_t pid;
    uid_t uid;
    gid_t gid;
    std::vector<gid_t> groups;
};

/** @return std::nullopt if SO_PEERCRED failed (not a Unix socket, or an error); the
 *  groups are the user database's where SO_PEERGROUPS is missing (Linux < 4.13). */
std::optional<PeerCredentials> GetPeerCredentials(int fd) noexcept;

/** Who may talk to the daemon besides root: its own uid and, in system mode, the
 *  members of the sockets' group. */
struct PeerPolicy {
    std::optional<uid_t> uid;    // nullopt: no uid check at all
    std::optional<gid_t> group;  // members of this group are allowed too
};

/**
 * The authorisation: root, the policy's uid, or (with a group) a peer whose primary
 * gid or one of whose supplementary groups is the group. Without a uid in the policy
 * everyone is allowed.
 */
bool IsPeerAllowed(const PeerCredentials& peer, const PeerPolicy& policy);

/** getpwuid_r + getgrouplist: empty if the uid has no entry in the user database. */
std::vector<gid_t> GroupsOfUser(uid_t uid);

/** The path a listening Unix socket is bound to (getsockname), if it has one. */
std::optional<std::string> GetSocketPath(int fd);

}  // namespace Ipc
