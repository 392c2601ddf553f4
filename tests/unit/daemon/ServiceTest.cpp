// SPDX-License-Identifier: GPL-3.0-or-later
/* What the service manager and the journal see: notify messages, the watchdog,
 * adopted sockets, the log rate limit and the alsa-restore warning. */
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "Harness.hpp"
#include "alsa/RestoreCheck.hpp"
#include "daemon/RateLimiter.hpp"
#include "ipc/Socket.hpp"
#include "systemd/Journal.hpp"

using nlohmann::json;
using TestData::Daemon;

namespace {

const std::string& DEV = TestData::SMALL_ID;
const auto Small = TestData::SmallDevice;

std::string TempDir() {
    char tmpl[] = "/tmp/scarlettd-service-XXXXXX";
    return mkdtemp(tmpl);
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

/** A stand-in for the service manager's $NOTIFY_SOCKET, set while it lives. */
class NotifyCapture {
  public:
    NotifyCapture() : dir_(TempDir()) {
        fd_.Reset(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const std::string path = dir_ + "/notify";
        std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
        REQUIRE(bind(fd_.Get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        setenv("NOTIFY_SOCKET", path.c_str(), 1);
    }
    ~NotifyCapture() {
        unsetenv("NOTIFY_SOCKET");
        std::filesystem::remove_all(dir_);
    }

    /** The next datagram, or "" after @p timeout_ms. */
    std::string Next(int timeout_ms = 2000) {
        pollfd p{fd_.Get(), POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0) return "";
        char buffer[4096];
        const ssize_t n = recv(fd_.Get(), buffer, sizeof(buffer), 0);
        return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
    }
    /** Skips datagrams until one equals @p expected; false after the timeout. */
    bool WaitFor(const std::string& expected, int timeout_ms = 2000) {
        for (std::string m; !(m = Next(timeout_ms)).empty();)
            if (m == expected) return true;
        return false;
    }

  private:
    std::string dir_;
    Event::UniqueFd fd_;
};

/** Captures Log entries (written on the daemon's thread). */
struct LogCapture {
    struct Entry {
        Log::Level level;
        std::string message;
        std::string device;
    };
    LogCapture() {
        Log::SetSink([this](Log::Level level, std::string_view message, const Log::Fields& f) {
            std::lock_guard lock(mutex);
            entries.push_back({level, std::string(message), std::string(f.device)});
        });
    }
    ~LogCapture() { Log::SetSink({}); }
    std::vector<Entry> Get() {
        std::lock_guard lock(mutex);
        return entries;
    }
    std::mutex mutex;
    std::vector<Entry> entries;
};

}  // namespace

TEST_CASE("RateLimiter admits a burst per key and window, then reports what it dropped") {
    using namespace std::chrono_literals;
    RateLimiter limiter(3, 10s);
    const RateLimiter::Clock::time_point t0{};
    for (int i = 0; i < 3; ++i) CHECK(limiter.Check("a", t0 + i * 1ms).admit);
    for (int i = 0; i < 97; ++i) CHECK_FALSE(limiter.Check("a", t0 + 5s).admit);
    SUBCASE("keys are independent") {
        const auto other = limiter.Check("b", t0 + 5s);
        CHECK(other.admit);
        CHECK(other.suppressed == 0);
    }
    SUBCASE("the window is fixed: still closed just before it ends") {
        CHECK_FALSE(limiter.Check("a", t0 + 10s - 1ms).admit);
    }
    SUBCASE("the first admitted event after the window carries the count") {
        const auto next = limiter.Check("a", t0 + 10s);
        CHECK(next.admit);
        CHECK(next.suppressed == 97);
        const auto after = limiter.Check("a", t0 + 10s + 1ms);
        CHECK(after.admit);
        CHECK(after.suppressed == 0);
    }
    CHECK(limiter.GetKeyCount() <= 2);
}

TEST_CASE("Log limits messages about one device: a flapping device cannot flood") {
    LogCapture capture;
    Log::SetMaxLevel(Log::Level::Notice);
    for (int i = 0; i < 100; ++i)
        Log::Notice("flapping-device: unplugged", {.device = "flapping-device"});
    for (int i = 0; i < 3; ++i) Log::Notice("no device, never limited");
    Log::SetMaxLevel(Log::Level::Warning);
    size_t about_device = 0;
    for (const auto& e : capture.Get()) about_device += e.device == "flapping-device";
    CHECK(about_device == 10);
    CHECK(capture.Get().size() == 13);
}

TEST_CASE("IsJournalStream compares $JOURNAL_STREAM with the fd's dev:ino") {
    const std::string dir = TempDir();
    const std::string path = dir + "/stream";
    std::ofstream(path) << "";
    Event::UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    REQUIRE(fstat(fd.Get(), &st) == 0);
    const std::string matching = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    CHECK(Systemd::IsJournalStream(matching.c_str(), fd.Get()));
    CHECK_FALSE(Systemd::IsJournalStream((matching + "1").c_str(), fd.Get()));
    CHECK_FALSE(Systemd::IsJournalStream((matching + "x").c_str(), fd.Get()));
    CHECK_FALSE(Systemd::IsJournalStream("", fd.Get()));
    CHECK_FALSE(Systemd::IsJournalStream(nullptr, fd.Get()));
    std::filesystem::remove_all(dir);
}

TEST_CASE("FindRestoreConflict: an active alsa-restore rule and a stored block for the card") {
    const std::filesystem::path root = TempDir();
    const std::string rule =
        "ACTION==\"add\", SUBSYSTEM==\"sound\", KERNEL==\"controlC*\", GOTO=\"go\"\n"
        "LABEL=\"go\"\nRUN+=\"/usr/sbin/alsactl restore $attr{device/number}\"\n";
    const std::string state =
        "state.PCH {\n\tcontrol.1 {\n\t}\n}\nstate.USB {\n\tcontrol.1 {\n\t\tvalue true\n\t}\n}\n";
    WriteFile(root / "usr/lib/udev/rules.d/90-alsa-restore.rules", rule);
    WriteFile(root / "usr/sbin/alsactl", "");
    WriteFile(root / "var/lib/alsa/asound.state", state);

    SUBCASE("conflict") {
        const auto conflict = Alsa::FindRestoreConflict(root, "USB");
        REQUIRE(conflict);
        CHECK(conflict->rule == "/usr/lib/udev/rules.d/90-alsa-restore.rules");
        CHECK(conflict->state == "/var/lib/alsa/asound.state");
    }
    SUBCASE("no block for this card id (a prefix is not a match)") {
        CHECK_FALSE(Alsa::FindRestoreConflict(root, "US"));
        CHECK_FALSE(Alsa::FindRestoreConflict(root, "Gen"));
    }
    SUBCASE("masked in /etc by a symlink to /dev/null") {
        std::filesystem::create_directories(root / "etc/udev/rules.d");
        std::filesystem::create_symlink("/dev/null",
                                        root / "etc/udev/rules.d/90-alsa-restore.rules");
        CHECK_FALSE(Alsa::FindRestoreConflict(root, "USB"));
    }
    SUBCASE("masked in /run by an empty file") {
        WriteFile(root / "run/udev/rules.d/90-alsa-restore.rules", "");
        CHECK_FALSE(Alsa::FindRestoreConflict(root, "USB"));
    }
    SUBCASE("an /etc copy that still restores is active") {
        WriteFile(root / "etc/udev/rules.d/90-alsa-restore.rules", rule);
        const auto conflict = Alsa::FindRestoreConflict(root, "USB");
        REQUIRE(conflict);
        CHECK(conflict->rule == "/etc/udev/rules.d/90-alsa-restore.rules");
    }
    SUBCASE("without alsactl the rule does nothing") {
        std::filesystem::remove(root / "usr/sbin/alsactl");
        CHECK_FALSE(Alsa::FindRestoreConflict(root, "USB"));
    }
    SUBCASE("no state file") {
        std::filesystem::remove(root / "var/lib/alsa/asound.state");
        CHECK_FALSE(Alsa::FindRestoreConflict(root, "USB"));
    }
    std::filesystem::remove_all(root);
}

TEST_CASE("daemon.info lists the alsa_restore warning, logged once per device") {
    const std::filesystem::path root = TempDir();
    WriteFile(root / "lib/udev/rules.d/90-alsa-restore.rules",
              "RUN+=\"/usr/sbin/alsactl restore 1\"\n");
    WriteFile(root / "usr/sbin/alsactl", "");
    WriteFile(root / "var/lib/alsa/asound.state", "state.USB {\n}\n");
    LogCapture log;
    auto dev = Small();
    {
        Daemon daemon({{DEV, dev}}, {}, [&](Options& o) { o.root = root; });
        auto c = daemon.Connect();
        auto info = c.Call("daemon.info")["result"];
        REQUIRE(info["warnings"].size() == 1);
        const auto& w = info["warnings"][0];
        CHECK(w["code"] == "alsa_restore");
        CHECK(w["device"] == DEV);
        CHECK(w["message"].get<std::string>().find("/var/lib/alsa/asound.state") !=
              std::string::npos);
        CHECK(w["fix"].get<std::string>().find("/etc/udev/rules.d/90-alsa-restore.rules") !=
              std::string::npos);

        dev->Unplug();
        for (int i = 0; i < 50 && c.Call("devices.list")["result"]["devices"][0]["online"] == true;
             ++i)
            usleep(10000);
        dev->Replug();
        daemon.Hotplug();
        for (int i = 0; i < 50 && c.Call("devices.list")["result"]["devices"][0]["online"] == false;
             ++i)
            usleep(10000);
        CHECK(c.Call("daemon.info")["result"]["warnings"].size() == 1);
    }
    size_t warned = 0;
    for (const auto& e : log.Get())
        warned +=
            e.level == Log::Level::Warning && e.message.find("alsa-utils") != std::string::npos;
    CHECK(warned == 1);
    std::filesystem::remove_all(root);
}

TEST_CASE("daemon.info has an empty warnings list when nothing is wrong") {
    Daemon daemon({{DEV, Small()}});
    auto c = daemon.Connect();
    CHECK(c.Call("daemon.info")["result"]["warnings"] == json::array());
}

TEST_CASE("The service manager hears READY=1 with a status, and status changes only") {
    NotifyCapture notify;
    Daemon daemon({{DEV, Small()}});
    CHECK(notify.Next() == "READY=1\nSTATUS=1 device online, 0 clients");
    {
        auto c = daemon.Connect();
        CHECK(notify.Next() == "STATUS=1 device online, 1 client");
        auto e = daemon.Connect("events.sock");
        CHECK(notify.Next() == "STATUS=1 device online, 2 clients");
    }
    CHECK(notify.WaitFor("STATUS=1 device online, 0 clients"));
    /* No watchdog configured: nothing more, ever. */
    CHECK(notify.Next(300).empty());
}

TEST_CASE("Under WatchdogSec= the loop pings at half the interval") {
    NotifyCapture notify;
    setenv("WATCHDOG_USEC", "100000", 1);
    {
        Daemon daemon({{DEV, Small()}});
        unsetenv("WATCHDOG_USEC");
        CHECK(notify.Next() == "READY=1\nSTATUS=1 device online, 0 clients");
        int pings = 0;
        const auto start = std::chrono::steady_clock::now();
        while (pings < 4 && std::chrono::steady_clock::now() - start < std::chrono::seconds(2))
            pings += notify.Next(500) == "WATCHDOG=1";
        CHECK(pings == 4);
    }
    unsetenv("WATCHDOG_USEC");
}

TEST_CASE("Socket activation: passed sockets are adopted by name or by path, and left in place") {
    const std::string dir = TempDir();
    const std::string control = dir + "/control.sock";
    const std::string events = dir + "/events.sock";
    const int control_fd = Ipc::BindUnixSocket(control, 0600).Release();
    const int events_fd = Ipc::BindUnixSocket(events, 0600).Release();
    {
        /* One named as FileDescriptorName=control, one as from a single .socket unit. */
        Daemon daemon({{DEV, Small()}}, {}, [&](Options& o) {
            o.listen_fds = {{control_fd, "control"}, {events_fd, "scarlettd.socket"}};
        });
        auto c = Cli::Client::Connect(control);
        CHECK(c.Call("daemon.info")["result"]["devices"] == 1);
        auto e = Cli::Client::Connect(events);
        auto snapshot = e.NextNotification(2000);
        REQUIRE(snapshot);
        CHECK((*snapshot)["method"] == "snapshot");
        /* Nothing was bound in the default place. */
        CHECK_FALSE(std::filesystem::exists(daemon.GetDir() + "/sock/control.sock"));
    }
    /* The manager's files: a restart finds them, and their backlog, in place. */
    CHECK(std::filesystem::exists(control));
    CHECK(std::filesystem::exists(events));
    std::filesystem::remove_all(dir);
}

TEST_CASE("Socket activation of only the control socket binds events.sock as usual") {
    const std::string dir = TempDir();
    const int control_fd = Ipc::BindUnixSocket(dir + "/control.sock", 0600).Release();
    Daemon daemon({{DEV, Small()}}, {}, [&](Options& o) {
        o.listen_fds = {{control_fd, "control"}};
    });
    auto e = daemon.Connect("events.sock");
    CHECK(e.NextNotification(2000));
    std::filesystem::remove_all(dir);
}

TEST_CASE("StatusText") {
    CHECK(ServiceLink::StatusText(0, 0) == "0 devices online, 0 clients");
    CHECK(ServiceLink::StatusText(1, 1) == "1 device online, 1 client");
    CHECK(ServiceLink::StatusText(2, 3) == "2 devices online, 3 clients");
}

TEST_CASE("The ipc layer's log lines go through the daemon's log, with their level") {
    LogCapture log;
    Ipc::Limits limits;
    limits.max_line = 100;
    Daemon daemon({{DEV, Small()}}, limits);
    Log::SetMaxLevel(Log::Level::Notice);
    auto c = daemon.Connect();
    /* A line over the limit: the client's doing, a notice. */
    c.SendRaw(std::string(200, 'x') + "\n");
    for (int i = 0; i < 50; ++i) {
        bool seen = false;
        for (const auto& e : log.Get())
            seen = seen ||
                   (e.message.find("request line longer than 100 bytes") != std::string::npos &&
                    e.level == Log::Level::Notice);
        if (seen) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    bool seen = false;
    for (const auto& e : log.Get())
        seen = seen || e.message.find("request line longer than 100 bytes") != std::string::npos;
    CHECK(seen);
    Log::SetMaxLevel(Log::Level::Warning);
}
