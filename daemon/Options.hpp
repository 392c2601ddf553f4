// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alsa/Card.hpp"
#include "ipc/Limits.hpp"

/** A virtual device (--simulate): served while its simulator's socket exists. */
struct SimulatedCard {
    Alsa::CardIdentity identity;  // ctl "scarlett_sim:NAME", id "sim-NAME"
    std::string socket_path;      // the simulator listens here while "plugged in"
    pid_t pid = -1;               // the simulator we started, -1 if one was running
};

/** A listening socket handed over by the service manager (socket activation). */
struct ListenSocket {
    int fd;
    std::string name;  // FileDescriptorName=: "control", "events", or anything else
};

/** Everything the command line and the environment decide (scarlettd(8)). */
struct Options {
    std::vector<std::string> cards;  // --card NAME, repeatable
    std::vector<SimulatedCard> simulated;
    /* Where simulators' sockets appear and vanish (watched like /dev/snd). */
    std::optional<std::string> simulator_dir;
    bool all_cards = false;
    std::optional<std::string> socket_dir;
    Ipc::Limits limits;
    /* Adopted instead of binding; a kind missing here is bound as without them. */
    std::vector<ListenSocket> listen_fds;
    /* --system: sockets 0660 in /run/scarlettd, group members may connect. */
    bool system = false;
    std::optional<std::string> socket_group;  // --socket-group; "audio" under --system
    /* Where presets live (protocol 1.1 §1): --presets-dir, else alsa-scarlett-gui's
     * directory, /var/lib/scarlettd/presets with --system; empty when neither HOME
     * nor XDG_CONFIG_HOME says where (the preset methods then fail with storage.error). */
    std::string presets_dir;
    /* Where the daemon keeps each device's settings and last state (protocol 1.1 §2):
     * --state-dir, else $XDG_CONFIG_HOME/scarlettd, /var/lib/scarlettd with --system;
     * empty: nothing is kept across restarts. */
    std::string state_dir;
    /* How long after a device's first change its last state is written, and so how
     * often at most while changes go on (protocol 1.1 §2: 2 s; tests shorten it). */
    std::chrono::milliseconds record_delay{2000};
    /* How long an operation on a card may go without an answer before the card is
     * unresponsive (device.busy) and the loop stops waiting for it. A live device
     * answers in milliseconds; the kernel gives up on a USB transfer after seconds. */
    std::chrono::milliseconds io_bound{500};
    /* Where /etc, /lib and /var are looked up for the alsa-restore check (tests). */
    std::filesystem::path root = "/";

    /* Seams for in-process tests; empty means the real ALSA discovery and backend. */
    std::function<std::vector<Alsa::CardIdentity>()> discover;
    std::function<std::unique_ptr<Alsa::Card>(const std::string& ctl, Alsa::CardListener&)>
        open_card;
    bool watch_dev_snd = true;
};
