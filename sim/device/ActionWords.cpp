// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/ActionWords.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "sim/device/DeviceTypes.hpp"

namespace Sim::DeviceDetail {

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<double> ParseDouble(std::string_view text) {
    double value = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

unsigned ParseInput(std::span<const std::string> words, std::size_t at) {
    const auto number = at < words.size() ? ParseDouble(words[at]) : std::nullopt;
    if (!number || *number < 1 || *number > 999 || *number != std::floor(*number)) {
        throw ActionError("'" + std::string(words[0]) + "' needs an input number, e.g. '" +
                          std::string(words[0]) +
                          (words.size() > 1 && at > 1 ? " " + words[1] : "") + " 1'");
    }
    return static_cast<unsigned>(*number);
}

const Input& InputFor(const Layout& layout, unsigned input, std::string_view what) {
    const auto it = layout.inputs.find(input);
    if (it == layout.inputs.end()) {
        throw ActionError("this model has no " + std::string(what) + " on input " +
                          std::to_string(input));
    }
    return it->second;
}

std::string HelpLine(std::string_view usage, std::string_view what) {
    std::string line(usage);
    line.resize(std::max<std::size_t>(line.size() + 2, 34), ' ');
    return line + std::string(what);
}

std::string Ranges(const std::vector<unsigned>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        out += std::to_string(numbers[i]);
        if (j > i) out += "-" + std::to_string(numbers[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace Sim::DeviceDetail
