// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Control values in dB, from the control's TLV (or the dB range alsactl wrote). */

#include <limits>
#include <optional>

#include "sim/StateFile.hpp"

namespace Sim::DeviceDetail {

inline constexpr double SILENCE = -std::numeric_limits<double>::infinity();

/** @p value of control @p c in dB (SILENCE for a mute value), if it has a dB scale. */
std::optional<double> Decibels(const StateControl& c, long long value);

/** The value of @p c nearest to @p db, if it has a dB scale. */
std::optional<long long> ValueForDecibels(const StateControl& c, double db);

}  // namespace Sim::DeviceDetail
