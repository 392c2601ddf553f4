// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/Route.hpp"

#include "bridges/osc/AddressSpace.hpp"

namespace Osc {

std::optional<Routed> Route(std::string_view address, const std::vector<DeviceName>& devices) {
    if (address.size() < 2 || address[0] != '/') return std::nullopt;
    const size_t slash = address.find('/', 1);
    const std::string_view first =
        address.substr(1, slash == std::string_view::npos ? std::string_view::npos : slash - 1);
    const std::string rest(slash == std::string_view::npos ? std::string_view()
                                                           : address.substr(slash));
    if (!rest.empty()) {
        for (size_t k = 0; k < devices.size(); ++k)
            if (!devices[k].nickname.empty() && EscapeName(devices[k].nickname) == first)
                return Routed{k, rest};
        for (size_t k = 0; k < devices.size(); ++k)
            if (EscapeName(devices[k].id) == first) return Routed{k, rest};
        if (!first.empty() && first.find_first_not_of("0123456789") == std::string_view::npos &&
            first.size() < 6) {
            const size_t position = std::stoul(std::string(first));
            if (position >= 1 && position <= devices.size()) return Routed{position - 1, rest};
        }
    }
    /* One device: its addresses without a prefix. */
    if (devices.size() == 1) return Routed{0, std::string(address)};
    return std::nullopt;
}

std::string DevicePrefix(const DeviceName& device, size_t devices) {
    if (devices == 1) return "";
    return "/" + EscapeName(device.nickname.empty() ? device.id : device.nickname);
}

}  // namespace Osc
