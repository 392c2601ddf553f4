// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* What a client may write: the checks the driver's put() makes before it acts. */

#include <cstddef>
#include <span>

#include "sim/device/Controls.hpp"

namespace Sim::DeviceDetail {

class Autogain;

/** 0 when the write may go ahead, else -EPERM (not writable now) or -EINVAL. */
int CheckWrite(const Controls& controls, const Autogain& autogain, std::size_t index,
               std::span<const long long> values);
int CheckWriteBytes(const Controls& controls, std::size_t index,
                    std::span<const unsigned char> bytes);

}  // namespace Sim::DeviceDetail
