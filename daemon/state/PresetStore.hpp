// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/state/PresetCodec.hpp"

namespace State {

/** No preset of that name for that device (preset.not_found). */
class PresetNotFound : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/** Saving over an existing preset without overwrite (preset.exists). */
class PresetExists : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/**
 * The presets directory as alsa-scarlett-gui 1.0 keeps it: one flat directory of
 * `<serial>-<name>.conf` files (docs/dev/alsa-scarlett-gui-files.md §1), so that a
 * preset saved by either program appears in both. Beside them that program keeps
 * `<serial>.conf` (its per-device state) and `.<serial>-init.conf`: never presets.
 */
class PresetStore {
  public:
    struct Info {
        std::string name;
        std::string serial;
        std::optional<std::string> model;
        size_t controls = 0;
        std::time_t modified = 0;
    };

    /** Files larger than this are not presets (a real one is a few KiB). */
    static constexpr size_t MAX_FILE_SIZE = 1024 * 1024;

    explicit PresetStore(std::string directory) : directory_(std::move(directory)) {}

    /** 1-64 characters of letters, digits, space, '_', '.', '-', not starting with
     *  '.' (protocol 1.1 §1): safe as part of a file name. */
    static bool IsValidName(std::string_view name) noexcept;

    /** The presets of the device with @p serial, or every preset found (std::nullopt),
     *  by serial and name. Files that are not presets, or whose name is not a valid
     *  preset name, are left out. Throws StorageError (the directory missing is no
     *  error: no presets). */
    std::vector<Info> List(const std::optional<std::string>& serial) const;
    /** Throws PresetNotFound, KeyFileError (not a preset), StorageError. */
    Preset Read(const std::string& serial, const std::string& name) const;
    Info Stat(const std::string& serial, const std::string& name) const;
    /** Atomically (WriteAtomically). Throws PresetExists, StorageError. */
    void Write(const std::string& serial, const std::string& name, const Preset& preset,
               bool overwrite) const;
    /** Throws PresetNotFound, StorageError. */
    void Remove(const std::string& serial, const std::string& name) const;

    std::string PathOf(const std::string& serial, const std::string& name) const;
    const std::string& GetDirectory() const noexcept { return directory_; }

  private:
    std::string directory_;
};

}  // namespace State
