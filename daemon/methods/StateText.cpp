// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/methods/StateText.hpp"

#include <unordered_set>

#include "daemon/methods/PresetApply.hpp"
#include "daemon/state/KeyFile.hpp"
#include "daemon/state/PresetCodec.hpp"

namespace Methods {

void StateText::Reset() noexcept {
    built_ = false;
    lines_.clear();
    at_.clear();
    changed_.clear();
}

void StateText::Changed(unsigned numid) {
    if (!built_) return;
    const auto it = at_.find(numid);
    if (it == at_.end() || lines_[it->second].changed) return;
    lines_[it->second].changed = true;
    changed_.push_back(it->second);
}

bool StateText::Encode(const Alsa::Control& control, Line& line) {
    auto value = State::EncodePresetValue(control.info, control.value);
    if (!value) return false;
    line.text.clear();
    State::KeyFile::AppendEntry(line.text, control.info.id.name, *value);
    line.changed = false;
    return true;
}

void StateText::Build(const Core::Device& device) {
    Reset();
    head_ = State::SerializePresetHead(
        PresetSerialOf(device),
        device.identity.name.empty() ? std::nullopt : std::optional(device.identity.name));
    /* As CurrentState: the first control of a name, in numid order. */
    std::unordered_set<std::string_view> names;
    for (const auto& [numid, c] : device.controls) {
        if (!IsPresetEntry(c.info) || !names.insert(c.info.id.name).second) continue;
        Line line{numid, false, {}};
        if (!Encode(c, line)) continue;
        at_.emplace(numid, lines_.size());
        lines_.push_back(std::move(line));
    }
    built_ = true;
}

std::string StateText::Text(const Core::Device& device) {
    if (built_) {
        for (const size_t i : changed_) {
            /* A line that no longer encodes means the controls changed under us. */
            const Alsa::Control* c = device.Find(lines_[i].numid);
            if (!c || !IsPresetEntry(c->info) || !Encode(*c, lines_[i])) {
                built_ = false;
                break;
            }
        }
        changed_.clear();
    }
    if (!built_) Build(device);
    size_t size = head_.size();
    for (const auto& line : lines_) size += line.text.size();
    std::string text;
    text.reserve(size);
    text += head_;
    for (const auto& line : lines_) text += line.text;
    return text;
}

}  // namespace Methods
