// SPDX-License-Identifier: GPL-3.0-or-later
/* presets.list, presets.save, presets.load, presets.diff, presets.delete (protocol 1.1
 * §1): alsa-scarlett-gui's preset files, applied in passes through the card's I/O. */
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>
#include <unordered_set>

#include "alsa/Identity.hpp"
#include "daemon/StateKeeper.hpp"
#include "daemon/cards/CardSet.hpp"
#include "daemon/core/DaemonControls.hpp"
#include "daemon/core/Subscription.hpp"
#include "daemon/methods/Handlers.hpp"
#include "daemon/methods/PresetApply.hpp"
#include "daemon/state/AlsactlState.hpp"
#include "daemon/state/KeyFile.hpp"
#include "daemon/state/PresetStore.hpp"
#include "daemon/state/Storage.hpp"
#include "ipc/Error.hpp"

namespace Methods {

namespace {

using Ipc::ErrorCode;
using Ipc::RpcError;

/* A switch may make other controls writable, which may enable more: a few passes
 * settle every real device (that program does two). */
constexpr int MAX_PASSES = 4;

std::string PresetName(const Json& params) {
    if (!params.contains("name") || !params["name"].is_string())
        throw Ipc::ParamsInvalid("name", "name must be a string (a preset name)");
    const auto& name = params["name"].get_ref<const std::string&>();
    if (!State::PresetStore::IsValidName(name))
        throw Ipc::ParamsInvalid("name",
                                 "a preset name is 1-64 letters, digits, spaces, '_', '.' or '-', "
                                 "not starting with '.'");
    return name;
}

RpcError Invalid(const State::KeyFileError& e, const std::string& path) {
    return RpcError(
        ErrorCode::PresetInvalid,
        "not a valid preset: line " + std::to_string(e.GetLine()) + ": " + e.GetReason(),
        {{"line", e.GetLine()}, {"reason", e.GetReason()}, {"path", path}});
}

/** What reading a preset's file failed of: too large or a symlink is not a preset
 *  (preset.invalid), anything else storage.error. */
RpcError FromRead(const State::StorageError& e, const std::string& path) {
    if (e.GetErrno() == EFBIG)
        return RpcError(ErrorCode::PresetInvalid, "larger than 1 MiB: not a preset",
                        {{"line", 0}, {"reason", "larger than 1 MiB"}, {"path", path}});
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        return RpcError(ErrorCode::PresetInvalid,
                        "a symbolic link: presets are read only from regular files",
                        {{"line", 0}, {"reason", "a symbolic link"}, {"path", path}});
    return FromStorage(e);
}

std::string Rfc3339(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

Json InfoToJson(const State::PresetStore::Info& info) {
    return {{"name", info.name},
            {"serial", info.serial},
            {"model", info.model ? Json(*info.model) : Json(nullptr)},
            {"controls", info.controls},
            {"modified", Rfc3339(info.modified)}};
}

/** What a preset may hold of a device's controls, as alsa-scarlett-gui saves: writable
 *  and not locked now, not volatile, of a type the format has, and not one of the
 *  names that program leaves out. */
bool IsPresetControl(const Alsa::ControlInfo& info) {
    if (!info.access.write || info.access.locked || info.access.is_volatile) return false;
    if (info.id.name.find("Validity") != std::string::npos ||
        info.id.name.find("Channel Map") != std::string::npos)
        return false;
    return info.type == Alsa::ElemType::Boolean || info.type == Alsa::ElemType::Integer ||
           info.type == Alsa::ElemType::Enumerated || info.type == Alsa::ElemType::Bytes ||
           info.type == Alsa::ElemType::Text;
}

/** A preset to apply or compare, read from the store (`name`) or a file (`file`). */
struct Source {
    State::Preset preset;
    std::vector<std::pair<std::string, std::string>> skipped;  // by the reader
    std::string label;                                         // for messages
};

Source ReadSource(const Context& context, const Core::Device& device, const Json& params) {
    const bool by_name = params.contains("name");
    const bool by_file = params.contains("file");
    if (by_name == by_file) throw Ipc::ParamsInvalid("name", "give either name or file");
    Source source;
    if (by_name) {
        const std::string name = PresetName(params);
        const auto store = Store(context);
        const std::string serial = PresetSerialOf(device);
        const std::string path = store.PathOf(serial, name);
        try {
            source.preset = store.Read(serial, name);
        } catch (const State::PresetNotFound&) {
            throw PresetNotFoundError(device.identity.id, name);
        } catch (const State::KeyFileError& e) {
            throw Invalid(e, path);
        } catch (const State::StorageError& e) {
            throw FromRead(e, path);
        }
        source.label = "preset '" + name + "'";
        return source;
    }
    if (!params["file"].is_string())
        throw Ipc::ParamsInvalid("file", "file must be a string (an absolute path)");
    const std::string file = params["file"].get<std::string>();
    const bool is_state = file.ends_with(".state");
    if (file.empty() || file.front() != '/' || file.find('\0') != std::string::npos ||
        (!is_state && !file.ends_with(".conf")))
        throw Ipc::ParamsInvalid("file", "file must be an absolute path to a .conf or .state file");
    /* A system-wide daemon runs for every member of the sockets' group: it reads only
     * its own presets directory, never a file one of them names elsewhere. */
    if (context.options.system) {
        std::unique_ptr<char, decltype(&std::free)> real(::realpath(file.c_str(), nullptr),
                                                         &std::free);
        std::unique_ptr<char, decltype(&std::free)> dir(
            ::realpath(context.options.presets_dir.c_str(), nullptr), &std::free);
        if (!real || !dir || !std::string(real.get()).starts_with(std::string(dir.get()) + "/"))
            throw Ipc::ParamsInvalid("file", "a system-wide daemon reads files only from " +
                                                 context.options.presets_dir);
    }
    std::string text;
    try {
        text = State::ReadBounded(file, State::PresetStore::MAX_FILE_SIZE, !context.options.system);
    } catch (const State::StorageError& e) {
        throw FromRead(e, file);
    }
    try {
        if (is_state) {
            auto imported = State::ImportAlsactlState(text);
            source.preset = std::move(imported.preset);
            source.skipped = std::move(imported.skipped);
        } else {
            source.preset = State::ParsePreset(text);
        }
    } catch (const State::KeyFileError& e) {
        throw Invalid(e, file);
    }
    source.label = file;
    return source;
}

/** Another value than @p value in every channel, within the control's range: written
 *  first, it makes the driver send the wanted value that follows. */
Alsa::Value Nudged(const Alsa::ControlInfo& info, Alsa::Value value) {
    for (auto& n : value.numbers) {
        switch (info.type) {
            case Alsa::ElemType::Boolean:
                n = n ? 0 : 1;
                break;
            case Alsa::ElemType::Integer: {
                const int64_t step = info.step > 0 ? info.step : 1;
                n = n + step <= info.max ? n + step : n - step;
                break;
            }
            case Alsa::ElemType::Enumerated:
                n = n + 1 < static_cast<int64_t>(info.items.size()) ? n + 1 : n - 1;
                break;
            default:
                break;
        }
    }
    return value;
}

}  // namespace

std::string PresetSerialOf(const Core::Device& device) {
    if (device.identity.usb && !device.identity.usb->serial.empty()) {
        const std::string& serial = device.identity.usb->serial;
        return serial.front() == '.' ? Alsa::SanitiseId("_" + serial) : Alsa::SanitiseId(serial);
    }
    return device.identity.id;
}

State::PresetStore Store(const Context& context) {
    if (context.options.presets_dir.empty())
        throw RpcError(ErrorCode::StorageError,
                       "no presets directory: neither HOME nor XDG_CONFIG_HOME is set "
                       "(scarlettd --presets-dir)",
                       {{"errno", ENOENT}, {"path", ""}});
    return State::PresetStore(context.options.presets_dir);
}

RpcError FromStorage(const State::StorageError& e) {
    return RpcError(ErrorCode::StorageError, e.what(),
                    {{"errno", e.GetErrno()}, {"path", e.GetPath()}});
}

RpcError PresetNotFoundError(const std::string& device, const std::string& name) {
    return RpcError(ErrorCode::PresetNotFound, "no preset '" + name + "' for " + device,
                    {{"device", device}, {"name", name}});
}

Plan PlanPreset(const Core::Device& device, const State::Preset& preset,
                const std::vector<std::pair<std::string, std::string>>& read_skipped,
                const std::string& label) {
    Plan plan;
    if (preset.model && *preset.model != device.identity.name &&
        (!device.identity.model || *preset.model != *device.identity.model))
        plan.warnings.push_back(label + " is of a " + *preset.model + ", this device is a " +
                                device.identity.name + ": applied where the names match");
    for (const auto& name : preset.duplicates)
        plan.warnings.push_back("'" + name + "' is given more than once; the last value counts");
    for (const auto& [name, reason] : read_skipped)
        plan.skipped.push_back({{"name", name}, {"reason", reason}});
    std::set<unsigned> seen;
    for (const auto& entry : preset.controls) {
        /* A preset names controls by name alone: the first of that name, as
         * alsa-scarlett-gui looks them up. */
        const Alsa::Control* control = device.FindByName(entry.name);
        auto skip = [&](const std::string& reason) {
            plan.skipped.push_back({{"name", entry.name}, {"reason", reason}});
        };
        if (!control) {
            skip("no such control on this device");
            continue;
        }
        /* Read-only may be for now only (a driver drops the write flag of a volume
         * under hardware control): tried in every pass, skipped at the end. */
        if (control->info.access.is_volatile) {
            skip("not a setting (volatile)");
            continue;
        }
        auto decoded = State::DecodePresetValue(control->info, entry.value);
        if (auto* reason = std::get_if<std::string>(&decoded)) {
            skip(*reason);
            continue;
        }
        if (control->info.type == Alsa::ElemType::Text) {
            const auto& bytes = std::get<Alsa::Value>(decoded).bytes;
            if (const std::string why = Core::CheckText(std::string(bytes.begin(), bytes.end()));
                !why.empty()) {
                skip("the text " + why);
                continue;
            }
        }
        if (!seen.insert(control->info.id.numid).second) continue;
        plan.targets.push_back(
            {entry.name, control->info.id.numid, std::get<Alsa::Value>(std::move(decoded))});
    }
    return plan;
}

namespace {

/** What the card said of one target in a pass. */
struct Seen {
    enum class Kind { Equal, Written, NotWritable, Failed } kind = Kind::Failed;
    std::optional<Alsa::ControlInfo> info;
    std::optional<Alsa::Value> value;
    std::string error;
};

}  // namespace

Json ApplyPlan(Context& context, const Core::Device& device, Plan plan, bool dry_run, bool force) {
    const std::string device_id = device.identity.id;
    size_t applied = 0, unchanged = 0;
    if (dry_run) {
        for (const auto& t : plan.targets) {
            const auto* c = device.Find(t.numid);
            (c && c->value == t.value ? unchanged : applied)++;
        }
        return {{"device", device_id},
                {"seq", context.cache.GetSeq()},
                {"dry_run", true},
                {"applied", applied},
                {"unchanged", unchanged},
                {"skipped", std::move(plan.skipped)},
                {"warnings", std::move(plan.warnings)}};
    }

    /* The daemon's own controls (names, links) need no card: set at once, and first,
     * so that a disk that refuses them leaves the device untouched. */
    std::vector<Target> card_targets;
    std::vector<std::pair<unsigned, Alsa::Value>> daemon_writes;
    for (auto& t : plan.targets) {
        const auto* c = device.Find(t.numid);
        if (!c || !Core::IsDaemonControl(c->info))
            card_targets.push_back(std::move(t));
        else if (c->value == t.value)
            ++unchanged;
        else
            daemon_writes.emplace_back(t.numid, std::move(t.value));
    }
    plan.targets = std::move(card_targets);
    if (!daemon_writes.empty()) {
        try {
            context.keeper.SetDaemonControls(device_id, daemon_writes);
        } catch (const State::StorageError& e) {
            throw FromStorage(e);
        }
        applied += daemon_writes.size();
    }

    std::vector<bool> written(plan.targets.size(), false);
    std::vector<Seen> last(plan.targets.size());
    for (int pass = 0; pass < MAX_PASSES && !plan.targets.empty(); ++pass) {
        /* Every target, every pass: a write may change (or unlock) controls set before
         * it, as a switch does. The job owns its copy: it may outlive us. */
        struct Job {
            std::vector<std::pair<unsigned, Alsa::Value>> targets;
            std::vector<std::optional<Alsa::Value>> nudges;
            std::vector<Seen> seen;
        };
        auto job = std::make_shared<Job>();
        for (const auto& t : plan.targets) {
            job->targets.emplace_back(t.numid, t.value);
            /* Forced (a restore on a 1st Gen): the driver sends only a value that differs
             * from its cache, and the device may not hold what the cache says. */
            const auto* c = device.Find(t.numid);
            job->nudges.push_back(force && pass == 0 && c ? std::optional(Nudged(c->info, t.value))
                                                          : std::nullopt);
        }
        try {
            context.OnlineCard(device).Io().Run(
                [job](Alsa::Card& card, const std::function<void()>& step) {
                    for (size_t i = 0; i < job->targets.size(); ++i) {
                        const auto& [numid, want] = job->targets[i];
                        const auto& nudge = job->nudges[i];
                        Seen seen;
                        try {
                            seen.info = card.ReadInfo(numid);
                            seen.value = card.Read(numid);
                            if (*seen.value == want && nudge && *nudge != want &&
                                seen.info->access.IsWritable()) {
                                card.Write(numid, *nudge);
                                card.Write(numid, want);
                                seen.value = card.Read(numid);
                                seen.kind = Seen::Kind::Written;
                            } else if (*seen.value == want) {
                                seen.kind = Seen::Kind::Equal;
                            } else if (!seen.info->access.IsWritable()) {
                                seen.kind = Seen::Kind::NotWritable;
                            } else {
                                card.Write(numid, want);
                                seen.value = card.Read(numid);
                                seen.kind = Seen::Kind::Written;
                            }
                        } catch (const Alsa::Error& e) {
                            if (e.GetErrno() == ENODEV) throw;
                            seen.kind = e.GetErrno() == EPERM ? Seen::Kind::NotWritable
                                                              : Seen::Kind::Failed;
                            seen.error = e.what();
                        }
                        job->seen.push_back(std::move(seen));
                        step();
                    }
                });
        } catch (const CardIo::Unresponsive& e) {
            throw Context::Unanswered(device_id, e.what(), nullptr);
        } catch (const Alsa::Error&) {
            /* Only ENODEV leaves the job: the rest is a skipped control. */
            throw context.Unplugged(device_id, nullptr);
        }
        bool wrote = false;
        for (size_t i = 0; i < job->seen.size(); ++i) {
            Seen& seen = job->seen[i];
            if (seen.info && seen.value)
                context.cache.ApplyInfo(device_id, *seen.info, *seen.value);
            if (seen.kind == Seen::Kind::Written) written[i] = wrote = true;
            last[i] = std::move(seen);
        }
        /* Nothing written: nothing can have become writable. */
        if (!wrote) break;
    }
    for (size_t i = 0; i < plan.targets.size(); ++i) {
        const auto& name = plan.targets[i].name;
        const Seen& seen = last[i];
        if (seen.kind == Seen::Kind::Failed) {
            plan.skipped.push_back({{"name", name}, {"reason", "ALSA: " + seen.error}});
        } else if (seen.kind == Seen::Kind::NotWritable) {
            const auto& access = seen.info ? seen.info->access : Alsa::Access{};
            plan.skipped.push_back({{"name", name},
                                    {"reason", std::string("not writable (") +
                                                   (access.locked     ? "locked"
                                                    : access.inactive ? "inactive"
                                                    : !access.write   ? "read-only"
                                                                      : "refused by the kernel") +
                                                   ")"}});
        } else if (written[i]) {
            ++applied;
            if (seen.kind == Seen::Kind::Written && seen.value != plan.targets[i].value)
                plan.warnings.push_back("'" + name + "' did not keep the preset's value");
        } else {
            ++unchanged;
        }
    }
    return {{"device", device_id},
            {"seq", context.cache.GetSeq()},
            {"applied", applied},
            {"unchanged", unchanged},
            {"skipped", std::move(plan.skipped)},
            {"warnings", std::move(plan.warnings)}};
}

bool IsPresetEntry(const Alsa::ControlInfo& info) {
    return IsPresetControl(info) && State::KeyFile::IsValidKey(info.id.name);
}

void ForEachPresetControl(const Core::Device& device,
                          const std::function<void(const Alsa::Control&)>& each) {
    std::unordered_set<std::string_view> names;
    for (const auto& [numid, c] : device.controls)
        if (IsPresetEntry(c.info) && names.insert(c.info.id.name).second) each(c);
}

State::Preset CurrentState(const Core::Device& device, const std::vector<std::string>& match) {
    State::Preset preset;
    preset.serial = PresetSerialOf(device);
    if (!device.identity.name.empty()) preset.model = device.identity.name;
    ForEachPresetControl(device, [&](const Alsa::Control& c) {
        if (!match.empty() && std::none_of(match.begin(), match.end(), [&](const std::string& m) {
                return Core::GlobMatch(m, c.info.id.name);
            }))
            return;
        if (auto text = State::EncodePresetValue(c.info, c.value))
            preset.controls.push_back({c.info.id.name, std::move(*text), 0});
    });
    return preset;
}

Json PresetsList(Context& context, ClientSession&, const Json& params) {
    std::optional<std::string> serial;
    if (params.contains("device")) serial = PresetSerialOf(context.ResolveKnown(params));
    Json list = Json::array();
    try {
        for (const auto& info : Store(context).List(serial)) list.push_back(InfoToJson(info));
    } catch (const State::StorageError& e) {
        throw FromStorage(e);
    }
    return {{"presets", std::move(list)}};
}

Json PresetsSave(Context& context, ClientSession&, const Json& params) {
    const std::string name = PresetName(params);
    std::vector<std::string> match;
    if (params.contains("match")) {
        if (!params["match"].is_array())
            throw Ipc::ParamsInvalid("match", "match must be an array of shell globs");
        for (const auto& m : params["match"]) {
            if (!m.is_string()) throw Ipc::ParamsInvalid("match", "each match is a string");
            match.push_back(m.get<std::string>());
        }
    }
    if (params.contains("overwrite") && !params["overwrite"].is_boolean())
        throw Ipc::ParamsInvalid("overwrite", "overwrite must be true or false");
    const bool overwrite = params.value("overwrite", false);
    const Core::Device& device = context.ResolveDevice(params);
    const State::Preset preset = CurrentState(device, match);
    auto store = Store(context);
    try {
        store.Write(*preset.serial, name, preset, overwrite);
        return {{"preset", InfoToJson(store.Stat(*preset.serial, name))}};
    } catch (const State::PresetExists&) {
        throw RpcError(ErrorCode::PresetExists,
                       "a preset '" + name + "' exists for " + device.identity.id +
                           " (overwrite: true replaces it)",
                       {{"device", device.identity.id}, {"name", name}});
    } catch (const State::StorageError& e) {
        throw FromStorage(e);
    }
}

Json PresetsLoad(Context& context, ClientSession&, const Json& params) {
    if (params.contains("dry_run") && !params["dry_run"].is_boolean())
        throw Ipc::ParamsInvalid("dry_run", "dry_run must be true or false");
    const Core::Device& device = context.ResolveDevice(params);
    const Source source = ReadSource(context, device, params);
    return ApplyPlan(context, device,
                     PlanPreset(device, source.preset, source.skipped, source.label),
                     params.value("dry_run", false), false);
}

Json PresetsDiff(Context& context, ClientSession&, const Json& params) {
    const Core::Device& device = context.ResolveDevice(params);
    const Source source = ReadSource(context, device, params);
    Plan plan = PlanPreset(device, source.preset, source.skipped, source.label);
    Json differences = Json::array();
    for (const auto& t : plan.targets) {
        const auto* c = device.Find(t.numid);
        if (!c || c->value == t.value) continue;
        differences.push_back(
            {{"name", t.name},
             {"preset", State::EncodePresetValue(c->info, t.value).value_or("")},
             {"current", State::EncodePresetValue(c->info, c->value).value_or("")}});
    }
    return {{"device", device.identity.id},
            {"seq", context.cache.GetSeq()},
            {"differences", std::move(differences)},
            {"skipped", std::move(plan.skipped)}};
}

Json PresetsDelete(Context& context, ClientSession&, const Json& params) {
    const std::string name = PresetName(params);
    const Core::Device& device = context.ResolveKnown(params);
    try {
        Store(context).Remove(PresetSerialOf(device), name);
    } catch (const State::PresetNotFound&) {
        throw PresetNotFoundError(device.identity.id, name);
    } catch (const State::StorageError& e) {
        throw FromStorage(e);
    }
    return Json::object();
}

}  // namespace Methods
