// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/state/PresetCodec.hpp"

#include <algorithm>
#include <charconv>

#include "daemon/state/KeyFile.hpp"

namespace State {

namespace {

constexpr std::string_view DEVICE = "device";
constexpr std::string_view CONTROLS = "controls";

std::vector<std::string_view> Split(std::string_view text) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        const size_t comma = text.find(',', start);
        parts.push_back(text.substr(start, comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return parts;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    int64_t n = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return n;
}

std::string Channels(size_t n) {
    return std::to_string(n) + (n == 1 ? " channel" : " channels");
}

}  // namespace

std::optional<std::string> EncodePresetValue(const Alsa::ControlInfo& info,
                                             const Alsa::Value& value) {
    const auto& n = value.numbers;
    const bool uniform = std::all_of(n.begin(), n.end(), [&](int64_t x) { return x == n[0]; });
    std::string out;
    switch (info.type) {
        case Alsa::ElemType::Boolean:
        case Alsa::ElemType::Enumerated:
            for (size_t i = 0; i < (uniform ? std::min<size_t>(1, n.size()) : n.size()); ++i) {
                if (i > 0) out += ',';
                if (info.type == Alsa::ElemType::Boolean)
                    out += n[i] ? "true" : "false";
                else if (n[i] >= 0 && static_cast<size_t>(n[i]) < info.items.size())
                    out += info.items[static_cast<size_t>(n[i])];
                else
                    out += std::to_string(n[i]);
            }
            return out;
        case Alsa::ElemType::Integer:
            for (size_t i = 0; i < n.size(); ++i) {
                if (i > 0) out += ',';
                out += std::to_string(n[i]);
            }
            return out;
        case Alsa::ElemType::Text:
            return std::string(value.bytes.begin(), value.bytes.end());
        case Alsa::ElemType::Bytes: {
            const auto nul = std::find(value.bytes.begin(), value.bytes.end(), uint8_t{0});
            return std::string(value.bytes.begin(), nul);
        }
        default:
            return std::nullopt;
    }
}

std::variant<Alsa::Value, std::string> DecodePresetValue(const Alsa::ControlInfo& info,
                                                         std::string_view text) {
    Alsa::Value value;
    /* Checked by whoever owns the control (the daemon's, protocol 1.1 §3). */
    if (info.type == Alsa::ElemType::Text) {
        value.bytes.assign(text.begin(), text.end());
        return value;
    }
    if (info.type == Alsa::ElemType::Bytes) {
        if (text.size() > info.count)
            return "longer than the control's " + std::to_string(info.count) + " bytes";
        value.bytes.assign(info.count, 0);
        std::copy(text.begin(), text.end(), value.bytes.begin());
        return value;
    }
    const auto parts = Split(text);
    if (parts.size() != 1 && parts.size() != info.count)
        return Channels(parts.size()) + " for a control of " + Channels(info.count);
    for (const auto part : parts) {
        int64_t n = 0;
        switch (info.type) {
            case Alsa::ElemType::Boolean:
                if (part == "true" || part == "1")
                    n = 1;
                else if (part != "false" && part != "0")
                    return "not a boolean (true or false)";
                break;
            case Alsa::ElemType::Enumerated: {
                const auto it = std::find(info.items.begin(), info.items.end(), part);
                if (it != info.items.end()) {
                    n = it - info.items.begin();
                    break;
                }
                const auto index = ParseInteger(part);
                if (!index || *index < 0 || static_cast<size_t>(*index) >= info.items.size())
                    return "not one of the control's items";
                n = *index;
                break;
            }
            case Alsa::ElemType::Integer: {
                const auto number = ParseInteger(part);
                if (!number) return "not an integer";
                if (*number < info.min || *number > info.max)
                    return "out of range (" + std::to_string(info.min) + " to " +
                           std::to_string(info.max) + ")";
                n = *number;
                break;
            }
            default:
                return "a control of a type presets do not hold";
        }
        value.numbers.push_back(n);
    }
    value.numbers.resize(info.count, value.numbers.front());
    return value;
}

Preset ParsePreset(std::string_view text) {
    const KeyFile file = KeyFile::Parse(text);
    const KeyFile::Group* controls = file.FindGroup(CONTROLS);
    if (!controls) {
        size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
        throw KeyFileError(lines + 1, "no [controls] group: not a preset");
    }
    Preset preset;
    preset.serial = file.Get(DEVICE, "serial");
    preset.model = file.Get(DEVICE, "model");
    for (const auto& e : controls->entries) preset.controls.push_back({e.key, e.value, e.line});
    /* Entries hold the last value of a repeated key, at its last line: file order of
     * the last occurrences, which is how GLib's loader would apply them too. */
    std::sort(preset.controls.begin(), preset.controls.end(),
              [](const Preset::Entry& a, const Preset::Entry& b) { return a.line < b.line; });
    const std::string prefix = std::string(CONTROLS) + "/";
    for (const auto& d : file.GetDuplicates())
        if (d.starts_with(prefix)) preset.duplicates.push_back(d.substr(prefix.size()));
    return preset;
}

std::string SerializePreset(const Preset& preset) {
    KeyFile file;
    if (preset.serial) file.Set(DEVICE, "serial", *preset.serial);
    if (preset.model) file.Set(DEVICE, "model", *preset.model);
    for (const auto& e : preset.controls) file.Set(CONTROLS, e.name, e.value);
    std::string text = file.Serialize();
    /* An empty [controls] group still marks the file as a preset. */
    if (preset.controls.empty()) text += std::string(text.empty() ? "" : "\n") + "[controls]\n";
    return text;
}

std::string SerializePresetHead(const std::optional<std::string>& serial,
                                const std::optional<std::string>& model) {
    KeyFile file;
    if (serial) file.Set(DEVICE, "serial", *serial);
    if (model) file.Set(DEVICE, "model", *model);
    std::string text = file.Serialize();
    return text + (text.empty() ? "" : "\n") + "[" + std::string(CONTROLS) + "]\n";
}

}  // namespace State
