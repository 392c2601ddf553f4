// SPDX-License-Identifier: GPL-3.0-or-later
#include "VmSupport.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace Vm {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void ChildExec(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    dprintf(2, "cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
}

int DecodeStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string Env(const char* name, const char* fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

std::string Upper(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

}  // namespace

RunResult Run(const std::vector<std::string>& argv, int timeout_ms) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return {};
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return {};
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) dup2(null_fd, 0);
        ChildExec(argv);
    }
    close(fds[1]);
    RunResult result;
    auto start = std::chrono::steady_clock::now();
    while (true) {
        int left = timeout_ms - static_cast<int>(SecondsSince(start) * 1000);
        pollfd pfd{fds[0], POLLIN, 0};
        int ready = poll(&pfd, 1, left > 0 ? left : 0);
        if (ready <= 0) {
            kill(pid, SIGKILL);
            result.output += "\n[killed after " + std::to_string(timeout_ms) + " ms]";
            break;
        }
        char buffer[4096];
        ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        result.output.append(buffer, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = DecodeStatus(status);
    return result;
}

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
    pid_t pid = fork();
    if (pid == 0) {
        int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log_fd >= 0) {
            dup2(log_fd, 1);
            dup2(log_fd, 2);
        }
        int null_fd = open("/dev/null", O_RDONLY);
        if (null_fd >= 0) dup2(null_fd, 0);
        ChildExec(argv);
    }
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    return pid;
}

std::optional<int> WaitFor(pid_t pid, int timeout_ms) {
    auto start = std::chrono::steady_clock::now();
    while (true) {
        int status = 0;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return DecodeStatus(status);
        if (done < 0 && errno != EINTR) return -1;
        if (SecondsSince(start) * 1000 >= timeout_ms) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool InVm() {
    return std::getenv("SCARLETTD_IN_VM") && std::getenv("SCARLETTD_VM_TREE") &&
           fs::is_directory(Env("SCARLETTD_VM_TREE", ""));
}

fs::path FixturesDir() {
    // The environment wins so that one build can be pointed elsewhere (run.sh passes it on).
    return fs::path(Env("SCARLETTD_SHARED_DIR", SCARLETTD_SHARED_DIR)) / "fixtures" / "alsa-state";
}

double UptimeSeconds() {
    std::ifstream in("/proc/uptime");
    double seconds = 0;
    in >> seconds;
    return seconds;
}

std::string BinaryPath(const std::string& relative) {
    return std::string(SCARLETTD_BINARY_DIR) + "/" + relative;
}

TempDir::TempDir() {
    std::string pattern = Env("TMPDIR", "/tmp") + "/scd-vmtest.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buffer.data();
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

DummyCard::DummyCard() {
    if (IsLoaded()) Unload();
    Load();
}

DummyCard::~DummyCard() {
    try {
        if (IsLoaded()) Unload();
    } catch (...) {
        // A destructor cannot report; the next DummyCard fails loudly instead.
    }
}

void DummyCard::Load() {
    auto result = Run({"modprobe", "-d", Env("SCARLETTD_VM_TREE", "/"), "snd-dummy"});
    if (result.status != 0) throw std::runtime_error("modprobe snd-dummy: " + result.output);
    for (int i = 0; i < 500 && !fs::exists("/dev/snd/controlC0"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!fs::exists("/dev/snd/controlC0")) throw std::runtime_error("no /dev/snd/controlC0");
}

void DummyCard::Unload(int timeout_ms) {
    auto result = Run({"rmmod", "snd-dummy"}, timeout_ms);
    if (result.status != 0) throw std::runtime_error("rmmod snd-dummy: " + result.output);
}

bool DummyCard::IsLoaded() {
    return fs::exists("/sys/module/snd_dummy");
}

Sim::StateBlock StoreCard(int card) {
    TempDir dir;
    std::string file = dir.Path() + "/store.state";
    auto result = Run({"alsactl", "-f", file, "store", std::to_string(card)});
    if (result.status != 0) throw std::runtime_error("alsactl store: " + result.output);
    auto blocks = Sim::LoadStateFile(file);
    return Sim::SelectBlock(blocks, "");
}

std::string LoadStateTool(const std::string& file, const std::string& block) {
    std::vector<std::string> argv = {BinaryPath("sim/scarlett-load-state"), "--quiet", "--card",
                                     "hw:0"};
    if (!block.empty()) {
        argv.push_back("--block");
        argv.push_back(block);
    }
    argv.push_back(file);
    auto result = Run(argv);
    if (result.status != 0) throw std::runtime_error("scarlett-load-state: " + result.output);
    while (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
    return result.output;
}

Daemon::Daemon(const DaemonOptions& options) {
    log_path_ = dir_.Path() + "/../" + fs::path(dir_.Path()).filename().string() + ".log";
    std::vector<std::string> argv;
    if (options.user) {
        const User& user = *options.user;
        // The daemon refuses a socket directory that another uid owns.
        if (chown(dir_.Path().c_str(), user.uid, user.gid) != 0)
            throw std::runtime_error("chown " + dir_.Path() + ": " + strerror(errno));
        std::string groups;
        for (gid_t group : user.groups)
            groups += (groups.empty() ? "" : ",") + std::to_string(group);
        argv = {"setpriv", "--reuid=" + std::to_string(user.uid),
                "--regid=" + std::to_string(user.gid),
                groups.empty() ? std::string("--clear-groups") : "--groups=" + groups, "--"};
    }
    argv.push_back(BinaryPath("daemon/scarlettd"));
    if (!options.discover) {
        argv.push_back("--card");
        argv.push_back("hw:0");
    }
    argv.push_back("--socket-dir");
    argv.push_back(dir_.Path());
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    auto start = std::chrono::steady_clock::now();
    pid_ = Spawn(argv, log_path_);
    // Ready once the control socket accepts a connection.
    std::string path = ControlSocket();
    while (SecondsSince(start) < 30) {
        if (!Alive()) throw std::runtime_error("scarlettd exited at start:\n" + Log());
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        close(fd);
        if (ok) {
            start_seconds_ = SecondsSince(start);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("scarlettd did not open " + path + " within 30 s:\n" + Log());
}

Daemon::~Daemon() {
    if (pid_ > 0 && Alive()) {
        kill(pid_, SIGTERM);
        if (!WaitFor(pid_, 10000)) {
            kill(pid_, SIGKILL);
            WaitFor(pid_, 5000);
        }
    }
    std::error_code ignored;
    fs::remove(log_path_, ignored);
}

std::string Daemon::Log() const {
    std::ifstream in(log_path_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool Daemon::Alive() {
    int status = 0;
    pid_t done = waitpid(pid_, &status, WNOHANG);
    return done == 0;
}

long long CpuTicks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces) start after the last ')'.
    auto close_paren = text.rfind(')');
    if (close_paren == std::string::npos) throw std::runtime_error("cannot read /proc stat");
    std::istringstream fields(text.substr(close_paren + 2));
    std::vector<std::string> words;
    for (std::string word; fields >> word;) words.push_back(word);
    // words[0] is field 3 (state); utime and stime are fields 14 and 15.
    return std::stoll(words.at(11)) + std::stoll(words.at(12));
}

StraceCount CountSyscalls(pid_t pid, int seconds) {
    auto result = Run({"timeout", "-s", "INT", std::to_string(seconds), "strace", "-f", "-c", "-p",
                       std::to_string(pid)},
                      (seconds + 30) * 1000);
    StraceCount count;
    count.table = result.output;
    // Rows: "% time seconds usecs/call calls [errors] syscall"; the total row is skipped.
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::vector<std::string> row;
        for (std::string word; words >> word;) row.push_back(word);
        if (row.size() < 5 || row.back() == "total" || row[0] == "%") continue;
        char* end = nullptr;
        std::strtod(row[0].c_str(), &end);
        if (*end != '\0') continue;
        long long calls = std::stoll(row[3]);
        if (row.back() == "restart_syscall")
            count.restarts += calls;
        else
            count.calls += calls;
    }
    if (result.output.find("attach") != std::string::npos &&
        result.output.find("Operation not permitted") != std::string::npos)
        throw std::runtime_error("strace cannot attach: " + result.output);
    return count;
}

int ArmedTimerfds(pid_t pid) {
    const fs::path proc = "/proc/" + std::to_string(pid);
    int armed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(proc / "fd", ec)) {
        std::error_code link_ec;
        if (fs::read_symlink(entry.path(), link_ec).string() != "anon_inode:[timerfd]") continue;
        std::ifstream info(proc / "fdinfo" / entry.path().filename());
        for (std::string line; std::getline(info, line);) {
            long long seconds = 0, nanoseconds = 0;
            if (std::sscanf(line.c_str(), "it_value: (%lld, %lld)", &seconds, &nanoseconds) == 2 &&
                (seconds != 0 || nanoseconds != 0))
                ++armed;
        }
    }
    if (ec) throw std::runtime_error("cannot list " + (proc / "fd").string() + ": " + ec.message());
    return armed;
}

void SetNodeAccess(const std::string& path, uid_t uid, gid_t gid, mode_t mode) {
    if (chown(path.c_str(), uid, gid) != 0 || chmod(path.c_str(), mode) != 0)
        throw std::runtime_error("chown/chmod " + path + ": " + strerror(errno));
}

std::string NodeAccess(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return std::string("(") + strerror(errno) + ")";
    const passwd* user = getpwuid(st.st_uid);
    const group* grp = getgrgid(st.st_gid);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    return (user ? std::string(user->pw_name) : std::to_string(st.st_uid)) + ":" +
           (grp ? std::string(grp->gr_name) : std::to_string(st.st_gid)) + " " + mode;
}

Udevd::Udevd() {
    if (!Processes().empty()) throw std::runtime_error("a udevd is already running");
    auto started = Run({"/lib/systemd/systemd-udevd", "--daemon"}, 30000);
    if (started.status != 0) throw std::runtime_error("systemd-udevd --daemon: " + started.output);
    // --daemon returns once it forked; ping waits until it answers on its control socket.
    auto ping = Run({"udevadm", "control", "--ping", "--timeout=20"}, 30000);
    if (ping.status != 0) throw std::runtime_error("udevadm control --ping: " + ping.output);
}

Udevd::~Udevd() {
    Run({"udevadm", "control", "--exit", "--timeout=20"}, 30000);
    for (int i = 0; i < 500 && !Processes().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (pid_t pid : Processes()) kill(pid, SIGKILL);
}

void Udevd::TriggerSound() {
    auto trigger = Run({"udevadm", "trigger", "--action=add", "--subsystem-match=sound"}, 30000);
    if (trigger.status != 0) throw std::runtime_error("udevadm trigger: " + trigger.output);
    Settle();
}

void Udevd::Settle(int timeout_s) {
    auto settle = Run({"udevadm", "settle", "--timeout=" + std::to_string(timeout_s)},
                      (timeout_s + 10) * 1000);
    if (settle.status != 0) throw std::runtime_error("udevadm settle: " + settle.output);
}

std::vector<pid_t> Udevd::Processes() {
    std::vector<pid_t> pids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "comm");
        std::string comm;
        std::getline(in, comm);
        // Workers are forked from udevd and renamed "(udev-worker)" in systemd 252.
        if (comm == "systemd-udevd" || comm == "(udev-worker)") pids.push_back(std::stoi(name));
    }
    return pids;
}

Sim::StateBlock BlockFromControls(const json& controls) {
    static const std::vector<std::string> STORE_ACCESS = {"read",     "write",  "inactive",
                                                          "volatile", "locked", "user"};
    Sim::StateBlock block;
    block.id = "daemon";
    for (const auto& control : controls) {
        Sim::StateControl out;
        out.numid = control.at("numid").get<unsigned>();
        out.iface = Upper(control.at("iface").get<std::string>());
        out.name = control.at("name").get<std::string>();
        out.index = control.value("index", 0u);
        if (control.contains("device")) out.device = control.at("device").get<unsigned>();
        if (control.contains("subdevice")) out.subdevice = control.at("subdevice").get<unsigned>();
        out.type = Upper(control.at("type").get<std::string>());
        out.count = control.at("count").get<unsigned>();
        for (const auto& word : STORE_ACCESS)
            for (const auto& flag : control.at("access"))
                if (flag == word) out.access.push_back(word);
        if (out.type == "INTEGER" || out.type == "INTEGER64")
            out.range =
                Sim::StateRange{control.at("min").get<long long>(),
                                control.at("max").get<long long>(), control.value("step", 0LL)};
        if (control.contains("items"))
            for (const auto& item : control.at("items"))
                out.items.push_back(item.get<std::string>());
        for (const auto& value : control.at("value")) {
            if (value.is_boolean())
                out.values.push_back(value.get<bool>() ? "true" : "false");
            else if (value.is_number())
                out.values.push_back(std::to_string(value.get<long long>()));
            else
                out.values.push_back(value.get<std::string>());
        }
        if (control.contains("db")) {
            out.dbmin = std::llround(control.at("db").at("min").get<double>() * 100);
            out.dbmax = std::llround(control.at("db").at("max").get<double>() * 100);
        }
        if (control.contains("db_value"))
            for (const auto& db : control.at("db_value"))
                out.dbvalues.push_back(db.is_null() ? -9999999
                                                    : std::llround(db.get<double>() * 100));
        block.controls.push_back(std::move(out));
    }
    return block;
}

std::vector<std::string> CompareWithStore(const json& controls, const Sim::StateBlock& store) {
    Sim::StateBlock daemon = BlockFromControls(controls);
    // alsactl prints a TLV minimum of "mute" (DB_LINEAR from silence) as -9999999; the
    // protocol reports the lowest finite dB with mute: true instead.
    for (size_t i = 0; i < daemon.controls.size(); ++i) {
        auto& got = daemon.controls[i];
        const json& db = controls[i].value("db", json::object());
        const Sim::StateControl* want =
            store.Find(got.iface, got.name, got.index, got.device, got.subdevice);
        if (want && want->dbmin == -9999999 && db.value("mute", false)) got.dbmin = -9999999;
    }
    Sim::CompareOptions options;
    options.ignore_tlv = true;       // the protocol has no raw TLV
    options.ignore_dbvalues = true;  // compared below within rounding
    auto diffs = Sim::CompareBlocks(store, daemon, options);
    for (const auto& want : store.controls) {
        const Sim::StateControl* got =
            daemon.Find(want.iface, want.name, want.index, want.device, want.subdevice);
        if (!got) continue;
        std::string where = want.Describe() + ": ";
        if (got->numid != want.numid)
            diffs.push_back(where + "numid " + std::to_string(want.numid) +
                            " != " + std::to_string(got->numid));
        bool db_differs = want.dbvalues.size() != got->dbvalues.size();
        for (size_t i = 0; !db_differs && i < want.dbvalues.size(); ++i)
            db_differs = std::llabs(want.dbvalues[i] - got->dbvalues[i]) > 1;
        if (db_differs) {
            std::string text = where + "dB values (1/100 dB)";
            for (auto value : want.dbvalues) text += " " + std::to_string(value);
            text += " !=";
            for (auto value : got->dbvalues) text += " " + std::to_string(value);
            diffs.push_back(text);
        }
    }
    return diffs;
}

json JsonValue(const Sim::StateControl& control, const std::string& value) {
    if (control.type == "BOOLEAN") return value == "true";
    if (control.type == "INTEGER" || control.type == "INTEGER64") return std::stoll(value);
    return value;
}

}  // namespace Vm
