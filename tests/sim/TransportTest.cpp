// SPDX-License-Identifier: GPL-3.0-or-later
#include <alsa/asoundlib.h>
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/plugin/PluginPaths.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int TIMEOUT_MS = 10000;
const fs::path FIXTURES = fs::path(SCARLETTD_SHARED_DIR) / "fixtures" / "alsa-state";

/* A `scarlett-sim serve` in its own SCARLETT_SIM_DIR, stopped with SIGTERM at the end. */
class Simulator {
  public:
    Simulator(std::string name, std::vector<std::string> args) : name_(std::move(name)) {
        char pattern[] = "/tmp/scarlett-sim-test-XXXXXX";
        REQUIRE(mkdtemp(pattern) != nullptr);
        dir_ = pattern;
        setenv("SCARLETT_SIM_DIR", dir_.c_str(), 1);
        const std::string config =
            std::string(SCARLETT_SIM_ALSA_CONF) + ":" + SCARLETT_SIM_BUILD_CONF;
        setenv("ALSA_CONFIG_PATH", config.c_str(), 1);

        int ready[2];
        REQUIRE(pipe(ready) == 0);
        args.insert(args.begin(), {SCARLETT_SIM_BUILD_EXE, "serve"});
        for (const char* extra : {"--name", name_.c_str(), "--ready-fd", "3"})
            args.emplace_back(extra);
        pid_ = fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            dup2(ready[1], 3);
            std::vector<char*> argv;
            for (auto& arg : args) argv.push_back(arg.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(ready[1]);
        pollfd wait{ready[0], POLLIN, 0};
        char buffer[16] = {};
        const bool answered =
            poll(&wait, 1, TIMEOUT_MS) == 1 && read(ready[0], buffer, sizeof(buffer) - 1) > 0;
        close(ready[0]);
        REQUIRE_MESSAGE(answered, "the simulator did not get ready");
        CHECK(std::string(buffer) == "ready\n");
    }
    ~Simulator() {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK(!fs::exists(dir_ / (name_ + ".sock")));
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    std::string Device() const { return "scarlett_sim:" + name_; }

    /** Runs `scarlett-sim -d NAME ARGS` (or any command); stdout and stderr. */
    std::string Tool(const std::string& args) const {
        return Run(std::string(SCARLETT_SIM_BUILD_EXE) + " -d " + name_ + " " + args);
    }
    static std::string Run(const std::string& command) {
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
        std::string out;
        char buffer[4096];
        for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0;)
            out.append(buffer, n);
        return out;
    }
    /** The number of plugin requests the simulator has served. */
    long Requests() const {
        const std::string info = Tool("info");
        const auto at = info.find("requests ");
        REQUIRE(at != std::string::npos);
        return std::stol(info.substr(at + 9));
    }

  private:
    std::string name_;
    fs::path dir_;
    pid_t pid_ = -1;
};

struct Hctl {
    explicit Hctl(const std::string& device) {
        REQUIRE(snd_hctl_open(&handle, device.c_str(), SND_CTL_NONBLOCK) == 0);
        REQUIRE(snd_hctl_load(handle) == 0);
    }
    ~Hctl() { snd_hctl_close(handle); }
    snd_hctl_elem_t* Find(const char* name,
                          snd_ctl_elem_iface_t iface = SND_CTL_ELEM_IFACE_MIXER) const {
        snd_ctl_elem_id_t* id;
        snd_ctl_elem_id_alloca(&id);
        snd_ctl_elem_id_set_interface(id, iface);
        snd_ctl_elem_id_set_name(id, name);
        snd_hctl_elem_t* elem = snd_hctl_find_elem(handle, id);
        REQUIRE_MESSAGE(elem != nullptr, name);
        return elem;
    }
    long Read(snd_hctl_elem_t* elem, unsigned channel = 0) const {
        snd_ctl_elem_value_t* value;
        snd_ctl_elem_value_alloca(&value);
        REQUIRE(snd_hctl_elem_read(elem, value) == 0);
        return snd_ctl_elem_value_get_integer(value, channel);
    }
    unsigned ReadItem(snd_hctl_elem_t* elem) const {
        snd_ctl_elem_value_t* value;
        snd_ctl_elem_value_alloca(&value);
        REQUIRE(snd_hctl_elem_read(elem, value) == 0);
        return snd_ctl_elem_value_get_enumerated(value, 0);
    }
    /** Waits for events and dispatches them; false on timeout. */
    bool WaitAndHandle() {
        pollfd fd{};
        REQUIRE(snd_hctl_poll_descriptors(handle, &fd, 1) == 1);
        if (poll(&fd, 1, TIMEOUT_MS) != 1) return false;
        return snd_hctl_handle_events(handle) >= 0;
    }
    snd_hctl_t* handle = nullptr;
};

/* Records the masks of one element's events. */
std::vector<unsigned> g_masks;
int RecordEvent(snd_hctl_elem_t*, unsigned mask) {
    g_masks.push_back(mask);
    return 0;
}

bool WaitForEvent(Hctl& hctl, unsigned mask) {
    for (int round = 0; round < 10; ++round) {
        for (const unsigned seen : g_masks)
            if ((seen & mask) != 0) return true;
        if (!hctl.WaitAndHandle()) return false;
    }
    return false;
}

}  // namespace

TEST_CASE("A simulator serves a dump's controls and values to snd_ctl and amixer") {
    const fs::path dump = FIXTURES / "scarlett-gen3-18i20.state";
    if (!fs::exists(dump)) {
        MESSAGE("skipped: " << dump << " not found (the shared fixtures are absent)");
        return;
    }
    const auto blocks = Sim::LoadStateFile(dump);
    const auto& block = blocks.back();
    Simulator simulator("dump-18i20", {"--state", dump.string()});

    snd_ctl_t* ctl = nullptr;
    REQUIRE(snd_ctl_open(&ctl, simulator.Device().c_str(), 0) == 0);
    snd_ctl_card_info_t* info;
    snd_ctl_card_info_alloca(&info);
    REQUIRE(snd_ctl_card_info(ctl, info) == 0);
    CHECK(std::string(snd_ctl_card_info_get_driver(info)) == "scarlett-sim");
    CHECK(std::string(snd_ctl_card_info_get_id(info)) == "dump18i20");
    CHECK(std::string(snd_ctl_card_info_get_longname(info)).find("(simulated, dump-18i20)") !=
          std::string::npos);
    snd_ctl_close(ctl);

    Hctl hctl(simulator.Device());
    CHECK(snd_hctl_get_count(hctl.handle) == block.controls.size());
    const auto* master = block.Find("MIXER", "Master HW Playback Volume", 0);
    REQUIRE(master != nullptr);
    CHECK(hctl.Read(hctl.Find("Master HW Playback Volume")) == std::stol(master->values.at(0)));

    SUBCASE("TLVs and enum items come from the definition") {
        unsigned tlv[64] = {};
        REQUIRE(snd_hctl_elem_tlv_read(hctl.Find("Master HW Playback Volume"), tlv, sizeof(tlv)) ==
                0);
        if (master->tlv.empty()) {
            /* An old alsactl wrote only the dB limits: the plugin describes them as DB_MINMAX. */
            CHECK(tlv[0] == 4u);
            CHECK(static_cast<int>(tlv[2]) == master->dbmin.value());
        } else {
            CHECK(tlv[0] == master->tlv[0]);
            CHECK(tlv[2] == master->tlv[2]);
        }
        const std::string listed =
            simulator.Run("amixer -D " + simulator.Device() +
                          " cget name='Line Out 01 Volume Control Playback Enum'");
        CHECK(listed.find("Item #1 'HW'") != std::string::npos);
    }
}

TEST_CASE("Writes, hardware actions and access changes reach every client as events") {
    Simulator simulator("model-18i20", {"scarlett-gen3-18i20"});
    Hctl hctl(simulator.Device());
    snd_hctl_elem_t* mix = hctl.Find("Mix A Input 01 Playback Volume");
    g_masks.clear();
    snd_hctl_elem_set_callback(mix, RecordEvent);

    SUBCASE("a write by amixer in another process") {
        const std::string out = simulator.Run("amixer -D " + simulator.Device() +
                                              " cset name='Mix A Input 01 Playback Volume' 77");
        CHECK(out.find("values=77") != std::string::npos);
        REQUIRE(WaitForEvent(hctl, SND_CTL_EVENT_MASK_VALUE));
        CHECK(hctl.Read(mix) == 77);
    }
    SUBCASE("the writer's own write, like a kernel subscriber") {
        snd_ctl_elem_value_t* value;
        snd_ctl_elem_value_alloca(&value);
        REQUIRE(snd_hctl_elem_read(mix, value) == 0);
        snd_ctl_elem_value_set_integer(value, 0, 42);
        REQUIRE(snd_hctl_elem_write(mix, value) >= 0);
        REQUIRE(WaitForEvent(hctl, SND_CTL_EVENT_MASK_VALUE));
        CHECK(simulator
                  .Run("amixer -D " + simulator.Device() +
                       " cget name='Mix A Input 01 Playback Volume'")
                  .find("values=42") != std::string::npos);
    }
    SUBCASE("an out-of-range write is refused") {
        snd_ctl_elem_value_t* value;
        snd_ctl_elem_value_alloca(&value);
        REQUIRE(snd_hctl_elem_read(mix, value) == 0);
        snd_ctl_elem_value_set_integer(value, 0, 100000);
        CHECK(snd_hctl_elem_write(mix, value) == -EINVAL);
    }
    SUBCASE("pressing Dim") {
        snd_hctl_elem_t* dim = hctl.Find("Dim Playback Switch");
        const long before = hctl.Read(dim);
        g_masks.clear();
        snd_hctl_elem_set_callback(dim, RecordEvent);
        /* One control changed, though the driver notifies every monitor volume. */
        CHECK(simulator.Tool("press dim") == "1 control changed\n");
        REQUIRE(WaitForEvent(hctl, SND_CTL_EVENT_MASK_VALUE));
        CHECK(hctl.Read(dim) == !before);
    }
    SUBCASE("switching a line to HW makes its volume read-only (INFO)") {
        snd_hctl_elem_t* line = hctl.Find("Line 01 (Monitor 1 L) Playback Volume");
        g_masks.clear();
        snd_hctl_elem_set_callback(line, RecordEvent);
        simulator.Run("amixer -D " + simulator.Device() +
                      " cset name='Line Out 01 Volume Control Playback Enum' SW");
        simulator.Run("amixer -D " + simulator.Device() +
                      " cset name='Line Out 01 Volume Control Playback Enum' HW");
        REQUIRE(WaitForEvent(hctl, SND_CTL_EVENT_MASK_INFO));
        snd_ctl_elem_info_t* info;
        snd_ctl_elem_info_alloca(&info);
        REQUIRE(snd_hctl_elem_info(line, info) == 0);
        CHECK(!snd_ctl_elem_info_is_writable(info));
    }
    SUBCASE("an unknown action is an error with the list of actions") {
        const std::string out = simulator.Tool("juggle");
        CHECK(out.find("press dim") != std::string::npos);
    }
}

TEST_CASE("Reading controls costs no round trip to the simulator") {
    Simulator simulator("reads", {"scarlett-gen3-18i20"});
    Hctl hctl(simulator.Device());
    const long before = simulator.Requests();
    snd_hctl_elem_t* meter = hctl.Find("Level Meter", SND_CTL_ELEM_IFACE_PCM);
    snd_ctl_elem_value_t* value;
    snd_ctl_elem_value_alloca(&value);
    snd_ctl_elem_info_t* info;
    snd_ctl_elem_info_alloca(&info);
    for (int round = 0; round < 20; ++round)
        for (snd_hctl_elem_t* elem = snd_hctl_first_elem(hctl.handle); elem;
             elem = snd_hctl_elem_next(elem)) {
            REQUIRE(snd_hctl_elem_info(elem, info) == 0);
            REQUIRE(snd_hctl_elem_read(elem, value) == 0);
        }
    CHECK(simulator.Requests() == before);

    SUBCASE("meters follow an input signal") {
        CHECK(hctl.Read(meter, 0) >= 0);
        simulator.Tool("signal 1 -6");
        long highest = 0;
        REQUIRE(snd_hctl_elem_info(meter, info) == 0);
        for (unsigned channel = 0; channel < snd_ctl_elem_info_get_count(info); ++channel)
            highest = std::max(highest, hctl.Read(meter, channel));
        CHECK(highest > 1000);  // -6 dBFS is about 2050 of 4095
        CHECK(highest <= snd_ctl_elem_info_get_max(info));
    }
}

TEST_CASE("Unplug cuts every client like a removed card; replug brings the device back") {
    Simulator simulator("plug", {"scarlett-gen3-18i20"});
    snd_ctl_t* ctl = nullptr;
    REQUIRE(snd_ctl_open(&ctl, simulator.Device().c_str(), SND_CTL_NONBLOCK) == 0);
    REQUIRE(snd_ctl_subscribe_events(ctl, 1) == 0);
    snd_ctl_elem_value_t* value;
    snd_ctl_elem_value_alloca(&value);
    snd_ctl_elem_value_set_interface(value, SND_CTL_ELEM_IFACE_MIXER);
    snd_ctl_elem_value_set_name(value, "Mix A Input 02 Playback Volume");
    REQUIRE(snd_ctl_elem_read(ctl, value) == 0);
    snd_ctl_elem_value_set_integer(value, 0, 99);
    REQUIRE(snd_ctl_elem_write(ctl, value) >= 0);

    CHECK(simulator.Tool("unplug").find("unplugged") != std::string::npos);
    pollfd fd{};
    REQUIRE(snd_ctl_poll_descriptors(ctl, &fd, 1) == 1);
    REQUIRE(poll(&fd, 1, TIMEOUT_MS) == 1);
    unsigned short revents = 0;
    REQUIRE(snd_ctl_poll_descriptors_revents(ctl, &fd, 1, &revents) == 0);
    CHECK((revents & POLLERR) != 0);
    CHECK((revents & POLLHUP) != 0);
    CHECK(snd_ctl_elem_read(ctl, value) == -ENODEV);
    CHECK(snd_ctl_elem_write(ctl, value) == -ENODEV);
    snd_ctl_event_t* event;
    snd_ctl_event_alloca(&event);
    CHECK(snd_ctl_read(ctl, event) == -ENODEV);
    snd_ctl_close(ctl);

    snd_ctl_t* refused = nullptr;
    CHECK(snd_ctl_open(&refused, simulator.Device().c_str(), 0) == -ENODEV);
    CHECK(simulator.Tool("press dim").find("unplugged") != std::string::npos);

    CHECK(simulator.Tool("replug").find("plugged in") != std::string::npos);
    REQUIRE(snd_ctl_open(&ctl, simulator.Device().c_str(), 0) == 0);
    snd_ctl_elem_value_set_integer(value, 0, 0);
    REQUIRE(snd_ctl_elem_read(ctl, value) == 0);
    CHECK(snd_ctl_elem_value_get_integer(value, 0) == 99);
    snd_ctl_close(ctl);
}

TEST_CASE("The tool explains what is wrong") {
    Simulator simulator("tool", {"scarlett-gen3-18i20"});
    CHECK(simulator.Run(std::string(SCARLETT_SIM_BUILD_EXE) + " -d nothing-here info")
              .find("no simulator named nothing-here is running; start one with: scarlett-sim "
                    "serve MODEL") != std::string::npos);
    CHECK(simulator.Run(std::string(SCARLETT_SIM_BUILD_EXE) + " list")
              .find("tool  model scarlett-gen3-18i20") != std::string::npos);
    /* The only simulator running is the default. */
    CHECK(simulator.Run(std::string(SCARLETT_SIM_BUILD_EXE) + " actions").find("press dim") !=
          std::string::npos);
    CHECK(simulator
              .Run(std::string(SCARLETT_SIM_BUILD_EXE) + " serve scarlett-gen3-18i20 --name tool")
              .find("already running") != std::string::npos);
}

TEST_CASE("A 1st Gen's power cycle: clients see the driver's cache, `hardware` the device") {
    Simulator simulator("gen1", {"scarlett-gen1-18i8"});
    auto amixer = [&](const std::string& args) {
        return simulator.Run("amixer -D " + simulator.Device() + " " + args);
    };
    amixer("cset name='Master 1 (Monitor) Playback Volume' 100,100");
    amixer("cset name='Input 1 Pad Switch' 1");
    CHECK(simulator.Tool("hardware") == "0 differences\n");

    Hctl hctl(simulator.Device());
    CHECK(simulator.Tool("power-cycle") == "power-cycled: 2 differences\n");
    const std::string lost =
        "Master 1 (Monitor) Playback Volume: driver 100,100, hardware 128,128\n"
        "Input 1 Pad Switch: driver -10dB, hardware 0dB\n"
        "2 differences\n";
    CHECK(simulator.Tool("hardware") == lost);
    /* The driver knows nothing of it: no event, and reads show its cache. */
    pollfd fd{};
    REQUIRE(snd_hctl_poll_descriptors(hctl.handle, &fd, 1) == 1);
    CHECK(poll(&fd, 1, 200) == 0);
    CHECK(hctl.Read(hctl.Find("Master 1 (Monitor) Playback Volume"), 1) == 100);
    CHECK(hctl.ReadItem(hctl.Find("Input 1 Pad Switch")) == 1);

    /* Writing the values the driver shows sends nothing; another value first does. */
    amixer("cset name='Master 1 (Monitor) Playback Volume' 100,100");
    amixer("cset name='Input 1 Pad Switch' 1");
    CHECK(simulator.Tool("hardware") == lost);
    amixer("cset name='Master 1 (Monitor) Playback Volume' 99,99");
    amixer("cset name='Master 1 (Monitor) Playback Volume' 100,100");
    amixer("cset name='Input 1 Pad Switch' 0");
    amixer("cset name='Input 1 Pad Switch' 1");
    CHECK(simulator.Tool("hardware") == "0 differences\n");
}

TEST_CASE("A 1st Gen's volatile sync status changes what clients read, without an event") {
    Simulator simulator("gen1-sync", {"scarlett-gen1-18i8"});
    Hctl hctl(simulator.Device());
    snd_hctl_elem_t* sync = hctl.Find("Sample Clock Sync Status");
    CHECK(hctl.ReadItem(sync) == 1);
    CHECK(simulator.Tool("sync unlocked") == "1 control changed\n");
    CHECK(hctl.ReadItem(sync) == 0);
    pollfd fd{};
    REQUIRE(snd_hctl_poll_descriptors(hctl.handle, &fd, 1) == 1);
    CHECK(poll(&fd, 1, 200) == 0);
}

TEST_CASE("Other models keep their settings: no power cycle, no hidden differences") {
    Simulator simulator("gen3", {"scarlett-gen3-18i20"});
    CHECK(simulator.Tool("power-cycle").find("stores its settings") != std::string::npos);
    CHECK(simulator.Tool("hardware") == "0 differences\n");
}
