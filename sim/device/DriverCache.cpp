// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/device/DriverCache.hpp"

#include <iterator>
#include <utility>

namespace Sim::DeviceDetail {

namespace {

/* snd-usb-audio's extension units and clock selector get and compare against the
 * device's value (get_cur_ctl_value), where mixer_scarlett's controls use the cache. */
bool ReadsDevice(const StateControl& c) {
    return c.name == "Extension Unit Switch" ||
           (c.name.ends_with(" Clock Source") && c.name != "Sample Clock Source");
}

}  // namespace

DriverCache::DriverCache(Controls& controls, const Layout& layout)
    : controls_(controls), active_(layout.gen1 && !layout.fcp) {
    if (!active_) return;
    hardware_.resize(controls.Size());
    power_on_.resize(controls.Size());
    for (std::size_t i = 0; i < controls.Size(); ++i) {
        const StateControl& c = controls.Control(i);
        if (!c.HasAccess("write") || IsBytes(c)) continue;
        power_on_[i] = controls.State(i).values;
        if (!ReadsDevice(c)) hardware_[i] = power_on_[i];
    }
}

void DriverCache::Write(std::size_t index, std::span<const long long> values) {
    if (index >= hardware_.size()) return;
    auto& hardware = hardware_[index];
    const auto& cache = controls_.State(index).values;
    // Channel by channel, as scarlett_ctl_put() compares and sends them.
    for (std::size_t i = 0; i < hardware.size() && i < values.size(); ++i) {
        if (values[i] != cache[i]) hardware[i] = values[i];
    }
}

void DriverCache::SetPowerOn(const StateBlock& factory) {
    for (std::size_t i = 0; i < power_on_.size(); ++i) {
        if (power_on_[i].empty()) continue;
        const StateControl& c = controls_.Control(i);
        const StateControl* f = factory.Find(c.iface, c.name, c.index, c.device, c.subdevice);
        if (f == nullptr || f->type != c.type || f->count != c.count) continue;
        ControlState s = InitialState(*f);
        if (s.values.size() == power_on_[i].size()) power_on_[i] = std::move(s.values);
    }
}

void DriverCache::PowerCycle(EventSink& sink) {
    if (!active_) {
        throw ActionError(
            "this model stores its settings: only a 1st Gen comes back from a power cycle "
            "without them");
    }
    // What the driver reads from the device on every get changes silently.
    for (std::size_t i = 0; i < power_on_.size(); ++i) {
        const auto& values = power_on_[i];
        if (values.empty()) continue;
        if (!hardware_[i].empty()) {
            hardware_[i] = values;
        } else if (controls_.State(i).values != values) {
            controls_.Store(i, values);
            sink.Add(i, EVENT_NONE);
        }
    }
}

std::span<const long long> DriverCache::Hardware(std::size_t index) const {
    if (index < hardware_.size() && !hardware_[index].empty()) return hardware_[index];
    return controls_.State(index).values;
}

std::vector<std::size_t> DriverCache::Differences() const {
    std::vector<std::size_t> differences;
    for (std::size_t i = 0; i < hardware_.size(); ++i) {
        if (!hardware_[i].empty() && hardware_[i] != controls_.State(i).values) {
            differences.push_back(i);
        }
    }
    return differences;
}

std::string DriverCache::Text(std::size_t index, std::span<const long long> values) const {
    const StateControl& c = controls_.Control(index);
    std::string text;
    for (const long long v : values) {
        if (!text.empty()) text += ",";
        if (c.type == "BOOLEAN") {
            text += v != 0 ? "on" : "off";
        } else if (c.type == "ENUMERATED" && v >= 0 && v < std::ssize(c.items)) {
            text += c.items[static_cast<std::size_t>(v)];
        } else {
            text += std::to_string(v);
        }
    }
    return text;
}

std::string DriverCache::Report() const {
    const auto differences = Differences();
    std::string out;
    for (const std::size_t i : differences) {
        out += controls_.Control(i).name + ": driver " + Text(i, controls_.State(i).values) +
               ", hardware " + Text(i, hardware_[i]) + "\n";
    }
    out += std::to_string(differences.size()) +
           (differences.size() == 1 ? " difference\n" : " differences\n");
    return out;
}

}  // namespace Sim::DeviceDetail
