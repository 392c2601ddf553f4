// SPDX-License-Identifier: GPL-3.0-or-later
// scarlett-sim: the virtual Focusrite device (serve), its hardware-action tool and the
// model database's commands. See usage below.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "event/EventLoop.hpp"
#include "event/SignalWatch.hpp"
#include "sim/SimDir.hpp"
#include "sim/device/Device.hpp"
#include "sim/models/ModelCommands.hpp"
#include "sim/models/Models.hpp"
#include "sim/server/Server.hpp"
#include "sim/server/Tool.hpp"

namespace {

constexpr const char* USAGE =
    "usage: scarlett-sim serve MODEL [--kernel ERA] [--name NAME] [--state FILE [--block ID]] "
    "[--ready-fd N]\n"
    "       scarlett-sim serve --state FILE [--block ID] [--name NAME] [--ready-fd N]\n"
    "       scarlett-sim [-d NAME] ACTION...       e.g. press dim, knob 40, signal 1 -12\n"
    "       scarlett-sim [-d NAME] actions|info|hardware|power-cycle|unplug|replug\n"
    "       scarlett-sim list\n"
    "       scarlett-sim models | show MODEL [--kernel ERA] | diff [...]\n"
    "\n"
    "serve runs a virtual device (until SIGTERM/SIGINT) that ALSA programs open as\n"
    "scarlett_sim:NAME (amixer -D scarlett_sim:NAME contents). NAME defaults to the model\n"
    "id, or the dump's file name. With --state, the dump's values (its last block unless\n"
    "--block) replace the factory values, or with no MODEL the dump's controls are served.\n"
    "--ready-fd N: write \"ready\\n\" to fd N (else stdout) once clients can connect.\n"
    "\n"
    "The other commands talk to a running simulator (-d NAME; the only one when omitted):\n"
    "  ACTION...    a hardware action; `actions` lists the model's\n"
    "  info         its name, model, plug state and clients\n"
    "  hardware     the controls whose value on the hardware differs from what the\n"
    "               driver shows, then their count\n"
    "  power-cycle  a 1st Gen loses its settings while the driver keeps its cache\n"
    "  unplug       cut every client and remove the device; replug brings it back\n"
    "  list         the running simulators\n"
    "Sockets live in $SCARLETT_SIM_DIR, else $XDG_RUNTIME_DIR/scarlett-sim.\n";

struct ServeOptions {
    std::string model;
    std::string era;
    std::string name;
    std::string state_file;
    std::string block;
    int ready_fd = -1;
};

const Sim::StateBlock& PickBlock(const std::vector<Sim::StateBlock>& blocks,
                                 const std::string& id) {
    if (!id.empty() || blocks.size() == 1) return Sim::SelectBlock(blocks, id);
    /* Two-block fixtures append the newer dump after the older one. */
    return blocks.back();
}

int Serve(const ServeOptions& options) {
    const Sim::Model* model = nullptr;
    Sim::StateBlock block;
    std::optional<Sim::StateBlock> factory;
    std::string name = options.name;
    if (!options.model.empty()) {
        model = Sim::FindModel(options.model);
        if (model == nullptr)
            throw std::invalid_argument("unknown model '" + options.model +
                                        "' (scarlett-sim models lists them)");
        block = Sim::GenerateControls(*model, options.era);
        if (!options.state_file.empty()) {
            // A 1st Gen stores nothing: a power cycle brings the model's own values back.
            factory = block;
            const auto blocks = Sim::LoadStateFile(options.state_file);
            Sim::AdoptValues(block, PickBlock(blocks, options.block));
        }
        if (name.empty()) name = model->id;
    } else if (!options.state_file.empty()) {
        const auto blocks = Sim::LoadStateFile(options.state_file);
        block = PickBlock(blocks, options.block);
        const std::string stem = std::filesystem::path(options.state_file).stem().string();
        model = Sim::FindModel(stem);
        if (name.empty()) name = stem;
    } else {
        throw std::invalid_argument("serve needs a MODEL or --state FILE");
    }
    if (!Sim::IsValidInstanceName(name))
        throw std::invalid_argument("invalid name '" + name +
                                    "' (use letters, digits, '.', '_' and '-')");

    Sim::ServerOptions server_options;
    server_options.name = name;
    if (model != nullptr) {
        server_options.model_id = model->id;
        server_options.card_name = model->card_name;
        server_options.long_name = "Focusrite " + model->name + " (simulated, " + name + ")";
    } else {
        server_options.card_name = block.id;
        server_options.long_name =
            "Focusrite device from " + options.state_file + " (simulated, " + name + ")";
    }

    ::signal(SIGPIPE, SIG_IGN);
    Event::EventLoop loop;
    /* Signals arrive through the loop, so shutdown runs the destructors (sockets removed). */
    Event::SignalWatch signals(loop, {SIGTERM, SIGINT}, [&loop](int) noexcept { loop.Break(); });

    Sim::Device device(std::move(block));
    if (factory) device.SetPowerOnValues(*factory);
    Sim::Server server(loop, device, server_options);

    const int ready_fd = options.ready_fd >= 0 ? options.ready_fd : STDOUT_FILENO;
    constexpr char READY[] = "ready\n";
    if (::write(ready_fd, READY, sizeof(READY) - 1) < 0 && options.ready_fd >= 0)
        std::cerr << "scarlett-sim: --ready-fd " << ready_fd << ": " << std::strerror(errno)
                  << "\n";
    if (options.ready_fd >= 0) ::close(options.ready_fd);

    loop.Run();
    return 0;
}

int ParseServe(const std::vector<std::string>& args) {
    ServeOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) throw std::invalid_argument(arg + " needs a value");
            return args[++i];
        };
        if (arg == "--kernel")
            options.era = next();
        else if (arg == "--name")
            options.name = next();
        else if (arg == "--state")
            options.state_file = next();
        else if (arg == "--block")
            options.block = next();
        else if (arg == "--ready-fd") {
            const std::string value = next();
            std::size_t used = 0;
            options.ready_fd = std::stoi(value, &used);
            if (used != value.size() || options.ready_fd < 0)
                throw std::invalid_argument("bad --ready-fd " + value);
        } else if (arg == "-h" || arg == "--help") {
            std::cout << USAGE;
            return 0;
        } else if (!arg.empty() && arg[0] == '-')
            throw std::invalid_argument("unknown option " + arg);
        else if (options.model.empty())
            options.model = arg;
        else
            throw std::invalid_argument("unexpected argument " + arg);
    }
    if (!options.era.empty() && options.model.empty())
        throw std::invalid_argument("--kernel needs a MODEL");
    return Serve(options);
}

std::string DefaultSimulator() {
    const auto running = Sim::ListSimulators();
    if (running.empty())
        throw std::runtime_error(
            "no simulator is running; start one with: scarlett-sim serve MODEL");
    if (running.size() > 1) {
        std::string names;
        for (const auto& simulator : running) names += (names.empty() ? "" : ", ") + simulator.name;
        throw std::runtime_error("several simulators are running (" + names +
                                 "); choose one with -d NAME");
    }
    return running.front().name;
}

int List() {
    const auto running = Sim::ListSimulators();
    if (running.empty()) {
        std::cout << "no simulator is running (directory " << Sim::SimDir().string() << ")\n";
        return 0;
    }
    for (const auto& simulator : running) {
        const auto& info = simulator.info;
        std::cout << simulator.name << "  model " << Sim::InfoField(info, "model") << "  "
                  << (Sim::InfoField(info, "plugged") == "yes" ? "plugged in" : "unplugged")
                  << "  clients " << Sim::InfoField(info, "clients") << "  pid "
                  << Sim::InfoField(info, "pid") << "\n";
    }
    return 0;
}

int Tool(std::string name, const std::vector<std::string>& words) {
    for (const char* command : {"actions", "info", "hardware", "power-cycle", "unplug", "replug"})
        if (words.size() > 1 && words[0] == command)
            throw std::invalid_argument(words[0] + " takes no arguments");
    if (name.empty()) name = DefaultSimulator();
    Sim::Wire::Op op = Sim::Wire::Op::Act;
    std::string text;
    if (words.size() == 1 && words[0] == "actions")
        op = Sim::Wire::Op::Actions;
    else if (words.size() == 1 && words[0] == "info")
        op = Sim::Wire::Op::Info;
    else if (words.size() == 1 && words[0] == "hardware")
        op = Sim::Wire::Op::Hardware;
    else if (words.size() == 1 && words[0] == "power-cycle")
        op = Sim::Wire::Op::PowerCycle;
    else if (words.size() == 1 && words[0] == "unplug")
        op = Sim::Wire::Op::Unplug;
    else if (words.size() == 1 && words[0] == "replug")
        op = Sim::Wire::Op::Replug;
    else
        for (const auto& word : words) text += word + "\n";
    const auto [error, answer] = Sim::AskSimulator(name, op, text);
    if (error < 0) {
        std::cerr << "scarlett-sim: " << name << ": " << answer << "\n";
        return 1;
    }
    std::cout << answer << (answer.empty() || answer.back() == '\n' ? "" : "\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    /* One write per line: scarlettd --simulate shares our stderr, and a line written in
     * pieces (std::cerr flushes after each <<) comes out mixed with the daemon's. */
    std::setvbuf(stderr, nullptr, _IOLBF, BUFSIZ);
    std::cerr.unsetf(std::ios_base::unitbuf);
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty()) {
            std::cerr << USAGE;
            return 2;
        }
        const std::string& command = args[0];
        if (command == "-h" || command == "--help" || command == "help") {
            std::cout << USAGE;
            return 0;
        }
        if (command == "serve") return ParseServe({args.begin() + 1, args.end()});
        if (command == "models" || command == "show" || command == "diff")
            return Sim::RunModelCommand(args, std::cout, std::cerr);
        if (command == "list") return List();
        std::string name;
        std::size_t first = 0;
        if (command == "-d" || command == "--device") {
            if (args.size() < 2) throw std::invalid_argument(command + " needs a NAME");
            name = args[1];
            first = 2;
        }
        if (first >= args.size())
            throw std::invalid_argument("no action given (scarlett-sim actions lists them)");
        return Tool(name, {args.begin() + static_cast<long>(first), args.end()});
    } catch (const std::invalid_argument& error) {
        std::cerr << "scarlett-sim: " << error.what()
                  << "\n(scarlett-sim --help shows the usage)\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "scarlett-sim: " << error.what() << "\n";
        return 1;
    }
}
