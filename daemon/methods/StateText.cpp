// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/methods/StateText.hpp"

#include "daemon/methods/PresetApply.hpp"
#include "daemon/state/KeyFile.hpp"
#include "daemon/state/PresetCodec.hpp"

namespace Methods {

void StateText::Reset() noexcept {
    built_ = false;
    text_.clear();
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

bool StateText::Encode(const Alsa::Control& control) {
    auto value = State::EncodePresetValue(control.info, control.value);
    if (!value) return false;
    scratch_.clear();
    State::KeyFile::AppendEntry(scratch_, control.info.id.name, *value);
    return true;
}

void StateText::Build(const Core::Device& device) {
    Reset();
    text_ = State::SerializePresetHead(
        PresetSerialOf(device),
        device.identity.name.empty() ? std::nullopt : std::optional(device.identity.name));
    ForEachPresetControl(device, [this](const Alsa::Control& c) {
        if (!Encode(c)) return;
        at_.emplace(c.info.id.numid, lines_.size());
        lines_.push_back({c.info.id.numid, false, text_.size(), scratch_.size()});
        text_ += scratch_;
    });
    built_ = true;
}

std::string StateText::Text(const Core::Device& device) {
    if (built_) {
        for (const size_t i : changed_) {
            Line& line = lines_[i];
            line.changed = false;
            /* A line that no longer encodes means the controls changed under us. */
            const Alsa::Control* c = device.Find(line.numid);
            if (!c || !IsPresetEntry(c->info) || !Encode(*c)) {
                built_ = false;
                break;
            }
            text_.replace(line.offset, line.size, scratch_);
            if (scratch_.size() != line.size) {
                const auto delta = static_cast<std::ptrdiff_t>(scratch_.size()) -
                                   static_cast<std::ptrdiff_t>(line.size);
                for (size_t j = i + 1; j < lines_.size(); ++j)
                    lines_[j].offset =
                        static_cast<size_t>(static_cast<std::ptrdiff_t>(lines_[j].offset) + delta);
                line.size = scratch_.size();
            }
        }
        changed_.clear();
    }
    if (!built_) Build(device);
    return text_;
}

}  // namespace Methods
