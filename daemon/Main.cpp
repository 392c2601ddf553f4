// SPDX-License-Identifier: GPL-3.0-or-later
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "daemon/CommandLine.hpp"
#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "daemon/Simulate.hpp"
#include "systemd/Listen.hpp"
#include "systemd/Notify.hpp"

namespace {

/** Soft RLIMIT_NOFILE up to the hard one (systemd's default soft limit is 1024). Under
 *  the units' seccomp filter setrlimit fails with EPERM; they set LimitNOFILE=. */
void RaiseFileLimit() {
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= files.rlim_max) return;
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
}

}  // namespace

int main(int argc, char** argv) try {
    CommandLine line = ParseCommandLine(argc, argv);
    RaiseFileLimit();
    if (line.list_models) {
        std::fputs(Simulate::ListModels().c_str(), stdout);
        return EXIT_SUCCESS;
    }
    Options& options = line.options;
    for (auto& socket : Systemd::TakeListenFds())
        options.listen_fds.push_back({socket.fd, socket.name});
    /* A simulator's socket comes and goes with its "plug": watching its directory is
     * what hotplug is for it, whether we started it (--simulate) or not (--card). */
    const bool sim_card =
        std::any_of(options.cards.begin(), options.cards.end(),
                    [](const std::string& c) { return c.starts_with("scarlett_sim:"); });
    if (!line.simulate.empty() || sim_card) {
        Simulate::ConfigureAlsa();
        options.simulator_dir = Simulate::Directory();
    }
    for (const auto& model : line.simulate) options.simulated.push_back(Simulate::Prepare(model));
    Instance instance(std::move(options));
    instance.Run();
    return EXIT_SUCCESS;
} catch (const std::exception& e) {
    Log::Error(e.what());
    Systemd::Notify("STOPPING=1");
    return EXIT_FAILURE;
}
