// SPDX-License-Identifier: GPL-3.0-or-later
// scarlett-load-state [--block ID] [--card hw:0] [--quiet] FILE
// Creates the controls of one block of an `alsactl store` file as user controls.
#include <cstring>
#include <iostream>
#include <string>

#include "sim/StateFile.hpp"
#include "sim/load-state/UserControls.hpp"

namespace {

int Usage(std::ostream& out, int status) {
    out << "usage: scarlett-load-state [--block ID] [--card CARD] [--quiet] FILE\n"
           "Creates every control of one state.<ID> block of an `alsactl store` file as a\n"
           "user control on CARD (default hw:0) and writes its value and dB TLV.\n"
           "  --block ID  the block to load (needed when the file has several)\n"
           "  --card CARD the ALSA control device, e.g. hw:0\n"
           "  --quiet     print only the summary line, not every skipped control\n";
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    std::string block_id;
    std::string card = "hw:0";
    std::string file;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        try {
            if (arg == "--block")
                block_id = next();
            else if (arg == "--card")
                card = next();
            else if (arg == "--quiet")
                quiet = true;
            else if (arg == "-h" || arg == "--help")
                return Usage(std::cout, 0);
            else if (!arg.empty() && arg[0] == '-')
                return Usage(std::cerr, 2);
            else if (file.empty())
                file = arg;
            else
                return Usage(std::cerr, 2);
        } catch (const std::invalid_argument& error) {
            std::cerr << "scarlett-load-state: " << error.what() << "\n";
            return 2;
        }
    }
    if (file.empty()) return Usage(std::cerr, 2);

    try {
        auto blocks = Sim::LoadStateFile(file);
        const auto& block = Sim::SelectBlock(blocks, block_id);
        auto result = Sim::LoadBlock(card, block);
        if (!quiet) {
            for (const auto& [what, reason] : result.skipped)
                std::cerr << "skipped " << what << ": " << reason << "\n";
            for (const auto& [what, problem] : result.warnings)
                std::cerr << "warning " << what << ": " << problem << "\n";
        }
        std::cout << "scarlett-load-state: " << card << " <- " << file << " state." << block.id
                  << ": " << result.Summary() << "\n";
        return result.created > 0 || block.controls.empty() ? 0 : 1;
    } catch (const std::exception& error) {
        std::cerr << "scarlett-load-state: " << error.what() << "\n";
        return 1;
    }
}
