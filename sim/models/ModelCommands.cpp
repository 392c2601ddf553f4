// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/models/ModelCommands.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "sim/models/Models.hpp"

namespace Sim {

namespace {

const char* USAGE =
    "usage: models\n"
    "       show MODEL [--kernel ERA] [--msd]\n"
    "       diff [--kernel ERA] [--fixtures DIR] [FILE-or-MODEL ...]\n";

const char* FamilyName(ModelFamily family) {
    switch (family) {
        case ModelFamily::Gen1:
            return "gen1";
        case ModelFamily::Gen2:
            return "gen2";
        case ModelFamily::Gen3:
            return "gen3";
        case ModelFamily::Gen4:
            return "gen4";
        case ModelFamily::Gen4Fcp:
            return "gen4-fcp";
        case ModelFamily::Clarett:
            return "clarett";
        case ModelFamily::ClarettPlus:
            return "clarett+";
        case ModelFamily::Vocaster:
            return "vocaster";
    }
    return "?";
}

int ListModels(std::ostream& out) {
    char line[200];
    std::snprintf(line, sizeof line, "%-22s %-24s %-9s %-14s %s\n", "ID", "NAME", "USB ID",
                  "DRIVER", "CONTROLS");
    out << line;
    for (const auto& model : Models()) {
        std::snprintf(line, sizeof line, "%-22s %-24s %04x:%04x %-14s %zu\n", model.id.c_str(),
                      model.name.c_str(), model.usb_vid, model.usb_pid, model.driver.c_str(),
                      GenerateControls(model).controls.size());
        out << line;
    }
    (void)FamilyName;
    return 0;
}

int Show(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string model_name, era;
    GenerateOptions options;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--kernel" && i + 1 < args.size())
            era = args[++i];
        else if (args[i] == "--msd")
            options.msd_switch = true;
        else if (model_name.empty() && !args[i].starts_with("-"))
            model_name = args[i];
        else {
            err << USAGE;
            return 2;
        }
    }
    if (model_name.empty()) {
        err << USAGE;
        return 2;
    }
    const Model* model = FindModel(model_name);
    if (!model) {
        err << "unknown model '" << model_name << "' (see 'models')\n";
        return 2;
    }
    try {
        out << FormatState({GenerateControls(*model, era, options)});
    } catch (const std::invalid_argument& error) {
        err << error.what() << "\n";
        return 2;
    }
    return 0;
}

struct Attempt {
    const Model* model = nullptr;
    std::string era;
    bool msd = false;
    std::vector<std::string> diffs;
};

std::vector<std::string> Differences(const Model& model, const std::string& era, bool msd,
                                     const StateBlock& dump) {
    GenerateOptions options;
    options.msd_switch = msd;
    StateBlock generated = GenerateControls(model, era, options);
    // Values are the owner's settings; access that follows them is derived from them.
    AdoptValues(generated, dump);
    CompareOptions compare;
    compare.ignore_values = true;
    compare.ignore_dbvalues = true;
    compare.ignore_missing_tlv = true;  // older alsactl wrote no comment.tlv
    compare.compare_order = true;
    return CompareBlocks(dump, generated, compare);
}

/** The best (fewest differences) era and MSD choice for @p model; eras in newest-first order. */
Attempt Best(const Model& model, const std::vector<std::string>& eras, const StateBlock& dump,
             std::vector<std::string>* matching) {
    std::optional<Attempt> best;
    // Only models with an MSD mode have a choice to make.
    bool has_msd = GenerateControls(model, {}, GenerateOptions{true}).controls.size() !=
                   GenerateControls(model, {}).controls.size();
    for (const auto& era : eras)
        for (bool msd : {false, true}) {
            if (msd && !has_msd) continue;
            Attempt attempt{&model, era, msd, Differences(model, era, msd, dump)};
            if (attempt.diffs.empty() && matching) {
                std::string label = era + (msd ? " with MSD switch" : "");
                matching->push_back(label);
            }
            if (!best || attempt.diffs.size() < best->diffs.size()) best = std::move(attempt);
        }
    return *best;
}

std::filesystem::path DefaultFixtures() {
    if (const char* dir = std::getenv("SCARLETTD_FIXTURES")) return dir;
    if (const char* dir = std::getenv("SCARLETTD_SHARED_DIR"))
        return std::filesystem::path(dir) / "fixtures" / "alsa-state";
    return "../shared/fixtures/alsa-state";
}

int Diff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string era;
    std::optional<std::filesystem::path> fixtures;
    std::vector<std::string> targets;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--kernel" && i + 1 < args.size())
            era = args[++i];
        else if (args[i] == "--fixtures" && i + 1 < args.size())
            fixtures = args[++i];
        else if (args[i].starts_with("-")) {
            err << USAGE;
            return 2;
        } else
            targets.push_back(args[i]);
    }
    std::vector<std::string> eras;
    try {
        if (!era.empty())
            eras.push_back(FindKernelEra(era).id);
        else
            for (const auto& known : KernelEras()) eras.push_back(known.id);
    } catch (const std::invalid_argument& error) {
        err << error.what() << "\n";
        return 2;
    }
    std::filesystem::path dir = fixtures.value_or(DefaultFixtures());
    std::vector<std::filesystem::path> files;
    for (const auto& target : targets) {
        if (std::filesystem::is_regular_file(target))
            files.emplace_back(target);
        else if (FindModel(target))
            files.push_back(dir / (FindModel(target)->id + ".state"));
        else {
            err << "'" << target << "' is neither a file nor a model\n";
            return 2;
        }
    }
    if (targets.empty()) {
        std::error_code error;
        for (const auto& entry : std::filesystem::directory_iterator(dir, error))
            if (entry.path().extension() == ".state") files.push_back(entry.path());
        if (error || files.empty()) {
            err << "no dumps in " << dir.string() << " (use --fixtures DIR)\n";
            return 2;
        }
        std::sort(files.begin(), files.end());
    }

    int unexplained = 0;
    for (const auto& file : files) {
        std::vector<StateBlock> blocks;
        try {
            blocks = LoadStateFile(file);
        } catch (const StateFileError& error) {
            err << error.what() << "\n";
            return 2;
        }
        std::string stem = file.stem().string();
        const Model* model = FindModel(stem);
        for (const auto& block : blocks) {
            std::string where = file.filename().string() + " [state." + block.id + "]";
            if (!model) {
                out << where << ": no model with id '" << stem << "'\n";
                ++unexplained;
                continue;
            }
            std::vector<std::string> matching;
            Attempt best = Best(*model, eras, block, &matching);
            if (!best.diffs.empty()) {
                // Some dumps are mislabelled upstream: identify the model by its controls.
                for (const auto& other : Models()) {
                    if (&other == model) continue;
                    std::vector<std::string> other_matching;
                    Attempt attempt = Best(other, eras, block, &other_matching);
                    if (attempt.diffs.empty()) {
                        out << where << ": " << block.controls.size() << " controls, not a "
                            << model->id << " dump: matches " << other.id << " exactly, era "
                            << other_matching.front() << "\n";
                        best = attempt;
                        break;
                    }
                }
                if (best.diffs.empty()) continue;
            }
            for (const auto& diff : best.diffs) out << "  " << where << ": " << diff << "\n";
            out << where << ": " << block.controls.size() << " controls, ";
            if (best.diffs.empty()) {
                out << "matches " << model->id << " exactly, era ";
                for (size_t i = 0; i < matching.size(); ++i) out << (i ? " / " : "") << matching[i];
                out << "\n";
            } else {
                out << best.diffs.size() << " difference(s) from " << model->id << " in its "
                    << "closest era " << best.era << (best.msd ? " with MSD switch" : "")
                    << " ('missing': only in the dump; 'unexpected': only in the model)\n";
                ++unexplained;
            }
        }
    }
    out << files.size() << " dump file(s), " << unexplained
        << " block(s) with differences no era explains\n";
    return unexplained ? 1 : 0;
}

}  // namespace

int RunModelCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << USAGE;
        return 2;
    }
    if (args[0] == "models" && args.size() == 1) return ListModels(out);
    if (args[0] == "show") return Show(args, out, err);
    if (args[0] == "diff") return Diff(args, out, err);
    err << USAGE;
    return 2;
}

}  // namespace Sim
