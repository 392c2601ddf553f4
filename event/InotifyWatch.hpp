// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string_view>

#include "event/Callback.hpp"
#include "event/FdWatch.hpp"
#include "event/UniqueFd.hpp"

namespace Event {

/** One inotify event: the watch descriptor, IN_* mask and the name in the directory. */
struct InotifyEvent {
    int wd;
    uint32_t mask;
    std::string_view name;
};

/**
 * An inotify instance as a loop event: every event read is passed to the callback
 * (the name is valid during the call), then @p done runs once per batch read, so
 * a burst of events costs one reaction. Loop thread only.
 */
class InotifyWatch {
  public:
    using Function = Callback<void(const InotifyEvent& event)>;
    using Done = Callback<void()>;

    InotifyWatch(EventLoop& loop, Function callback, Done done = {}) noexcept;
    InotifyWatch(const InotifyWatch&) = delete;
    InotifyWatch& operator=(const InotifyWatch&) = delete;

    /** Creates the inotify instance. @return false with errno set (EMFILE: the
     *  per-user limit of instances). */
    [[nodiscard]] bool Open() noexcept;
    bool IsOpen() const noexcept { return static_cast<bool>(fd_); }
    /** inotify_add_watch: the watch descriptor, or -1 with errno set. */
    int Add(const char* path, uint32_t mask) noexcept;
    void Remove(int wd) noexcept;

  private:
    void OnReadable() noexcept;

    Function callback_;
    Done done_;
    UniqueFd fd_;
    FdWatch watch_;
};

}  // namespace Event
