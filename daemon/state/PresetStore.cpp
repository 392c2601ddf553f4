// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/state/PresetStore.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <tuple>

#include "daemon/state/KeyFile.hpp"
#include "daemon/state/Storage.hpp"

namespace State {

namespace {

constexpr std::string_view SUFFIX = ".conf";

}  // namespace

bool PresetStore::IsValidName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64 || name.front() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == ' ' || c == '_' || c == '.' || c == '-';
    });
}

std::string PresetStore::PathOf(const std::string& serial, const std::string& name) const {
    return directory_ + "/" + serial + "-" + name + std::string(SUFFIX);
}

PresetStore::Info PresetStore::Stat(const std::string& serial, const std::string& name) const {
    const std::string path = PathOf(serial, name);
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) throw PresetNotFound("no preset '" + name + "' for " + serial);
        throw StorageError(errno, path, "cannot stat " + path);
    }
    const Preset preset = Read(serial, name);
    return {name, serial, preset.model, preset.controls.size(), st.st_mtime};
}

std::vector<PresetStore::Info> PresetStore::List(const std::optional<std::string>& serial) const {
    std::vector<Info> found;
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(directory_.c_str()), ::closedir);
    if (!dir) {
        if (errno == ENOENT) return found;
        throw StorageError(errno, directory_, "cannot list " + directory_);
    }
    while (const dirent* entry = ::readdir(dir.get())) {
        const std::string file = entry->d_name;
        if (file.front() == '.' || !file.ends_with(SUFFIX)) continue;
        const std::string stem = file.substr(0, file.size() - SUFFIX.size());
        /* With a serial: its prefix, as that program lists them. Without: the serial
         * the file names in [device], else up to the first '-'. */
        std::string file_serial;
        if (serial) {
            if (!stem.starts_with(*serial + "-")) continue;
            file_serial = *serial;
        }
        Preset preset;
        try {
            preset = ParsePreset(ReadBounded(directory_ + "/" + file, MAX_FILE_SIZE, false));
        } catch (const std::exception&) {
            continue; /* not a preset, or not one we may read: not listed */
        }
        if (!serial) {
            if (preset.serial && stem.starts_with(*preset.serial + "-"))
                file_serial = *preset.serial;
            else if (const size_t dash = stem.find('-'); dash != std::string::npos)
                file_serial = stem.substr(0, dash);
            else
                continue; /* `<serial>.conf`: that program's per-device state */
        }
        const std::string name = stem.substr(file_serial.size() + 1);
        if (!IsValidName(name)) continue;
        struct stat st {};
        if (::lstat((directory_ + "/" + file).c_str(), &st) != 0) continue;
        found.push_back({name, file_serial, preset.model, preset.controls.size(), st.st_mtime});
    }
    std::sort(found.begin(), found.end(), [](const Info& a, const Info& b) {
        return std::tie(a.serial, a.name) < std::tie(b.serial, b.name);
    });
    return found;
}

Preset PresetStore::Read(const std::string& serial, const std::string& name) const {
    const std::string path = PathOf(serial, name);
    std::string text;
    try {
        /* Not through a symlink: it could point at any file the daemon may read. */
        text = ReadBounded(path, MAX_FILE_SIZE, false);
    } catch (const StorageError& e) {
        if (e.GetErrno() == ENOENT) throw PresetNotFound("no preset '" + name + "' for " + serial);
        throw;
    }
    return ParsePreset(text);
}

void PresetStore::Write(const std::string& serial, const std::string& name, const Preset& preset,
                        bool overwrite) const {
    const std::string path = PathOf(serial, name);
    MakeDirectories(directory_);
    struct stat st {};
    if (!overwrite && ::lstat(path.c_str(), &st) == 0)
        throw PresetExists("a preset '" + name + "' exists for " + serial);
    WriteAtomically(path, SerializePreset(preset));
}

void PresetStore::Remove(const std::string& serial, const std::string& name) const {
    const std::string path = PathOf(serial, name);
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) throw PresetNotFound("no preset '" + name + "' for " + serial);
        throw StorageError(errno, path, "cannot remove " + path);
    }
}

}  // namespace State
