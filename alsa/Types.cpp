// SPDX-License-Identifier: GPL-3.0-or-later
#include "alsa/Types.hpp"

#include <array>

namespace Alsa {

namespace {
constexpr std::array IFACE_NAMES{"card",    "hwdep", "mixer",     "pcm",
                                 "rawmidi", "timer", "sequencer", "daemon"};
}

const char* IfaceName(Iface iface) noexcept {
    return IFACE_NAMES[static_cast<size_t>(iface)];
}

std::optional<Iface> ParseIface(std::string_view name) noexcept {
    for (size_t i = 0; i < IFACE_NAMES.size(); ++i)
        if (name == IFACE_NAMES[i]) return static_cast<Iface>(i);
    return std::nullopt;
}

const char* TypeName(ElemType type) noexcept {
    switch (type) {
        case ElemType::Boolean:
            return "boolean";
        case ElemType::Integer:
            return "integer";
        case ElemType::Integer64:
            return "integer64";
        case ElemType::Enumerated:
            return "enumerated";
        case ElemType::Bytes:
            return "bytes";
        case ElemType::Iec958:
            return "iec958";
        case ElemType::Text:
            return "text";
        case ElemType::None:
            break;
    }
    return "none";
}

const char* FamilyName(Family family) noexcept {
    switch (family) {
        case Family::Gen1:
            return "gen1";
        case Family::Scarlett2:
            return "scarlett2";
        case Family::Fcp:
            return "fcp";
        case Family::Other:
            break;
    }
    return "other";
}

}  // namespace Alsa
