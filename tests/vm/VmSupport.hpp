// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Helpers for the tests that run inside the VM (tests/vm/run.sh): processes, the
 * snd-dummy card, alsactl, the daemon, and turning a controls.list answer into a
 * Sim::StateBlock so that it can be compared with what `alsactl store` sees.
 */

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/StateFile.hpp"

namespace Vm {

using nlohmann::json;

struct RunResult {
    int status = -1;  // exit status, 128 + signal, or -1 when it could not start
    std::string output;
};

/** Runs argv (PATH lookup), stdout and stderr captured together; killed after timeout. */
RunResult Run(const std::vector<std::string>& argv, int timeout_ms = 60000);

/** Starts argv in the background with stdout/stderr appended to @p log_path. */
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path = "/dev/null");

/** Waits up to @p timeout_ms for @p pid; its status as in RunResult, nullopt if still running. */
std::optional<int> WaitFor(pid_t pid, int timeout_ms);

double SecondsSince(std::chrono::steady_clock::time_point start);

/** True inside the VM that run.sh boots (SCARLETTD_IN_VM and a kernel tree). */
bool InVm();

/** $SCARLETTD_SHARED_DIR (else the configured one)/fixtures/alsa-state. */
std::filesystem::path FixturesDir();
/** Seconds since the (VM's) kernel booted. */
double UptimeSeconds();
std::string BinaryPath(const std::string& relative);  // under SCARLETTD_BINARY_DIR

/** A fresh temporary directory (mode 0700), removed on destruction. */
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& Path() const { return path_; }

  private:
    std::string path_;
};

/** snd-dummy as card 0: loaded by the constructor, unloaded (if still loaded) at the end. */
class DummyCard {
  public:
    DummyCard();
    ~DummyCard();
    DummyCard(const DummyCard&) = delete;
    DummyCard& operator=(const DummyCard&) = delete;

    static void Load();
    /** rmmod; throws if it fails or takes longer than @p timeout_ms. */
    static void Unload(int timeout_ms = 20000);
    static bool IsLoaded();
};

/** `alsactl store` of card @p card, parsed. */
Sim::StateBlock StoreCard(int card = 0);

/** Runs scarlett-load-state; returns its summary line. Throws on failure. */
std::string LoadStateTool(const std::string& file, const std::string& block = "");

/** A uid/gid/supplementary groups for setpriv(1). */
struct User {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

struct DaemonOptions {
    /** Runs the daemon as this user (setpriv execs it: same pid); root if empty. */
    std::optional<User> user;
    std::vector<std::string> extra_args;
    /** No --card: the daemon finds Focusrite cards itself (USB vendor 0x1235). */
    bool discover = false;
};

/** scarlettd --card hw:0 --socket-dir <tmp> (no --card with options.discover),
 *  stopped by the destructor. */
class Daemon {
  public:
    explicit Daemon(const DaemonOptions& options = {});
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    pid_t Pid() const { return pid_; }
    std::string ControlSocket() const { return dir_.Path() + "/control.sock"; }
    std::string EventsSocket() const { return dir_.Path() + "/events.sock"; }
    std::string Log() const;
    /** True while the process runs. */
    bool Alive();
    double StartSeconds() const { return start_seconds_; }

  private:
    TempDir dir_;
    std::string log_path_;
    pid_t pid_ = -1;
    double start_seconds_ = 0;
};

/** utime + stime of a process (all threads), in clock ticks. */
long long CpuTicks(pid_t pid);

struct StraceCount {
    long long calls = 0;     // every syscall except the attach artefact below
    long long restarts = 0;  // restart_syscall: strace interrupting a blocked wait
    std::string table;       // strace's summary as printed
};
/** `strace -f -c -p pid` for @p seconds. */
StraceCount CountSyscalls(pid_t pid, int seconds);

/** How many of the process's timerfds are armed (it_value in /proc/PID/fdinfo not zero). */
int ArmedTimerfds(pid_t pid);

/** chown + chmod of a device node; throws on failure. */
void SetNodeAccess(const std::string& path, uid_t uid, gid_t gid, mode_t mode);
/** "root:audio 0660" (names where known, else numbers). */
std::string NodeAccess(const std::string& path);

/**
 * Debian's systemd-udevd, started with --daemon (udevd refuses to run in a chroot;
 * run.sh switches root onto a real overlay and /run is a tmpfs). The destructor stops
 * it and waits until no udevd process is left, so later tests see no udev at all.
 */
class Udevd {
  public:
    Udevd();
    ~Udevd();
    Udevd(const Udevd&) = delete;
    Udevd& operator=(const Udevd&) = delete;

    /** udevadm trigger --action=add for the sound subsystem, then settle. */
    static void TriggerSound();
    /** udevadm settle; throws if the queue does not drain within @p timeout_s. */
    static void Settle(int timeout_s = 20);
    /** Pids of udevd and its workers. */
    static std::vector<pid_t> Processes();
};

/** controls (full-form Control objects) as a state block, for Sim::CompareBlocks. */
Sim::StateBlock BlockFromControls(const json& controls);

/**
 * Every difference between the daemon's controls.list and the card's alsactl store:
 * names, iface, index, numid, type, count, access words alsactl knows, range, items,
 * values, dB range and dB values (within 0.01 dB).
 */
std::vector<std::string> CompareWithStore(const json& controls, const Sim::StateBlock& store);

/** The value in the protocol's JSON form for a state value (bool, number or label). */
json JsonValue(const Sim::StateControl& control, const std::string& value);

}  // namespace Vm
