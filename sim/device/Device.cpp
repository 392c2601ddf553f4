// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/Device.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>

#include "sim/device/DeviceInternal.hpp"

namespace Sim {

namespace DeviceDetail {

namespace {

bool MatchFrom(std::string_view name, std::string_view format, std::vector<unsigned>& fields) {
    while (!format.empty()) {
        if (format.size() >= 2 && format[0] == '%') {
            const char kind = format[1];
            format.remove_prefix(2);
            if (kind == 'd') {
                std::size_t n = 0;
                while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n]))) ++n;
                if (n == 0 || n > 6) return false;
                unsigned value = 0;
                std::from_chars(name.data(), name.data() + n, value);
                fields.push_back(value);
                name.remove_prefix(n);
                continue;
            }
            if (kind == 'c') {
                if (name.empty() || name[0] < 'A' || name[0] > 'Z') return false;
                fields.push_back(static_cast<unsigned>(name[0]));
                name.remove_prefix(1);
                continue;
            }
            if (kind == 's') {
                for (std::size_t skip = 0; skip <= name.size(); ++skip) {
                    const std::size_t saved = fields.size();
                    if (MatchFrom(name.substr(skip), format, fields)) return true;
                    fields.resize(saved);
                }
                return false;
            }
            return false;
        }
        if (name.empty() || name[0] != format[0]) return false;
        name.remove_prefix(1);
        format.remove_prefix(1);
    }
    return name.empty();
}

}  // namespace

bool MatchName(std::string_view name, std::string_view format, std::vector<unsigned>& fields) {
    const std::size_t saved = fields.size();
    if (MatchFrom(name, format, fields)) return true;
    fields.resize(saved);
    return false;
}

bool MatchName(std::string_view name, std::string_view format) {
    std::vector<unsigned> ignored;
    return MatchName(name, format, ignored);
}

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace DeviceDetail

using DeviceDetail::MatchName;

namespace {

bool IsBytesType(const StateControl& c) {
    return c.type == "BYTES" || c.type == "IEC958";
}

long long ParseNumber(const std::string& text) {
    long long value = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') ++begin;
    std::from_chars(begin, end, value);
    return value;
}

ControlState InitialState(const StateControl& c) {
    ControlState s;
    s.readable = c.access.empty() || c.HasAccess("read");
    // "locked": another program (fcp-server) owns the element, so clients cannot write it.
    s.writable = c.HasAccess("write") && !c.HasAccess("locked");
    if (IsBytesType(c)) {
        std::string hex;
        for (const auto& v : c.values) hex += v;
        for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
            unsigned byte = 0;
            std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
            s.bytes.push_back(static_cast<unsigned char>(byte));
        }
        if (s.bytes.size() < c.count) s.bytes.resize(c.count, 0);
        return s;
    }
    for (const auto& v : c.values) {
        if (c.type == "BOOLEAN") {
            s.values.push_back(v == "true" || v == "on" || v == "1" ? 1 : 0);
        } else if (c.type == "ENUMERATED") {
            const auto it = std::find(c.items.begin(), c.items.end(), v);
            s.values.push_back(it != c.items.end() ? it - c.items.begin() : ParseNumber(v));
        } else {
            s.values.push_back(ParseNumber(v));
        }
    }
    const std::size_t count = std::max<std::size_t>(c.count, 1);
    if (s.values.size() < count) s.values.resize(count, c.range ? c.range->min : 0);
    return s;
}

}  // namespace

Device::Device(StateBlock block) : block_(std::move(block)) {
    state_.reserve(block_.controls.size());
    for (const auto& c : block_.controls) state_.push_back(InitialState(c));
    Scan();
    ApplyAccessRules();
}

std::optional<std::size_t> Device::Find(std::string_view name) const {
    const auto it = by_name_.find(name);
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::size_t> Device::MeterIndex() const {
    return meter_;
}

std::optional<long long> Device::ItemIndex(std::size_t index, std::string_view label) const {
    const auto& items = block_.controls[index].items;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (DeviceDetail::Lower(items[i]) == DeviceDetail::Lower(label)) {
            return static_cast<long long>(i);
        }
    }
    return std::nullopt;
}

bool Device::IsHw(const Line& line) const {
    if (!line.hw_switch) return false;
    return ItemIndex(*line.hw_switch, "HW") == Value(*line.hw_switch);
}

/* Finds the controls by the names the drivers (and fcp-server) give them. */
void Device::Scan() {
    auto source_of = [](std::string_view label) -> std::optional<Source> {
        static const std::pair<const char*, const char*> KINDS[] = {
            {"Analogue %d", "analogue"}, {"Analog %d", "analogue"}, {"S/PDIF %d", "spdif"},
            {"SPDIF %d", "spdif"},       {"ADAT %d", "adat"},       {"PCM %d", "pcm"},
            {"Mix %c", "mix"},           {"DSP %d", "dsp"},
        };
        std::vector<unsigned> f;
        for (const auto& [format, kind] : KINDS) {
            if (MatchName(label, format, f)) return Source{kind, f[0]};
        }
        return std::nullopt;
    };

    for (std::size_t i = 0; i < block_.controls.size(); ++i) {
        const std::string& name = block_.controls[i].name;
        by_name_.emplace(name, i);
        if (name == "ESP Firmware Version" || MatchName(name, "Analogue %d Playback Enum") ||
            MatchName(name, "Mixer %d Capture Enum")) {
            fcp_ = true;
        }
        if (name == "Sample Clock Source" || name == "Master Playback Switch" ||
            MatchName(name, "Matrix %d Mix %c Playback Volume")) {
            gen1_ = true;
        }
        if (MatchName(name, "DSP Input %d Capture Enum")) gen4_style_ = true;
    }

    for (std::size_t i = 0; i < block_.controls.size(); ++i) {
        const StateControl& c = block_.controls[i];
        const std::string& n = c.name;
        std::vector<unsigned> f;
        auto is = [&](std::string_view format) {
            f.clear();
            return MatchName(n, format, f);
        };

        if (is("Line %d (%s) Playback Volume") || is("Line %d Playback Volume")) {
            lines_[f[0]].volume = i;
        } else if (is("Line %d Mute Playback Switch")) {
            lines_[f[0]].mute = i;
        } else if (is("Line Out %d Volume Control Playback Enum")) {
            lines_[f[0]].hw_switch = i;
        } else if (n == "Master HW Playback Volume" || (fcp_ && n == "Master Playback Volume")) {
            master_ = i;
        } else if (n == "Headphone Playback Volume") {
            headphone_ = i;
        } else if (n == "Mute Playback Switch" || n == "Mute") {
            mute_ = i;
        } else if (n == "Dim Playback Switch" || n == "Dim") {
            dim_ = i;
        } else if (is("Line In %d Level Capture Enum")) {
            inputs_[f[0]].level = i;
        } else if (is("Line In %d Pad Capture Switch")) {
            inputs_[f[0]].pad = i;
        } else if (is("Line In %d Air Capture Switch") || is("Line In %d Air Capture Enum")) {
            inputs_[f[0]].air = i;
        } else if (is("Line In %d Phantom Power Capture Switch")) {
            inputs_[f[0]].phantom = i;
        } else if (is("Line In %d-%d Phantom Power Capture Switch")) {
            for (unsigned in = f[0]; in <= f[1] && in < f[0] + 64; ++in) inputs_[in].phantom = i;
        } else if (is("Line In %d Mute Capture Switch")) {
            inputs_[f[0]].mute = i;
        } else if (is("Line In %d Gain Capture Volume")) {
            inputs_[f[0]].gain = i;
        } else if (is("Line In %d Autogain Capture Switch")) {
            inputs_[f[0]].autogain = i;
        } else if (is("Line In %d Autogain Status Capture Enum")) {
            inputs_[f[0]].status = i;
        } else if (is("Line In %d Safe Capture Switch")) {
            inputs_[f[0]].safe = i;
        } else if (is("Line In %d Link Capture Switch")) {
            inputs_[f[0]].link = i;
        } else if (is("Line In %d-%d Link Capture Switch")) {
            for (unsigned in = f[0]; in <= f[1] && in < f[0] + 64; ++in) inputs_[in].link = i;
        } else if (is("Line In %d DSP Capture Switch")) {
            inputs_[f[0]].dsp = i;
        } else if (is("Line In %d Compressor %s") || is("Line In %d Pre-Comp %s") ||
                   is("Line In %d PEQ %s")) {
            gated_soft_.push_back(i);
        } else if (n == "Input Select Capture Enum") {
            input_select_ = i;
        } else if (n == "Autogain Mean Target") {
            mean_target_ = i;
            ag_targets_.push_back(i);
        } else if (n == "Autogain Hot Target") {
            hot_target_ = i;
            ag_targets_.push_back(i);
        } else if (n == "Autogain Peak Target") {
            ag_targets_.push_back(i);
        } else if (n == "Speaker Switching Playback Enum" ||
                   n == "Speaker Switching Alt Playback Switch") {
            speaker_ = i;
        } else if (n == "Talkback Playback Enum" || n == "Talk Playback Switch") {
            talkback_ = i;
        } else if (n == "Talkback Enable Playback Switch") {
            talkback_enable_ = i;
        } else if (is("Talkback Mix %c Playback Switch")) {
            talkback_mix_[f[0]] = i;
        } else if (n == "Sync Status" || n == "Sample Clock Sync Status") {
            sync_ = i;
        } else if (n == "Direct Monitor Playback Switch" || n == "Direct Monitor Playback Enum") {
            direct_monitor_ = i;
        } else if (n == "Power Status Card Enum") {
            power_status_ = i;
        } else if (n == "Bluetooth Capture Volume") {
            bluetooth_ = i;
        } else if (n == "PCM Input Capture Switch") {
            pcm_input_switch_ = i;
        } else if (n == "Level Meter") {
            meter_ = i;
        } else if (is("Mix %c Input %d Playback Volume")) {
            mix_gains_[{f[0], f[1]}] = i;
        } else if (c.type == "ENUMERATED") {
            if (is("Mixer Input %d Capture Enum") || is("Mixer %d Capture Enum")) {
                route_by_dest_[{"mixer", f[0]}] = i;
                routes_.push_back(i);
            } else if (is("DSP Input %d Capture Enum")) {
                route_by_dest_[{"dsp", f[0]}] = i;
                routes_.push_back(i);
            } else if (is("Analogue Output %d Playback Enum") ||
                       is("S/PDIF Output %d Playback Enum") || is("ADAT Output %d Playback Enum") ||
                       is("PCM %d Capture Enum") || is("Analogue %d Playback Enum") ||
                       is("S/PDIF %d Playback Enum") || is("ADAT %d Playback Enum")) {
                routes_.push_back(i);
            }
        }
    }

    // The source list: a routing enum's items (the 1st Gen's capture routes have them too).
    std::optional<std::size_t> with_sources;
    if (!routes_.empty()) with_sources = routes_.front();
    if (!with_sources) with_sources = Find("Input Source 01 Capture Route");
    if (with_sources) {
        for (const auto& item : block_.controls[*with_sources].items) {
            if (auto s = source_of(item)) sources_.push_back(*s);
        }
    }
    for (std::size_t r : routes_) {
        auto& parsed = route_items_[r];
        for (const auto& item : block_.controls[r].items) {
            parsed.push_back(source_of(item).value_or(Source{"off", 0}));
        }
    }
    // The 18i20 Gen 3's talkback microphone is its extra analogue source.
    if (talkback_ && !fcp_) {
        for (const auto& s : sources_) {
            if (s.first == "analogue" && !inputs_.contains(s.second)) {
                talkback_input_ = std::max(talkback_input_, s.second);
            }
        }
    }

    if (std::any_of(inputs_.begin(), inputs_.end(),
                    [](const auto& in) { return in.second.autogain.has_value(); })) {
        auto add = [this](std::optional<std::size_t> index) {
            if (index && std::find(gated_.begin(), gated_.end(), *index) == gated_.end()) {
                gated_.push_back(*index);
            }
        };
        add(input_select_);
        for (const auto& [number, in] : inputs_) {
            add(in.link);
            add(in.gain);
            add(in.safe);
            add(in.level);
            add(in.air);
            add(in.mute);
            add(in.phantom);
            add(in.dsp);
        }
        for (std::size_t t : ag_targets_) add(t);
    }
}

/* Makes the dynamic access flags agree with the values the block starts with. */
void Device::ApplyAccessRules() {
    for (auto& [number, line] : lines_) {
        if (!line.hw_switch) continue;
        const bool hw = IsHw(line);
        if (line.volume) state_[*line.volume].writable = !hw;
        if (line.mute) state_[*line.mute].writable = !hw;
    }
    if (speaker_ && !fcp_) {
        const bool enabled = Value(*speaker_) != 0;
        for (auto& [number, line] : lines_) {
            if (number <= 4 && line.hw_switch) state_[*line.hw_switch].writable = !enabled;
        }
    }
    for (const auto& [number, in] : inputs_) {
        if (in.autogain && Value(*in.autogain) != 0 &&
            std::none_of(autogain_.begin(), autogain_.end(),
                         [n = number](const Autogain& a) { return a.input == n; })) {
            autogain_.push_back({number, std::nullopt});
        }
    }
    if (AutogainRunning()) {
        for (std::size_t g : gated_) state_[g].writable = false;
        gated_now_ = true;
    }
}

bool Device::Set(std::size_t index, long long value, Sink& sink, unsigned mask) {
    auto& values = state_[index].values;
    bool changed = false;
    for (auto& v : values) {
        if (v != value) {
            v = value;
            changed = true;
        }
    }
    if (changed) sink.Add(index, mask);
    return changed;
}

int Device::Write(std::size_t index, std::span<const long long> values,
                  std::vector<DeviceEvent>& events) {
    if (index >= state_.size()) return -EINVAL;
    const StateControl& c = block_.controls[index];
    ControlState& s = state_[index];
    if (IsBytesType(c)) return -EINVAL;
    if (!s.writable) return -EPERM;
    if (AutogainRunning() &&
        std::find(gated_soft_.begin(), gated_soft_.end(), index) != gated_soft_.end()) {
        return -EPERM;
    }
    if (values.size() != s.values.size()) return -EINVAL;
    for (long long v : values) {
        if (c.type == "BOOLEAN") {
            if (v != 0 && v != 1) return -EINVAL;
        } else if (c.type == "ENUMERATED") {
            if (v < 0 || v >= static_cast<long long>(c.items.size())) return -EINVAL;
        } else if (c.range && (c.range->min != 0 || c.range->max != 0)) {
            if (v < c.range->min || v > c.range->max) return -EINVAL;
            if (c.range->step > 1 && (v - c.range->min) % c.range->step != 0) return -EINVAL;
        }
    }
    if (std::equal(values.begin(), values.end(), s.values.begin())) return 0;

    const long long old_value = s.values.at(0);
    std::copy(values.begin(), values.end(), s.values.begin());
    Sink sink(events);
    sink.Add(index, EVENT_VALUE);
    AfterWrite(index, old_value, sink);
    return 0;
}

int Device::WriteBytes(std::size_t index, std::span<const unsigned char> bytes,
                       std::vector<DeviceEvent>& events) {
    if (index >= state_.size()) return -EINVAL;
    ControlState& s = state_[index];
    if (!IsBytesType(block_.controls[index])) return -EINVAL;
    if (!s.writable) return -EPERM;
    if (bytes.size() != s.bytes.size()) return -EINVAL;
    if (std::equal(bytes.begin(), bytes.end(), s.bytes.begin())) return 0;
    std::copy(bytes.begin(), bytes.end(), s.bytes.begin());
    Sink sink(events);
    sink.Add(index, EVENT_VALUE);
    return 0;
}

/* A client switched autogain of @p input on (start a run) or off (cancel it). */
void Device::AfterAutogainWrite(unsigned input, std::size_t index, Sink& sink) {
    if (Value(index) != 0) {
        StartAutogain(input, std::nullopt, sink);
        return;
    }
    for (std::size_t k = 0; k < autogain_.size(); ++k) {
        if (autogain_[k].input == input) {
            FinishAutogain(k, true, sink);
            break;
        }
    }
}

/* The side effects the driver's put() (or the device's answer to it) has. */
void Device::AfterWrite(std::size_t index, long long old_value, Sink& sink) {
    if (fcp_) {
        // fcp-server mirrors writes to the device one by one; only autogain has a visible run.
        for (const auto& [number, in] : inputs_) {
            if (Is(in.autogain, index)) AfterAutogainWrite(number, index, sink);
        }
        return;
    }
    for (auto& [number, line] : lines_) {
        if (Is(line.hw_switch, index)) SetHwMode(line, IsHw(line), sink);
    }
    if (Is(mute_, index)) AfterMuteChange(sink);
    if (Is(speaker_, index)) AfterSpeakerChange(old_value, sink);
    if (Is(pcm_input_switch_, index)) {
        // Gen 4 Solo: the device re-routes and the driver refreshes every mux enum.
        for (std::size_t r : routes_) sink.Add(r, EVENT_VALUE);
    }
    for (const auto& [number, in] : inputs_) {
        if (Is(in.phantom, index) && gen4_style_) AfterPhantomChange(sink);
        if (Is(in.autogain, index)) AfterAutogainWrite(number, index, sink);
    }
}

/* Both directions copy the master volume and the Mute button into the line first. */
void Device::SetHwMode(Line& line, bool hw, Sink& sink) {
    if (line.volume) {
        if (master_) {
            for (auto& v : state_[*line.volume].values) v = Value(*master_);
        }
        state_[*line.volume].writable = !hw;
        sink.Add(*line.volume, EVENT_VALUE | EVENT_INFO);
    }
    if (line.mute) {
        if (mute_) {
            for (auto& v : state_[*line.mute].values) v = Value(*mute_);
        }
        state_[*line.mute].writable = !hw;
        sink.Add(*line.mute, EVENT_VALUE | EVENT_INFO);
    }
}

void Device::AfterMuteChange(Sink& sink) {
    if (!mute_) return;
    for (const auto& [number, line] : lines_) {
        if (line.mute && IsHw(line)) {
            Set(*line.mute, Value(*mute_), sink);
            sink.Add(*line.mute, EVENT_VALUE);
        }
    }
}

void Device::AfterSpeakerChange(long long old_value, Sink& sink) {
    if (fcp_ || !speaker_) return;
    const bool was_enabled = old_value != 0;
    const bool enabled = Value(*speaker_) != 0;
    if (was_enabled != enabled) {
        for (auto& [number, line] : lines_) {
            if (number > 4 || !line.hw_switch) continue;
            if (enabled && !IsHw(line)) {
                if (const auto hw = ItemIndex(*line.hw_switch, "HW")) {
                    Set(*line.hw_switch, *hw, sink);
                    SetHwMode(line, true, sink);
                }
            }
            state_[*line.hw_switch].writable = !enabled;
            sink.Add(*line.hw_switch, EVENT_INFO);
        }
    }
    MonitorOtherRefresh(sink);
}

/* What follows the device's "monitor other" notification after a speaker/talkback change. */
void Device::MonitorOtherRefresh(Sink& sink) {
    sink.Add(speaker_, EVENT_VALUE);
    sink.Add(talkback_, EVENT_VALUE);
    sink.Add(dim_, EVENT_VALUE);
    sink.Add(mute_, EVENT_VALUE);
    for (const auto& [number, line] : lines_) {
        if (line.mute && IsHw(line)) sink.Add(*line.mute, EVENT_VALUE);
    }
    for (std::size_t r : routes_) sink.Add(r, EVENT_VALUE);
}

void Device::AfterPhantomChange(Sink& sink) {
    for (const auto& [number, in] : inputs_) sink.Add(in.autogain, EVENT_INFO);
}

void Device::StartAutogain(unsigned input, std::optional<SimClock::time_point> deadline,
                           Sink& sink) {
    Input& in = inputs_.at(input);
    if (!in.autogain) return;
    for (auto& running : autogain_) {
        if (running.input == input) return;
    }
    Set(*in.autogain, 1, sink);
    if (in.status) {
        if (const auto item = ItemIndex(*in.status, "Running")) Set(*in.status, *item, sink);
    }
    autogain_.push_back({input, deadline});
    for (const auto& [number, other] : inputs_) {
        sink.Add(other.autogain, EVENT_VALUE);
        sink.Add(other.status, EVENT_VALUE);
    }
    UpdateGating(sink, true);
}

void Device::FinishAutogain(std::size_t running, bool cancelled, Sink& sink) {
    const unsigned input = autogain_.at(running).input;
    autogain_.erase(autogain_.begin() + static_cast<std::ptrdiff_t>(running));
    Input& in = inputs_.at(input);

    std::string_view status = "Cancelled";
    if (!cancelled) {
        status = "Success";
        const auto pre = signals_.find(Source{"analogue", input});
        if (in.gain) {
            const StateControl& gc = block_.controls[*in.gain];
            const long long lo = gc.range ? gc.range->min : 0;
            const long long hi = gc.range ? gc.range->max : Value(*in.gain);
            const auto target_index = mean_target_ ? mean_target_ : hot_target_;
            double target = -18.0;
            if (target_index) {
                target = Decibels(*target_index, Value(*target_index))
                             .value_or(static_cast<double>(Value(*target_index)));
            }
            long long gain = hi;
            if (pre == signals_.end()) {
                status = "too quiet";
            } else {
                const double wanted = target - pre->second;
                const double lo_db = Decibels(*in.gain, lo).value_or(static_cast<double>(lo));
                const double hi_db = Decibels(*in.gain, hi).value_or(static_cast<double>(hi));
                if (wanted > hi_db + 0.5) {
                    status = "too quiet";
                } else if (wanted < lo_db - 0.5) {
                    status = "too loud";
                    gain = lo;
                } else {
                    gain = ValueForDecibels(*in.gain, wanted).value_or(hi);
                }
            }
            Set(*in.gain, gain, sink);
        }
    }
    if (in.status) {
        // The drivers' lists name the outcomes differently (Gen 4, Vocaster, fcp-server).
        std::vector<std::string_view> labels{status};
        if (status == "too quiet") labels = {"FailMaxGainLimit", "WarnMaxCap", "MaxGainLimit"};
        if (status == "too loud") labels = {"WarnMinGainLimit", "WarnMinCap", "MinGainLimit"};
        labels.push_back("Success");
        for (auto label : labels) {
            if (const auto item = ItemIndex(*in.status, label)) {
                Set(*in.status, *item, sink);
                break;
            }
        }
    }
    if (in.autogain) Set(*in.autogain, 0, sink);
    for (const auto& [number, other] : inputs_) {
        sink.Add(other.autogain, EVENT_VALUE);
        sink.Add(other.status, EVENT_VALUE);
    }
    UpdateGating(sink, true);
}

/* scarlett2 clears WRITE on the gated controls while any input runs autogain. */
void Device::UpdateGating(Sink& sink, bool force_info) {
    const bool gate = AutogainRunning();
    const bool changed = gate != gated_now_;
    gated_now_ = gate;
    for (std::size_t g : gated_) {
        state_[g].writable = !gate && block_.controls[g].HasAccess("write");
        if (changed || force_info) sink.Add(g, EVENT_INFO);
    }
}

std::optional<SimClock::time_point> Device::NextDeadline() const {
    std::optional<SimClock::time_point> next;
    for (const auto& running : autogain_) {
        const auto due = running.deadline.value_or(SimClock::time_point::min());
        if (!next || due < *next) next = due;
    }
    return next;
}

void Device::Advance(SimClock::time_point now, std::vector<DeviceEvent>& events) {
    Sink sink(events);
    for (auto& running : autogain_) {
        if (!running.deadline) running.deadline = now + AUTOGAIN_TIME;
    }
    for (std::size_t k = 0; k < autogain_.size();) {
        if (*autogain_[k].deadline <= now) {
            FinishAutogain(k, false, sink);
        } else {
            ++k;
        }
    }
}

}  // namespace Sim
