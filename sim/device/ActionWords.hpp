// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The words of hardware actions: reading numbers and inputs, writing help lines. */

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/device/Layout.hpp"

namespace Sim::DeviceDetail {

std::string Lower(std::string_view text);

/** A finite number, with an optional leading '+'; nullopt for anything else. */
std::optional<double> ParseDouble(std::string_view text);

/** The input number at @p at of an action's words; throws ActionError naming the usage. */
unsigned ParseInput(std::span<const std::string> words, std::size_t at);

/** Input @p input's controls; throws ActionError ("no @p what on input N") if it has none. */
const Input& InputFor(const Layout& layout, unsigned input, std::string_view what);

/** "usage   what it does", the what in a column. */
std::string HelpLine(std::string_view usage, std::string_view what);

/* "1-4", "1, 3, 5-8": how the help names a set of inputs. */
std::string Ranges(const std::vector<unsigned>& numbers);

}  // namespace Sim::DeviceDetail
