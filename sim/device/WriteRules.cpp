// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/WriteRules.hpp"

#include <cerrno>

#include "sim/device/Autogain.hpp"

namespace Sim::DeviceDetail {

int CheckWrite(const Controls& controls, const Autogain& autogain, std::size_t index,
               std::span<const long long> values) {
    if (index >= controls.Size()) return -EINVAL;
    const StateControl& c = controls.Control(index);
    const ControlState& s = controls.State(index);
    if (IsBytes(c)) return -EINVAL;
    if (!s.writable) return -EPERM;
    if (autogain.RefusesWrite(index)) return -EPERM;
    if (values.size() != s.values.size()) return -EINVAL;
    for (long long v : values) {
        if (c.type == "BOOLEAN") {
            if (v != 0 && v != 1) return -EINVAL;
        } else if (c.type == "ENUMERATED") {
            if (v < 0 || v >= static_cast<long long>(c.items.size())) return -EINVAL;
        } else if (c.range && (c.range->min != 0 || c.range->max != 0)) {
            if (v < c.range->min || v > c.range->max) return -EINVAL;
            if (c.range->step > 1 && (v - c.range->min) % c.range->step != 0) return -EINVAL;
        }
    }
    return 0;
}

int CheckWriteBytes(const Controls& controls, std::size_t index,
                    std::span<const unsigned char> bytes) {
    if (index >= controls.Size()) return -EINVAL;
    const ControlState& s = controls.State(index);
    if (!IsBytes(controls.Control(index))) return -EINVAL;
    if (!s.writable) return -EPERM;
    if (bytes.size() != s.bytes.size()) return -EINVAL;
    return 0;
}

}  // namespace Sim::DeviceDetail
