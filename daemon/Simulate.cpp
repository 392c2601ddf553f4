// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/Simulate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "alsa/Identity.hpp"
#include "daemon/Log.hpp"
#include "event/ChildWatch.hpp"
#include "sim/SimDir.hpp"
#include "sim/models/Models.hpp"
#include "sim/plugin/PluginPaths.hpp"

namespace Simulate {
namespace {

constexpr int READY_TIMEOUT_MS = 10000;

bool Connects(const std::string& path, int type) {
    const int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path)) {
        close(fd);
        return false;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return ok;
}

/** Whether a simulator answers there (whichever socket type it uses). */
bool Listening(const std::string& path) {
    return Connects(path, SOCK_SEQPACKET) || Connects(path, SOCK_STREAM);
}

/** scarlett-sim next to this binary (installed), in this build tree, or on PATH. */
std::string FindSimulator() {
    if (const char* env = std::getenv("SCARLETT_SIM")) return env;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto beside = self.parent_path() / "scarlett-sim";
        if (access(beside.c_str(), X_OK) == 0) return beside;
    }
    if (access(SCARLETT_SIM_BUILD_EXE, X_OK) == 0) return SCARLETT_SIM_BUILD_EXE;
    return "scarlett-sim";
}

/** Starts `scarlett-sim serve` and waits for its "ready" on a pipe (no polling).
 *  @return its pid: the Instance watches it, and reaps it when it ends. */
pid_t Spawn(const Sim::Model& model) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
        throw std::runtime_error(std::string("pipe: ") + strerror(errno));
    const std::string simulator = FindSimulator();
    pid_t pid = -1;
    try {
        /* The virtual device goes away with the daemon that brought it. */
        pid = Event::SpawnProcess(
            {simulator, "serve", model.id, "--ready-fd", std::to_string(pipe_fds[1])},
            {pipe_fds[1]}, true);
    } catch (const std::exception& e) {
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        throw std::runtime_error("cannot start " + simulator + ": " + e.what());
    }
    close(pipe_fds[1]);
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    char buffer[64] = {};
    ssize_t n = 0;
    if (poll(&pfd, 1, READY_TIMEOUT_MS) > 0) n = read(pipe_fds[0], buffer, sizeof(buffer) - 1);
    close(pipe_fds[0]);
    if (n <= 0)
        throw std::runtime_error("the simulator for " + model.id + " (" + simulator +
                                 ") did not start; see its messages above");
    Log::Info("simulator for " + model.id + " started (pid " + std::to_string(pid) + ")");
    return pid;
}

}  // namespace

std::string ListModels() {
    std::string out;
    char line[256];
    for (const auto& model : Sim::Models()) {
        std::snprintf(line, sizeof(line), "%-22s %-28s %04x:%04x\n", model.id.c_str(),
                      model.name.c_str(), model.usb_vid, model.usb_pid);
        out += line;
    }
    return out;
}

void ConfigureAlsa() {
    if (std::getenv("ALSA_CONFIG_PATH")) return;
    if (access(SCARLETT_SIM_INSTALLED_CONF, R_OK) == 0) return;
    if (access(SCARLETT_SIM_BUILD_CONF, R_OK) != 0) return;
    const std::string path = std::string(SCARLETT_SIM_ALSA_CONF) + ":" + SCARLETT_SIM_BUILD_CONF;
    setenv("ALSA_CONFIG_PATH", path.c_str(), 1);
}

std::string Directory() {
    return Sim::SimDir().string();
}

SimulatedCard Prepare(const std::string& model_name) {
    const Sim::Model* model = Sim::FindModel(model_name);
    if (!model)
        throw std::runtime_error("unknown model '" + model_name +
                                 "'; 'scarlettd --list-models' lists them");
    SimulatedCard card;
    card.socket_path = Sim::SocketPath(model->id).string();
    if (!Listening(card.socket_path)) card.pid = Spawn(*model);

    char product[8];
    std::snprintf(product, sizeof(product), "%04x", model->usb_pid);
    char vendor[8];
    std::snprintf(vendor, sizeof(vendor), "%04x", model->usb_vid);
    auto& identity = card.identity;
    identity.card = -1;
    identity.ctl = "scarlett_sim:" + model->id;
    identity.card_id = model->id;
    identity.name = model->card_name;
    identity.longname = "Focusrite " + model->name + " (simulated, " + model->id + ")";
    identity.driver = "scarlett-sim";
    identity.usb = Alsa::UsbIdentity{vendor, product, "", ""};
    if (auto known = Alsa::LookupModel(vendor, product)) {
        identity.model = known->name;
        identity.family = known->family;
    } else {
        identity.model = model->name;
    }
    identity.id = "sim-" + Alsa::SanitiseId(model->id);
    return card;
}

}  // namespace Simulate
