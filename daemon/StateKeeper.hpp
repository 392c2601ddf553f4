// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "daemon/FileWriter.hpp"
#include "daemon/Options.hpp"
#include "daemon/core/StateCache.hpp"
#include "daemon/methods/StateText.hpp"
#include "event/Timer.hpp"

namespace Methods {
struct Context;
}

/**
 * What the daemon keeps of each device across restarts (protocol 1.1 §2, §3), in the
 * state directory:
 *   devices/<id>.json   its settings (nickname, restore on attach, guards) and the
 *                       values of its daemon controls (names, links, visibility),
 *                       imported once from alsa-scarlett-gui's <serial>.conf
 *   last/<id>.conf      the last state seen of its settings, in the preset format
 * and the restore on attach: when a device comes online, its settings are loaded,
 * the `last` state or the named preset is written back, then the `set` guards, then
 * the cache reports device.restored. The last state is written at most once every
 * Options::record_delay (2 s) per device while its values change, once when it goes offline or the
 * daemon stops, and never while nothing changes (no timer runs then), by a thread of
 * its own (FileWriter: an fsync must not hold the loop). A file that
 * cannot be read is reported and set aside (`.broken`), never overwritten silently.
 * Loop thread only.
 */
class StateKeeper {
  public:
    StateKeeper(Event::EventLoop& loop, const Options& options, Core::StateCache& cache);
    /** Writes what is still pending (Flush()). */
    ~StateKeeper();
    StateKeeper(const StateKeeper&) = delete;
    StateKeeper& operator=(const StateKeeper&) = delete;

    /** The methods' context, for writing through the cards (built after us). */
    void SetContext(Methods::Context& context) noexcept { context_ = &context; }

    /** Loads what is kept of @p id (once per run), before the cache builds its
     *  daemon controls: the cache's attach hook. */
    void OnAttach(const std::string& id) noexcept { LoadSettings(id); }

    /** Sets daemon controls of @p id: written to disk first, then to the cache (its
     *  changes then reach subscribers as any other). Without a state directory they
     *  last until the daemon stops. Throws State::StorageError (nothing changed). */
    void SetDaemonControls(const std::string& id,
                           const std::vector<std::pair<unsigned, Alsa::Value>>& changes);

    /** The cache's observer: a changed setting of a device schedules its record. */
    void OnCacheChange(const Core::Change& change);
    /** A device came online: its settings, then its restore (deferred out of the
     *  card's callback). */
    void OnOnline(const std::string& id) noexcept;
    /** Runs the restores that wait for the loop now (startup: the devices present are
     *  restored before the daemon says it is ready). */
    void RestorePending() noexcept;
    /** It went offline: its last state is recorded now if it changed. */
    void OnOffline(const std::string& id) noexcept;

    /** Replaces @p id's settings in the cache and on disk. Throws State::StorageError
     *  (nothing changed then). */
    void Configure(const std::string& id, Core::DeviceSettings settings);

    /** Records every pending last state now (shutdown). */
    void Flush() noexcept;

    /** Where the files of @p id are (tests, docs). */
    std::string SettingsPath(const std::string& id) const;
    std::string LastStatePath(const std::string& id) const;

  private:
    struct PerDevice {
        std::unique_ptr<Event::Timer> record;
        std::unique_ptr<Event::Timer> restore;
        bool dirty = false;
        bool settings_loaded = false;
        /* The last state's text, kept between records: a record encodes only what
         * changed since the one before. */
        Methods::StateText text;
    };

    PerDevice& For(const std::string& id);
    void LoadSettings(const std::string& id) noexcept;
    /** alsa-scarlett-gui's names, links and visibility of @p id's ports, from its
     *  per-device file, when the daemon has nothing of its own yet. */
    void ImportFromGui(const std::string& id) noexcept;
    /** Writes @p id's settings file. Throws State::StorageError. */
    void WriteSettings(const std::string& id, const Core::DeviceSettings& settings,
                       const std::map<std::string, Alsa::Value>& values);
    void Restore(const std::string& id) noexcept;
    void Record(const std::string& id) noexcept;
    /** A record that failed stays due: the next change, or the shutdown, tries again. */
    void RecordFailed(const std::string& id, const std::string& why) noexcept;
    /** Moves an unreadable @p path aside (`.broken`) so that writing it loses nothing. */
    void SetAside(const std::string& path) noexcept;

    Event::EventLoop& loop_;
    const Options& options_;
    Core::StateCache& cache_;
    Methods::Context* context_ = nullptr;
    std::map<std::string, PerDevice> devices_;
    /* Files found unreadable: set aside before they are written. */
    std::set<std::string> broken_;
    /* Last: destroyed first, it finishes the records the destructor queued. */
    FileWriter writer_;
};
