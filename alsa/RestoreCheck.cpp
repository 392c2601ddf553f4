// SPDX-License-Identifier: GPL-3.0-or-later
#include "alsa/RestoreCheck.hpp"

#include <sstream>
#include <system_error>

#include "alsa/Identity.hpp"

namespace Alsa {

namespace {

constexpr const char* RULE = "90-alsa-restore.rules";
constexpr const char* RULE_DIRS[] = {"etc/udev/rules.d", "run/udev/rules.d",
                                     "usr/local/lib/udev/rules.d", "usr/lib/udev/rules.d",
                                     "lib/udev/rules.d"};
constexpr const char* STATE_FILE = "var/lib/alsa/asound.state";

/** The rule file udev uses, if it runs alsactl; nullopt when absent or masked. */
std::optional<std::string> ActiveRule(const std::filesystem::path& root) {
    for (const char* dir : RULE_DIRS) {
        const std::string relative = std::string(dir) + "/" + RULE;
        const auto path = root / relative;
        std::error_code ec;
        const auto status = std::filesystem::symlink_status(path, ec);
        if (ec || !std::filesystem::exists(status)) continue;
        /* The first file of this name hides the others, whatever it holds. */
        if (std::filesystem::is_symlink(status) &&
            std::filesystem::read_symlink(path, ec) == "/dev/null")
            return std::nullopt;
        const auto text = ReadSmallFile(path);
        if (!text || text->find("alsactl") == std::string::npos ||
            text->find("restore") == std::string::npos)
            return std::nullopt;
        return "/" + relative;
    }
    return std::nullopt;
}

bool HasStateBlock(const std::string& text, const std::string& card_id) {
    std::istringstream lines(text);
    std::string line;
    const std::string key = "state." + card_id;
    while (std::getline(lines, line)) {
        const size_t start = line.find_first_not_of(" \t");
        if (start == std::string::npos || line.compare(start, key.size(), key) != 0) continue;
        const size_t after = start + key.size();
        if (after == line.size() || line[after] == ' ' || line[after] == '\t' || line[after] == '{')
            return true;
    }
    return false;
}

}  // namespace

std::optional<RestoreConflict> FindRestoreConflict(const std::filesystem::path& root,
                                                   const std::string& card_id) {
    if (card_id.empty()) return std::nullopt;
    auto rule = ActiveRule(root);
    if (!rule) return std::nullopt;
    /* The rule tests for the binary before running it. */
    std::error_code ec;
    if (!std::filesystem::exists(root / "usr/sbin/alsactl", ec)) return std::nullopt;
    const auto state = ReadSmallFile(root / STATE_FILE);
    if (!state || !HasStateBlock(*state, card_id)) return std::nullopt;
    return RestoreConflict{*rule, std::string("/") + STATE_FILE};
}

}  // namespace Alsa
