// SPDX-License-Identifier: GPL-3.0-or-later
/* The differences between two state blocks, one readable line each. */

#include <algorithm>
#include <map>
#include <tuple>

#include "sim/StateFile.hpp"

namespace Sim {

std::vector<std::string> CompareBlocks(const StateBlock& expected, const StateBlock& actual,
                                       const CompareOptions& options) {
    std::vector<std::string> diffs;
    using Key = std::tuple<std::string, std::string, unsigned, unsigned, unsigned>;
    auto key_of = [](const StateControl& control) {
        return Key{control.iface, control.name, control.index, control.device.value_or(0),
                   control.subdevice.value_or(0)};
    };
    std::map<Key, const StateControl*> actual_by_key;
    for (const auto& control : actual.controls) actual_by_key[key_of(control)] = &control;

    auto filtered_access = [&](const StateControl& control) {
        std::vector<std::string> words;
        for (const auto& word : control.access)
            if (std::find(options.ignore_access.begin(), options.ignore_access.end(), word) ==
                options.ignore_access.end())
                words.push_back(word);
        std::sort(words.begin(), words.end());
        return words;
    };
    auto join = [](const std::vector<std::string>& list) {
        std::string out = "[";
        for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i];
        return out + "]";
    };
    auto join_numbers = [&](const auto& list) {
        std::vector<std::string> text;
        for (auto number : list) text.push_back(std::to_string(number));
        return join(text);
    };
    auto range_text = [](const std::optional<StateRange>& range) {
        if (!range) return std::string("none");
        return std::to_string(range->min) + " - " + std::to_string(range->max) + " (step " +
               std::to_string(range->step) + ")";
    };
    auto optional_text = [](const std::optional<long long>& value) {
        return value ? std::to_string(*value) : std::string("none");
    };

    std::map<Key, bool> seen;
    for (const auto& want : expected.controls) {
        Key key = key_of(want);
        seen[key] = true;
        auto found = actual_by_key.find(key);
        std::string where = want.Describe() + ": ";
        if (found == actual_by_key.end()) {
            diffs.push_back(where + "missing");
            continue;
        }
        const StateControl& got = *found->second;
        if (want.type != got.type) diffs.push_back(where + "type " + want.type + " != " + got.type);
        if (want.count != got.count)
            diffs.push_back(where + "count " + std::to_string(want.count) +
                            " != " + std::to_string(got.count));
        if (filtered_access(want) != filtered_access(got))
            diffs.push_back(where + "access " + join(want.access) + " != " + join(got.access));
        if (want.range != got.range)
            diffs.push_back(where + "range " + range_text(want.range) +
                            " != " + range_text(got.range));
        if (want.items != got.items)
            diffs.push_back(where + "items " + join(want.items) + " != " + join(got.items));
        if (want.dbmin != got.dbmin || want.dbmax != got.dbmax)
            diffs.push_back(where + "dB range " + optional_text(want.dbmin) + ".." +
                            optional_text(want.dbmax) + " != " + optional_text(got.dbmin) + ".." +
                            optional_text(got.dbmax));
        bool compare_tlv = !options.ignore_tlv && !(options.ignore_missing_tlv && want.tlv.empty());
        if (compare_tlv && want.tlv != got.tlv)
            diffs.push_back(where + "tlv " + join_numbers(want.tlv) +
                            " != " + join_numbers(got.tlv));
        bool check_values = !options.ignore_values &&
                            !(options.ignore_read_only_values && !want.HasAccess("write"));
        if (check_values && want.values != got.values)
            diffs.push_back(where + "values " + join(want.values) + " != " + join(got.values));
        if (check_values && !options.ignore_dbvalues && want.dbvalues != got.dbvalues)
            diffs.push_back(where + "dB values " + join_numbers(want.dbvalues) +
                            " != " + join_numbers(got.dbvalues));
    }
    if (!options.allow_extra)
        for (const auto& control : actual.controls)
            if (!seen.count(key_of(control))) diffs.push_back(control.Describe() + ": unexpected");
    if (options.compare_order) {
        // The first control both blocks have whose position among the common ones differs.
        std::vector<const StateControl*> want_common, got_common;
        for (const auto& control : expected.controls)
            if (actual_by_key.count(key_of(control))) want_common.push_back(&control);
        for (const auto& control : actual.controls)
            if (seen.count(key_of(control))) got_common.push_back(&control);
        for (size_t i = 0; i < want_common.size() && i < got_common.size(); ++i) {
            if (key_of(*want_common[i]) == key_of(*got_common[i])) continue;
            diffs.push_back(want_common[i]->Describe() + ": order: numid " +
                            std::to_string(want_common[i]->numid) + " comes where the other has " +
                            got_common[i]->Describe());
            break;
        }
    }
    return diffs;
}

}  // namespace Sim
