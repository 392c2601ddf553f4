// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/StateKeeper.hpp"

#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "daemon/JsonCodec.hpp"
#include "daemon/Log.hpp"
#include "daemon/core/DaemonControls.hpp"
#include "daemon/core/Subscription.hpp"
#include "daemon/methods/PresetApply.hpp"
#include "daemon/state/KeyFile.hpp"
#include "daemon/state/PresetStore.hpp"
#include "daemon/state/Storage.hpp"
#include "ipc/Error.hpp"

namespace {

using nlohmann::json;

/** Settings files are small; anything larger is not one. */
constexpr size_t MAX_SETTINGS_SIZE = 256 * 1024;

/** A daemon control's value in the settings file: a text as a string, a switch as
 *  true or false. */
json DaemonValueToJson(const Alsa::Value& value) {
    if (value.numbers.empty()) return std::string(value.bytes.begin(), value.bytes.end());
    return value.numbers[0] != 0;
}

std::map<std::string, Alsa::Value> ParseDaemonValues(const json& file) {
    std::map<std::string, Alsa::Value> values;
    if (!file.contains("controls") || !file["controls"].is_object()) return values;
    for (const auto& [name, v] : file["controls"].items()) {
        Alsa::Value value;
        if (v.is_string())
            value.bytes.assign(v.get_ref<const std::string&>().begin(),
                               v.get_ref<const std::string&>().end());
        else if (v.is_boolean())
            value.numbers = {v.get<bool>() ? 1 : 0};
        else
            continue;
        values.emplace(name, std::move(value));
    }
    return values;
}

/** The settings a file holds; throws std::exception when it is not such a file. */
Core::DeviceSettings ParseSettings(const json& file, Alsa::Family family) {
    Core::DeviceSettings settings = Core::DeviceSettings::DefaultsFor(family);
    if (file.contains("nickname") && file["nickname"].is_string())
        settings.nickname = file["nickname"].get<std::string>();
    const json& on_attach = file.at("on_attach");
    const std::string restore = on_attach.at("restore").get<std::string>();
    if (restore != "off" && restore != "last" && restore != "preset")
        throw std::invalid_argument("restore is " + restore);
    settings.restore = restore;
    if (on_attach.contains("preset") && on_attach["preset"].is_string())
        settings.preset = on_attach["preset"].get<std::string>();
    if (on_attach.contains("set"))
        for (const auto& guard : on_attach["set"])
            settings.set.push_back(
                {guard.at("match").get<std::string>(), guard.at("value").dump()});
    return settings;
}

std::string Describe(const std::exception& e) {
    if (const auto* rpc = dynamic_cast<const Ipc::RpcError*>(&e))
        return std::string(Ipc::DataCode(rpc->code)) + ": " + rpc->what();
    return e.what();
}

}  // namespace

StateKeeper::StateKeeper(Event::EventLoop& loop, const Options& options, Core::StateCache& cache)
    : loop_(loop), options_(options), cache_(cache), writer_(loop) {
    /* A daemon killed mid-write leaves its temporary file; one daemon per state
     * directory (its socket says so), so what is left now is nobody's. */
    std::vector<std::string> dirs;
    if (!options_.state_dir.empty())
        dirs = {options_.state_dir + "/devices", options_.state_dir + "/last"};
    if (!options_.presets_dir.empty()) dirs.push_back(options_.presets_dir);
    for (const auto& dir : dirs)
        if (const size_t n = State::RemoveStaleTemporaries(dir))
            Log::Notice("removed " + std::to_string(n) + " temporary file(s) left in " + dir +
                        " by a daemon that stopped mid-write");
}

StateKeeper::~StateKeeper() {
    Flush();
}

std::string StateKeeper::SettingsPath(const std::string& id) const {
    return options_.state_dir + "/devices/" + id + ".json";
}

std::string StateKeeper::LastStatePath(const std::string& id) const {
    return options_.state_dir + "/last/" + id + ".conf";
}

StateKeeper::PerDevice& StateKeeper::For(const std::string& id) {
    auto [it, added] = devices_.try_emplace(id);
    if (added) {
        it->second.record =
            std::make_unique<Event::Timer>(loop_, [this, id]() noexcept { Record(id); });
        it->second.restore =
            std::make_unique<Event::Timer>(loop_, [this, id]() noexcept { Restore(id); });
    }
    return it->second;
}

void StateKeeper::OnCacheChange(const Core::Change& change) {
    using Kind = Core::Change::Kind;
    if (options_.state_dir.empty() || change.kind == Kind::Restored) return;
    if (change.kind != Kind::Value && change.kind != Kind::DeviceOffline) {
        /* What the last state holds may have changed, not just a value (an offline
         * device keeps its controls). */
        if (auto it = devices_.find(change.device.identity.id); it != devices_.end())
            it->second.text.Reset();
    }
    if (change.kind != Kind::Value && change.kind != Kind::Info) return;
    if (!change.device.online || !change.control) return;
    const Alsa::Control* control = change.device.Find(change.control->numid);
    if (!control || control->info.access.is_volatile) return;
    PerDevice& d = For(change.device.identity.id);
    if (change.kind == Kind::Value) d.text.Changed(change.control->numid);
    d.dirty = true;
    /* The first change starts the delay; later ones ride on it: one write per delay. */
    if (!d.record->IsPending()) d.record->Schedule(options_.record_delay);
}

void StateKeeper::OnOnline(const std::string& id) noexcept {
    try {
        LoadSettings(id);
        /* Out of the card's open callback; the device is announced first. */
        For(id).restore->Schedule(std::chrono::seconds(0));
    } catch (const std::exception& e) {
        Log::Error(id + ": restore on attach: " + e.what(), {.device = id});
    }
}

void StateKeeper::RestorePending() noexcept {
    for (auto& [id, d] : devices_)
        if (d.restore->IsPending()) {
            d.restore->Cancel();
            Restore(id);
        }
}

void StateKeeper::OnOffline(const std::string& id) noexcept {
    auto it = devices_.find(id);
    if (it == devices_.end()) return;
    it->second.restore->Cancel();
    if (it->second.dirty) Record(id);
}

void StateKeeper::Flush() noexcept {
    for (auto& [id, d] : devices_)
        if (d.dirty) Record(id);
}

void StateKeeper::LoadSettings(const std::string& id) noexcept {
    PerDevice& d = For(id);
    if (d.settings_loaded || options_.state_dir.empty()) return;
    d.settings_loaded = true;
    const Core::Device* device = cache_.FindDevice(id);
    if (!device) return;
    const std::string path = SettingsPath(id);
    try {
        const json file = json::parse(State::ReadBounded(path, MAX_SETTINGS_SIZE, false));
        cache_.SetSettings(id, ParseSettings(file, device->identity.family));
        cache_.SetDaemonValues(id, ParseDaemonValues(file));
    } catch (const State::StorageError& e) {
        /* Never configured: the defaults, and what alsa-scarlett-gui knows of it. */
        if (e.GetErrno() == ENOENT) return ImportFromGui(id);
        Log::Error(id + ": cannot read its settings (" + e.what() + "); the defaults apply",
                   {.device = id});
        broken_.insert(path);
    } catch (const std::exception& e) {
        Log::Error(id + ": " + path + " is not a settings file (" + e.what() +
                       "); the defaults apply, the file is kept",
                   {.device = id});
        broken_.insert(path);
    }
}

void StateKeeper::Configure(const std::string& id, Core::DeviceSettings settings) {
    LoadSettings(id);
    if (options_.state_dir.empty())
        throw State::StorageError(ENOENT, "",
                                  "no state directory: neither HOME nor XDG_CONFIG_HOME is set "
                                  "(scarlettd --state-dir)");
    const Core::Device* device = cache_.FindDevice(id);
    WriteSettings(id, settings, device ? device->daemon_values : decltype(device->daemon_values){});
    cache_.SetSettings(id, std::move(settings));
}

void StateKeeper::WriteSettings(const std::string& id, const Core::DeviceSettings& settings,
                                const std::map<std::string, Alsa::Value>& values) {
    const std::string path = SettingsPath(id);
    State::MakeDirectories(options_.state_dir + "/devices", 0700);
    if (broken_.contains(path)) SetAside(path);
    json file = Codec::SettingsToJson(settings);
    json controls = json::object();
    for (const auto& [name, value] : values) controls[name] = DaemonValueToJson(value);
    file["controls"] = std::move(controls);
    State::WriteAtomically(path, file.dump(2) + "\n", 0600);
    broken_.erase(path);
}

void StateKeeper::SetDaemonControls(const std::string& id,
                                    const std::vector<std::pair<unsigned, Alsa::Value>>& changes) {
    LoadSettings(id);
    const Core::Device* device = cache_.FindDevice(id);
    if (!device) return;
    auto values = device->daemon_values;
    bool changed = false;
    for (const auto& [numid, value] : changes)
        if (const auto* c = device->Find(numid); c && c->value != value) {
            values[c->info.id.name] = value;
            changed = true;
        }
    if (!changed) return;
    if (!options_.state_dir.empty()) WriteSettings(id, device->settings, values);
    for (const auto& [numid, value] : changes) cache_.ApplyValue(id, numid, value);
}

void StateKeeper::ImportFromGui(const std::string& id) noexcept {
    const Core::Device* device = cache_.FindDevice(id);
    if (!device || options_.presets_dir.empty()) return;
    const std::string path =
        options_.presets_dir + "/" + Methods::PresetSerialOf(*device) + ".conf";
    std::map<std::string, Alsa::Value> values;
    try {
        const auto file = State::KeyFile::Parse(
            State::ReadBounded(path, State::PresetStore::MAX_FILE_SIZE, false));
        const auto* group = file.FindGroup("controls");
        if (!group) return;
        for (const auto& e : group->entries) {
            Alsa::Value value;
            /* That program's own file keeps a switch as 1 or 0 (only "1" is on) and
             * leaves a port shown when its value is empty. */
            if (e.key.ends_with(" Link") || (e.key.ends_with(" Switch") && !e.value.empty()))
                value.numbers = {e.value == "1" ? 1 : 0};
            else if ((e.key == "Name" || e.key.ends_with(" Name")) &&
                     Core::CheckText(e.value).empty())
                value.bytes.assign(e.value.begin(), e.value.end());
            else
                continue;
            values[e.key] = std::move(value);
        }
    } catch (const State::StorageError& e) {
        if (e.GetErrno() != ENOENT)
            Log::Warning(id + ": cannot import alsa-scarlett-gui's names and links: " + e.what(),
                         {.device = id});
        return;
    } catch (const State::KeyFileError& e) {
        Log::Warning(id + ": cannot import alsa-scarlett-gui's names and links: " + path +
                         " line " + std::to_string(e.GetLine()) + ": " + e.GetReason(),
                     {.device = id});
        return;
    }
    if (values.empty()) return;
    Log::Notice(id + ": imported " + std::to_string(values.size()) +
                    " names, links and port switches from alsa-scarlett-gui's " + path,
                {.device = id});
    try {
        if (!options_.state_dir.empty()) WriteSettings(id, device->settings, values);
    } catch (const std::exception& e) {
        /* Kept for this run; imported again at the next start. */
        Log::Warning(id + ": cannot record the imported names and links: " + e.what(),
                     {.device = id});
    }
    cache_.SetDaemonValues(id, std::move(values));
}

void StateKeeper::SetAside(const std::string& path) noexcept {
    const std::string aside = path + ".broken";
    if (std::rename(path.c_str(), aside.c_str()) == 0)
        Log::Warning("kept the unreadable " + path + " as " + aside);
}

void StateKeeper::Record(const std::string& id) noexcept {
    PerDevice& d = For(id);
    d.record->Cancel();
    d.dirty = false;
    const Core::Device* device = cache_.FindDevice(id);
    if (!device || options_.state_dir.empty()) return;
    const std::string path = LastStatePath(id);
    try {
        State::MakeDirectories(options_.state_dir + "/last", 0700);
        if (broken_.contains(path)) {
            SetAside(path);
            broken_.erase(path);
        }
        writer_.Write(path, d.text.Text(*device), 0600,
                      [this, id](std::exception_ptr error) noexcept {
                          if (!error) return;
                          try {
                              std::rethrow_exception(error);
                          } catch (const std::exception& e) {
                              RecordFailed(id, e.what());
                          } catch (...) {
                              RecordFailed(id, "unknown error");
                          }
                      });
    } catch (const std::exception& e) {
        RecordFailed(id, e.what());
    }
}

void StateKeeper::RecordFailed(const std::string& id, const std::string& why) noexcept {
    if (auto it = devices_.find(id); it != devices_.end()) it->second.dirty = true;
    try {
        Log::Warning(id + ": cannot record its last state: " + why, {.device = id});
    } catch (...) {
    }
}

void StateKeeper::Restore(const std::string& id) noexcept {
    const Core::Device* device = cache_.FindDevice(id);
    if (!device || !device->online || !context_) return;
    const Core::DeviceSettings settings = device->settings;
    Core::RestoreOutcome outcome;
    outcome.restore = settings.restore;
    outcome.preset = settings.restore == "preset" ? settings.preset : std::nullopt;
    /* The 1st Gen driver sends a value only when it differs from its cache, and the
     * device may hold something else after power-up: make each value reach it. */
    const bool force = device->identity.family == Alsa::Family::Gen1;
    auto skip = [&outcome](std::string name, std::string reason) {
        outcome.skipped.emplace_back(std::move(name), std::move(reason));
    };
    auto apply = [&](Methods::Plan plan) {
        const json result = Methods::ApplyPlan(*context_, *device, std::move(plan), false, force);
        outcome.applied += result.value("applied", size_t{0});
        for (const auto& s : result["skipped"]) skip(s["name"], s["reason"]);
    };
    try {
        std::optional<State::Preset> preset;
        std::string label;
        if (settings.restore == "last") {
            const std::string path = LastStatePath(id);
            label = "the last state";
            try {
                /* A record still on its way to the disk is the last state. */
                const auto pending = writer_.Pending(path);
                preset = State::ParsePreset(
                    pending ? *pending
                            : State::ReadBounded(path, State::PresetStore::MAX_FILE_SIZE, false));
            } catch (const State::StorageError& e) {
                if (e.GetErrno() != ENOENT) {
                    skip(path, e.what());
                    broken_.insert(path);
                }
            } catch (const State::KeyFileError& e) {
                skip(path, "line " + std::to_string(e.GetLine()) + ": " + e.GetReason());
                broken_.insert(path);
            }
        } else if (settings.restore == "preset" && settings.preset) {
            label = "preset '" + *settings.preset + "'";
            try {
                /* The one place the presets directory is resolved (none without a home). */
                preset = Methods::Store(*context_).Read(Methods::PresetSerialOf(*device),
                                                        *settings.preset);
            } catch (const std::exception& e) {
                skip("preset " + *settings.preset, e.what());
            }
        }
        if (preset) apply(Methods::PlanPreset(*device, *preset, {}, label));

        /* The guards, after the restore: they win over it. */
        Methods::Plan guards;
        for (const auto& guard : settings.set) {
            const json value = json::parse(guard.value_json);
            for (const auto& [numid, c] : device->controls) {
                if (!Core::GlobMatch(guard.match, c.info.id.name) || c.info.access.is_volatile)
                    continue;
                try {
                    guards.targets.push_back(
                        {c.info.id.name, numid, Codec::ResolveChange(c, {{"value", value}})});
                } catch (const std::exception& e) {
                    guards.skipped.push_back({{"name", c.info.id.name}, {"reason", Describe(e)}});
                }
            }
        }
        if (!guards.targets.empty() || !guards.skipped.empty()) apply(std::move(guards));
    } catch (const std::exception& e) {
        skip("*", Describe(e));
        Log::Warning(id + ": restore on attach: " + Describe(e), {.device = id});
    }
    const Core::Device* now = cache_.FindDevice(id);
    if (!now || !now->online) return;
    Log::Info(id + ": restored on attach (" + outcome.restore +
                  "): " + std::to_string(outcome.applied) + " written, " +
                  std::to_string(outcome.skipped.size()) + " skipped",
              {.device = id});
    cache_.SetRestored(id, std::move(outcome));
}
