// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The two listening sockets. Under socket activation the service manager owns them
 * and passes them in (a restart loses no connection attempt: the backlog stays with
 * systemd); otherwise, or for a kind it did not pass, we bind them ourselves.
 */
#include "daemon/Listen.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>
#include <system_error>

#include "daemon/Log.hpp"
#include "ipc/Socket.hpp"
#include "ipc/SocketDir.hpp"

namespace {

constexpr const char* SYSTEM_SOCKET_DIR = "/run/scarlettd";
constexpr const char* SYSTEM_SOCKET_GROUP = "audio";

/** By FileDescriptorName=, else by the file name it is bound to (one .socket unit
 *  for both, whose fds then share the unit's name). */
std::optional<Ipc::SocketKind> KindOf(const ListenSocket& socket) {
    if (socket.name == "control") return Ipc::SocketKind::Control;
    if (socket.name == "events") return Ipc::SocketKind::Events;
    const auto path = Ipc::GetSocketPath(socket.fd);
    if (!path) return std::nullopt;
    const std::string base = path->substr(path->rfind('/') + 1);
    if (base == "control.sock") return Ipc::SocketKind::Control;
    if (base == "events.sock") return Ipc::SocketKind::Events;
    return std::nullopt;
}

gid_t LookUpGroup(const std::string& name) {
    std::vector<char> buffer(16384);
    group entry{};
    group* found = nullptr;
    while (getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == ERANGE)
        buffer.resize(buffer.size() * 2);
    if (!found) throw std::runtime_error("--socket-group: no group named '" + name + "'");
    return found->gr_gid;
}

/** --system: the socket file's group is the policy the administrator chose
 *  (SocketGroup=, or --socket-group when we bound it): its members may connect, as
 *  may root and we. */
void SetUpPeerPolicy(Ipc::Server& server, const Options& options, const std::string& control_path) {
    if (!options.system) return;
    struct stat st {};
    if (control_path.empty() || stat(control_path.c_str(), &st) < 0)
        throw std::runtime_error("--system: cannot find the group of the control socket " +
                                 control_path);
    server.SetAllowedGroup(st.st_gid);
    Log::Info("peers allowed: root, uid " + std::to_string(geteuid()) + " and group " +
              std::to_string(st.st_gid));
}

}  // namespace

void Listen(Ipc::Server& server, const Options& options) {
    std::set<Ipc::SocketKind> adopted;
    std::string control_path;
    for (const auto& socket : options.listen_fds) {
        const auto kind = KindOf(socket);
        if (!kind || adopted.contains(*kind)) {
            Log::Warning("ignoring passed socket '" + socket.name + "' (fd " +
                         std::to_string(socket.fd) +
                         "): not control.sock or events.sock, or twice");
            ::close(socket.fd);
            continue;
        }
        if (*kind == Ipc::SocketKind::Control)
            control_path = Ipc::GetSocketPath(socket.fd).value_or("");
        server.Adopt(*kind, socket.fd);
        adopted.insert(*kind);
    }
    if (!adopted.empty())
        Log::Info("adopted " + std::to_string(adopted.size()) +
                  " socket(s) from the service manager");

    if (adopted.size() < 2) {
        auto dir_option = options.socket_dir;
        if (!dir_option && options.system) dir_option = SYSTEM_SOCKET_DIR;
        /* Group members must reach the sockets through the directory. */
        const std::string dir = Ipc::ResolveSocketDir(dir_option, options.system ? 0755 : 0700);
        const mode_t mode = options.system ? 0660 : 0600;
        std::optional<gid_t> group;
        if (options.system || options.socket_group)
            group = LookUpGroup(options.socket_group.value_or(SYSTEM_SOCKET_GROUP));
        for (auto kind : {Ipc::SocketKind::Control, Ipc::SocketKind::Events}) {
            if (adopted.contains(kind)) continue;
            const std::string path = kind == Ipc::SocketKind::Control ? Ipc::ControlSocketPath(dir)
                                                                      : Ipc::EventsSocketPath(dir);
            server.Listen(kind, path, mode);
            if (group && chown(path.c_str(), static_cast<uid_t>(-1), *group) < 0)
                throw std::system_error(errno, std::system_category(),
                                        "chown " + path + " to group " + std::to_string(*group));
            if (kind == Ipc::SocketKind::Control) control_path = path;
        }
        Log::Info("listening on " + dir);
    }
    SetUpPeerPolicy(server, options, control_path);
}
