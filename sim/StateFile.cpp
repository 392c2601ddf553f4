// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/StateFile.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace Sim {

bool StateControl::HasAccess(std::string_view word) const {
    return std::find(access.begin(), access.end(), word) != access.end();
}

std::string StateControl::Describe() const {
    std::string out = iface + " '" + name + "'," + std::to_string(index);
    if (device) out += " device " + std::to_string(*device);
    if (subdevice) out += " subdevice " + std::to_string(*subdevice);
    return out;
}

const StateControl* StateBlock::Find(std::string_view iface, std::string_view name, unsigned index,
                                     std::optional<unsigned> device,
                                     std::optional<unsigned> subdevice) const {
    for (const auto& control : controls)
        if (control.iface == iface && control.name == name && control.index == index &&
            control.device.value_or(0) == device.value_or(0) &&
            control.subdevice.value_or(0) == subdevice.value_or(0))
            return &control;
    return nullptr;
}

std::optional<Alsa::Iface> ParseStateIface(std::string_view word) {
    // alsactl writes the names in capitals; another spelling is no iface word.
    std::string lower;
    for (const char c : word) {
        if (std::islower(static_cast<unsigned char>(c))) return std::nullopt;
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return Alsa::ParseIface(lower);
}

std::vector<StateBlock> LoadStateFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StateFileError(path.string() + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw StateFileError(path.string() + ": read error");
    return ParseState(text.str(), path.string());
}

const StateBlock& SelectBlock(const std::vector<StateBlock>& blocks, std::string_view id) {
    if (id.empty()) {
        if (blocks.size() == 1) return blocks.front();
        std::string ids;
        for (const auto& block : blocks) ids += " " + block.id;
        throw StateFileError(blocks.empty() ? std::string("no state blocks")
                                            : "several state blocks, choose one of:" + ids);
    }
    for (const auto& block : blocks)
        if (block.id == id) return block;
    throw StateFileError("no block state." + std::string(id));
}

}  // namespace Sim
