// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/JsonCodec.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "alsa/Tlv.hpp"
#include "daemon/core/DaemonControls.hpp"
#include "daemon/core/NotWritable.hpp"
#include "ipc/Error.hpp"
#include "ipc/Json.hpp"

namespace Codec {

namespace {

using Ipc::ErrorCode;
using Ipc::RpcError;

bool IsNumberType(Alsa::ElemType t) {
    return t == Alsa::ElemType::Integer || t == Alsa::ElemType::Integer64;
}

bool HasDb(const Alsa::ControlInfo& info) {
    return IsNumberType(info.type) && !info.db_tlv.empty() &&
           Alsa::GetDbRange(info.db_tlv, info.min, info.max).has_value();
}

json AccessToJson(const Alsa::Access& a) {
    json out = json::array();
    if (a.read) out.push_back("read");
    if (a.write) out.push_back("write");
    if (a.is_volatile) out.push_back("volatile");
    if (a.inactive) out.push_back("inactive");
    if (a.locked) out.push_back("locked");
    if (a.user) out.push_back("user");
    if (a.tlv_read) out.push_back("tlv_read");
    if (a.tlv_write) out.push_back("tlv_write");
    if (a.tlv_command) out.push_back("tlv_command");
    return out;
}

json DbValues(const Alsa::ControlInfo& info, const Alsa::Value& value) {
    json out = json::array();
    for (int64_t raw : value.numbers) {
        auto db = Alsa::RawToDb(info.db_tlv, info.min, info.max, raw);
        out.push_back(db ? json(*db) : json(nullptr));
    }
    return out;
}

std::string Hex(const std::vector<uint8_t>& bytes) {
    static constexpr char DIGITS[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        s.push_back(DIGITS[b >> 4]);
        s.push_back(DIGITS[b & 15]);
    }
    return s;
}

json FirmwareToJson(const Core::Device& device) {
    const Alsa::Control* version = nullptr;
    const Alsa::Control* minimum = nullptr;
    for (const auto& [numid, c] : device.controls) {
        if (c.info.id.iface != Alsa::Iface::Card) continue;
        if (c.info.id.name == "Firmware Version") version = &c;
        if (c.info.id.name == "Minimum Firmware Version") minimum = &c;
    }
    if (!version || version->value.numbers.empty()) return nullptr;
    /* scarlett2 reports one build number; FCP devices four parts ("2.0.2464.0"). */
    auto to_json = [](const Alsa::Control& c) -> json {
        if (c.value.numbers.size() == 1) return c.value.numbers[0];
        std::string s;
        for (int64_t n : c.value.numbers) s += (s.empty() ? "" : ".") + std::to_string(n);
        return s;
    };
    json fw = {{"version", to_json(*version)}};
    fw["minimum"] = minimum && !minimum->value.numbers.empty() ? to_json(*minimum) : json(nullptr);
    return fw;
}

[[noreturn]] void Invalid(const Alsa::ControlInfo& info, const std::string& message) {
    throw RpcError(ErrorCode::ValueInvalid, message, ValueErrorData(info));
}

std::string FormatDb(double db) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), std::fabs(db) < 1e6 ? "%.2f" : "%g", db);
    return buffer;
}

std::string Quoted(const Alsa::ControlInfo& info) {
    return "'" + info.id.name + "'";
}

int64_t ParseEnum(const Alsa::ControlInfo& info, const json& v) {
    if (v.is_string()) {
        const auto& label = v.get_ref<const std::string&>();
        for (size_t i = 0; i < info.items.size(); ++i)
            if (info.items[i] == label) return static_cast<int64_t>(i);
        Invalid(info, "unknown item '" + label + "' for " + Quoted(info));
    }
    if (v.is_number_integer()) {
        const auto i = v.get<int64_t>();
        if (i < 0 || static_cast<size_t>(i) >= info.items.size())
            Invalid(info,
                    "item index " + std::to_string(i) + " is out of range for " + Quoted(info));
        return i;
    }
    Invalid(info, Quoted(info) + " takes an item label or index");
}

int64_t ParseScalar(const Alsa::ControlInfo& info, const json& v) {
    switch (info.type) {
        case Alsa::ElemType::Boolean:
            if (!v.is_boolean()) Invalid(info, Quoted(info) + " takes true or false");
            return v.get<bool>() ? 1 : 0;
        case Alsa::ElemType::Enumerated:
            return ParseEnum(info, v);
        case Alsa::ElemType::Integer:
        case Alsa::ElemType::Integer64: {
            if (!v.is_number_integer()) Invalid(info, Quoted(info) + " takes an integer");
            /* An unsigned beyond int64 is out of range whatever the control says. */
            if (v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX)
                Invalid(info, "value is out of range for " + Quoted(info));
            const auto n = v.get<int64_t>();
            if (n < info.min || n > info.max)
                Invalid(info, std::to_string(n) + " is out of range for " + Quoted(info) + " (" +
                                  std::to_string(info.min) + ".." + std::to_string(info.max) + ")");
            if (info.step > 1 && (n - info.min) % info.step != 0)
                Invalid(info, std::to_string(n) + " is not a multiple of the step " +
                                  std::to_string(info.step) + " of " + Quoted(info));
            return n;
        }
        default:
            Invalid(info, Quoted(info) + " cannot be set with a scalar");
    }
}

/* IEC958 values are the whole snd_aes_iec958 struct, as read, whatever `count` says. */
constexpr size_t IEC958_BYTES = 24 + 147 + 1 + 4;

std::vector<uint8_t> ParseHex(const Alsa::ControlInfo& info, const json& v) {
    if (!v.is_string()) Invalid(info, Quoted(info) + " takes a hex string");
    const auto& s = v.get_ref<const std::string&>();
    const size_t bytes = info.type == Alsa::ElemType::Iec958 ? IEC958_BYTES : info.count;
    if (s.size() != 2 * bytes)
        Invalid(info, Quoted(info) + " takes " + std::to_string(bytes) + " bytes (" +
                          std::to_string(2 * bytes) + " hex digits)");
    std::vector<uint8_t> out(bytes);
    auto nibble = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        Invalid(info, "'" + s + "' is not a hex string");
    };
    for (size_t i = 0; i < bytes; ++i)
        out[i] = static_cast<uint8_t>(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
    return out;
}

/** Scalar for every channel, or an array of exactly `count` entries. */
template <typename F>
std::vector<int64_t> PerChannel(const Alsa::ControlInfo& info, const json& v, F&& parse) {
    std::vector<int64_t> out;
    if (v.is_array()) {
        if (v.size() != info.count)
            Invalid(info, Quoted(info) + " has " + std::to_string(info.count) + " channels, got " +
                              std::to_string(v.size()) + " values");
        for (const auto& e : v) out.push_back(parse(e));
    } else {
        out.assign(info.count, parse(v));
    }
    return out;
}

void RequireDb(const Alsa::ControlInfo& info) {
    if (!HasDb(info)) Invalid(info, Quoted(info) + " has no dB scale");
}

}  // namespace

json IdToJson(const Alsa::ControlId& id) {
    return {{"numid", id.numid}, {"name", id.name}, {"index", id.index}};
}

json ValueToJson(const Alsa::ControlInfo& info, const Alsa::Value& value) {
    json out = json::array();
    switch (info.type) {
        case Alsa::ElemType::Boolean:
            for (int64_t n : value.numbers) out.push_back(n != 0);
            break;
        case Alsa::ElemType::Enumerated:
            for (int64_t n : value.numbers) {
                if (n >= 0 && static_cast<size_t>(n) < info.items.size())
                    out.push_back(info.items[static_cast<size_t>(n)]);
                else
                    out.push_back(n); /* the driver reported an index it did not declare */
            }
            break;
        case Alsa::ElemType::Bytes:
        case Alsa::ElemType::Iec958:
            out.push_back(Hex(value.bytes));
            break;
        case Alsa::ElemType::Text:
            out.push_back(std::string(value.bytes.begin(), value.bytes.end()));
            break;
        default:
            for (int64_t n : value.numbers) out.push_back(n);
    }
    return out;
}

json ValueErrorData(const Alsa::ControlInfo& info) {
    json data = {{"control", info.id.name}};
    if (IsNumberType(info.type)) {
        data["min"] = info.min;
        data["max"] = info.max;
        if (HasDb(info)) {
            auto range = Alsa::GetDbRange(info.db_tlv, info.min, info.max);
            data["db"] = {{"min", range->min}, {"max", range->max}};
        }
    } else if (info.type == Alsa::ElemType::Enumerated) {
        data["items"] = info.items;
    } else if (info.type == Alsa::ElemType::Boolean) {
        data["items"] = {false, true};
    } else if (info.type == Alsa::ElemType::Text) {
        data["max_bytes"] = Core::MAX_TEXT_BYTES;
    }
    data["count"] = info.count;
    return data;
}

json ControlToJson(const Alsa::Control& control) {
    const auto& info = control.info;
    json out = {{"numid", info.id.numid},
                {"iface", Alsa::IfaceName(info.id.iface)},
                {"name", info.id.name},
                {"index", info.id.index},
                {"type", Alsa::TypeName(info.type)},
                {"count", info.count},
                {"access", AccessToJson(info.access)},
                {"writable", info.access.IsWritable()}};
    if (info.id.device) out["device"] = info.id.device;
    if (info.id.subdevice) out["subdevice"] = info.id.subdevice;
    if (IsNumberType(info.type)) {
        out["min"] = info.min;
        out["max"] = info.max;
        out["step"] = info.step;
    }
    if (info.type == Alsa::ElemType::Enumerated) out["items"] = info.items;
    const bool has_db = HasDb(info);
    if (has_db) {
        auto range = Alsa::GetDbRange(info.db_tlv, info.min, info.max);
        out["db"] = {{"min", range->min}, {"max", range->max}, {"mute", range->mute}};
    }
    out["value"] = ValueToJson(info, control.value);
    if (has_db) out["db_value"] = DbValues(info, control.value);
    return out;
}

json NotWritableToJson(const Core::NotWritable& why) {
    json out = {{"reason", why.reason}, {"message", why.message}};
    if (why.control) out["control"] = *why.control;
    return out;
}

json ControlToJson(const Core::Device& device, const Alsa::Control& control) {
    json out = ControlToJson(control);
    if (const auto why = Core::WhyNotWritable(device, control))
        out["not_writable"] = NotWritableToJson(*why);
    return out;
}

json ControlValueToJson(const Alsa::Control& control) {
    json out = IdToJson(control.info.id);
    out["value"] = ValueToJson(control.info, control.value);
    if (HasDb(control.info)) out["db_value"] = DbValues(control.info, control.value);
    return out;
}

ValueText::ValueText(const Alsa::ControlInfo& info) : has_db_(HasDb(info)) {
    prefix_ = "\"index\":" + std::to_string(info.id.index) +
              ",\"name\":" + Ipc::Encode(json(info.id.name)) +
              ",\"numid\":" + std::to_string(info.id.numid) + ",\"value\":";
    if (info.type == Alsa::ElemType::Enumerated)
        for (const auto& item : info.items) items_.push_back(Ipc::Encode(json(item)));
}

void ValueText::Append(std::string& out, const Alsa::Control& control) {
    const Alsa::ControlInfo& info = control.info;
    const Alsa::Value& value = control.value;
    char number[24];
    const auto append_number = [&](int64_t n) {
        const auto end = std::to_chars(number, number + sizeof(number), n).ptr;
        out.append(number, end);
    };
    out += '{';
    if (has_db_) {
        out += "\"db_value\":[";
        bool first = true;
        for (int64_t raw : value.numbers) {
            if (!first) out += ',';
            first = false;
            auto it = db_.find(raw);
            if (it == db_.end()) {
                if (db_.size() >= DB_KEPT) db_.clear();
                const auto db = Alsa::RawToDb(info.db_tlv, info.min, info.max, raw);
                std::string text;
                if (db)
                    Ipc::AppendNumber(text, *db);
                else
                    text = "null";
                it = db_.emplace(raw, std::move(text)).first;
            }
            out += it->second;
        }
        out += "],";
    }
    out += prefix_;
    out += '[';
    switch (info.type) {
        case Alsa::ElemType::Boolean:
            for (size_t i = 0; i < value.numbers.size(); ++i)
                out += i ? (value.numbers[i] ? ",true" : ",false")
                         : (value.numbers[i] ? "true" : "false");
            break;
        case Alsa::ElemType::Enumerated:
            for (size_t i = 0; i < value.numbers.size(); ++i) {
                if (i) out += ',';
                const int64_t n = value.numbers[i];
                if (n >= 0 && static_cast<size_t>(n) < items_.size())
                    out += items_[static_cast<size_t>(n)];
                else
                    append_number(n); /* an index the driver did not declare */
            }
            break;
        case Alsa::ElemType::Bytes:
        case Alsa::ElemType::Iec958:
            ((out += '"') += Hex(value.bytes)) += '"';
            break;
        case Alsa::ElemType::Text:
            out += Ipc::Encode(json(std::string(value.bytes.begin(), value.bytes.end())));
            break;
        default:
            for (size_t i = 0; i < value.numbers.size(); ++i) {
                if (i) out += ',';
                append_number(value.numbers[i]);
            }
    }
    out += "]}";
}

json SettingsToJson(const Core::DeviceSettings& settings) {
    json set = json::array();
    for (const auto& guard : settings.set)
        set.push_back({{"match", guard.match}, {"value", json::parse(guard.value_json)}});
    return {{"nickname", settings.nickname ? json(*settings.nickname) : json(nullptr)},
            {"on_attach",
             {{"restore", settings.restore},
              {"preset", settings.preset ? json(*settings.preset) : json(nullptr)},
              {"set", std::move(set)}}}};
}

json DeviceToJson(const Core::Device& device) {
    const auto& id = device.identity;
    json usb = nullptr;
    if (id.usb)
        usb = {{"vendor", id.usb->vendor},
               {"product", id.usb->product},
               {"serial", id.usb->serial.empty() ? json(nullptr) : json(id.usb->serial)}};
    return {
        {"id", id.id},
        {"online", device.online},
        {"card", device.online && id.card >= 0 ? json(id.card) : json(nullptr)},
        {"ctl", device.online ? json(id.ctl) : json(nullptr)},
        {"name", id.name},
        {"longname", id.longname},
        {"model", id.model ? json(*id.model) : json(nullptr)},
        {"family", Alsa::FamilyName(id.family)},
        {"usb", usb},
        {"firmware", FirmwareToJson(device)},
        {"controls", device.controls.size()},
        {"nickname", device.settings.nickname ? json(*device.settings.nickname) : json(nullptr)},
        {"settings", SettingsToJson(device.settings)}};
}

Alsa::Value ResolveChange(const Alsa::Control& control, const json& change) {
    static constexpr std::string_view KINDS[] = {"value", "db", "step", "db_step", "toggle"};
    const auto& info = control.info;
    std::string_view kind;
    for (auto k : KINDS) {
        if (!change.contains(k)) continue;
        if (!kind.empty())
            throw Ipc::ParamsInvalid(std::string(k),
                                     "a change takes exactly one of value, db, "
                                     "step, db_step, toggle");
        kind = k;
    }
    if (kind.empty())
        throw Ipc::ParamsInvalid("value", "a change takes one of value, db, step, db_step, toggle");
    const json& v = change.at(std::string(kind));

    Alsa::Value out;
    if (kind == "value") {
        if (info.type == Alsa::ElemType::Text) {
            const json& text = v.is_array() && v.size() == 1 ? v[0] : v;
            if (!text.is_string()) Invalid(info, Quoted(info) + " takes a string");
            const auto& s = text.get_ref<const std::string&>();
            if (const std::string why = Core::CheckText(s); !why.empty())
                Invalid(info, "the text for " + Quoted(info) + " " + why);
            out.bytes.assign(s.begin(), s.end());
            return out;
        }
        if (info.type == Alsa::ElemType::Bytes || info.type == Alsa::ElemType::Iec958) {
            out.bytes = ParseHex(info, v.is_array() && v.size() == 1 ? v[0] : v);
            return out;
        }
        out.numbers = PerChannel(info, v, [&](const json& e) { return ParseScalar(info, e); });
        return out;
    }
    if (kind == "toggle") {
        if (v != true) throw Ipc::ParamsInvalid("toggle", "toggle must be true");
        if (info.type != Alsa::ElemType::Boolean) Invalid(info, Quoted(info) + " is not a switch");
        for (int64_t n : control.value.numbers) out.numbers.push_back(n ? 0 : 1);
        return out;
    }
    if (kind == "step") {
        if (!IsNumberType(info.type)) Invalid(info, Quoted(info) + " is not an integer control");
        out.numbers = PerChannel(info, v, [&](const json& e) -> int64_t {
            if (!e.is_number_integer()) throw Ipc::ParamsInvalid("step", "step must be an integer");
            /* Beyond int64 saturates like any other huge step. */
            if (e.is_number_unsigned() && e.get<uint64_t>() > INT64_MAX) return INT64_MAX;
            return e.get<int64_t>();
        });
        const int64_t unit = info.step > 0 ? info.step : 1;
        for (size_t i = 0; i < out.numbers.size() && i < control.value.numbers.size(); ++i) {
            /* Saturate: a huge step means "all the way", never a wrapped value. */
            int64_t delta, sum;
            if (__builtin_mul_overflow(out.numbers[i], unit, &delta))
                delta = out.numbers[i] < 0 ? INT64_MIN : INT64_MAX;
            if (__builtin_add_overflow(control.value.numbers[i], delta, &sum))
                sum = delta < 0 ? INT64_MIN : INT64_MAX;
            out.numbers[i] = std::clamp(sum, info.min, info.max);
        }
        return out;
    }
    /* db and db_step go through the control's dB TLV. */
    RequireDb(info);
    const auto range = *Alsa::GetDbRange(info.db_tlv, info.min, info.max);
    std::vector<double> targets;
    auto number = [&](const json& e) -> double {
        if (!e.is_number()) throw Ipc::ParamsInvalid(std::string(kind), "dB must be a number");
        return e.get<double>();
    };
    if (v.is_array()) {
        if (v.size() != info.count)
            Invalid(info, Quoted(info) + " has " + std::to_string(info.count) + " channels");
        for (const auto& e : v) targets.push_back(number(e));
    } else {
        targets.assign(info.count, number(v));
    }
    if (kind == "db_step") {
        for (size_t i = 0; i < targets.size(); ++i) {
            const int64_t raw =
                i < control.value.numbers.size() ? control.value.numbers[i] : info.min;
            const auto now = Alsa::RawToDb(info.db_tlv, info.min, info.max, raw);
            targets[i] = std::clamp(now.value_or(range.min) + targets[i], range.min, range.max);
        }
    }
    for (double db : targets) {
        auto raw = Alsa::DbToRaw(info.db_tlv, info.min, info.max, db);
        if (!raw)
            Invalid(info, FormatDb(db) + " dB is outside the range of " + Quoted(info) + " (" +
                              FormatDb(range.min) + ".." + FormatDb(range.max) + " dB)");
        out.numbers.push_back(*raw);
    }
    return out;
}

}  // namespace Codec
