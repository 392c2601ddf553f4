// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/Values.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

namespace Osc {

using nlohmann::json;

ControlView::ControlView(const json& full)
    : numid(full.at("numid").get<unsigned>()),
      type(full.at("type").get<std::string>()),
      count(full.value("count", 1u)),
      value(full.value("value", json::array())),
      db_value(full.value("db_value", json())) {
    if (full.contains("items"))
        for (const auto& item : full["items"]) items.push_back(item.get<std::string>());
    if (full.contains("db") && full["db"].contains("min") && full["db"]["min"].is_number())
        db_min = full["db"]["min"].get<double>();
}

ControlInfo InfoFor(const json& full) {
    ControlInfo info;
    info.numid = full.at("numid").get<unsigned>();
    info.name = full.at("name").get<std::string>();
    info.type = full.at("type").get<std::string>();
    info.count = full.value("count", 1u);
    info.has_db = full.contains("db") && full["db"].is_object();
    return info;
}

AddressSpace SpaceFor(const json& controls) {
    std::vector<ControlInfo> infos;
    std::map<unsigned, unsigned> indexes;
    for (const json& c : controls) {
        try {
            infos.push_back(InfoFor(c));
            if (const unsigned index = c.value("index", 0u); index != 0)
                indexes[infos.back().numid] = index;
        } catch (const std::exception&) {
        }
    }
    return AddressSpace::Build(infos, indexes);
}

void ControlView::Update(const json& changed) {
    if (changed.contains("value")) value = changed["value"];
    if (changed.contains("db_value")) db_value = changed["db_value"];
}

namespace {

json Scalar(const ControlView& c, const Arg& arg) {
    if (c.type == "boolean") {
        if (arg.type == 'T' || arg.type == 'F') return arg.type == 'T';
        if (arg.type == 'i') return arg.i != 0;
        if (arg.type == 'f') return arg.f != 0;
        throw std::invalid_argument("a switch takes i, f, T or F");
    }
    if (c.type == "enumerated") {
        if (arg.type == 'i') {
            if (arg.i < 0 || static_cast<size_t>(arg.i) >= c.items.size())
                throw std::invalid_argument("no item " + std::to_string(arg.i) + " (0.." +
                                            std::to_string(c.items.size() - 1) + ")");
            return c.items[static_cast<size_t>(arg.i)];
        }
        if (arg.type == 's') return arg.s;
        throw std::invalid_argument("a choice takes i (its index) or s (its label)");
    }
    if (c.IsInteger()) {
        if (arg.type == 'i') return arg.i;
        if (arg.type == 'f') {
            if (!std::isfinite(arg.f)) throw std::invalid_argument("not a finite number");
            if (c.db_min) return arg.f;
            return std::llround(arg.f);
        }
        throw std::invalid_argument("a level takes f or i");
    }
    if (c.type == "text") {
        if (arg.type == 's') return arg.s;
        throw std::invalid_argument("a name takes s");
    }
    throw std::invalid_argument("a " + c.type + " control has no OSC form; use scarlettctl");
}

}  // namespace

json ChangeFor(const ControlView& c, std::optional<unsigned> channel,
               const std::vector<Arg>& args) {
    if (args.size() != 1)
        throw std::invalid_argument("one argument expected, " + std::to_string(args.size()) +
                                    " given");
    if (channel && *channel >= c.count) throw std::invalid_argument("no such channel");
    const json v = Scalar(c, args[0]);
    /* A level in dB: the protocol's db change; else a value. */
    const bool db = c.IsInteger() && c.db_min && args[0].type == 'f';
    const char* key = db ? "db" : "value";
    if (!channel || c.count == 1) return {{key, v}};
    /* One channel: the others keep what they have. */
    const json& now = db ? c.db_value : c.value;
    if (!now.is_array() || now.size() != c.count)
        throw std::invalid_argument("the other channels' values are not known yet");
    json all = now;
    for (const auto& x : all)
        if (x.is_null()) throw std::invalid_argument("a channel is muted below its dB range");
    all[*channel] = v;
    return {{key, all}};
}

std::vector<Arg> ArgsFor(const ControlView& c, std::optional<unsigned> channel) {
    std::vector<Arg> out;
    for (unsigned ch = 0; ch < c.count && ch < c.value.size(); ++ch) {
        if (channel && ch != *channel) continue;
        const json& v = c.value[ch];
        if (c.type == "boolean") {
            out.push_back(Arg::Int(v.get<bool>() ? 1 : 0));
        } else if (c.type == "enumerated") {
            const std::string label = v.get<std::string>();
            int32_t index = -1;
            for (size_t k = 0; k < c.items.size(); ++k)
                if (c.items[k] == label) index = static_cast<int32_t>(k);
            out.push_back(Arg::Int(index));
            out.push_back(Arg::String(label));
        } else if (c.IsInteger() && c.db_min) {
            const json db =
                c.db_value.is_array() && ch < c.db_value.size() ? c.db_value[ch] : json();
            out.push_back(
                Arg::Float(static_cast<float>(db.is_number() ? db.get<double>() : *c.db_min)));
        } else if (c.type == "text" && v.is_string()) {
            out.push_back(Arg::String(v.get<std::string>()));
        } else if (v.is_number_integer()) {
            out.push_back(Arg::Int(static_cast<int32_t>(v.get<int64_t>())));
        }
    }
    return out;
}

}  // namespace Osc
