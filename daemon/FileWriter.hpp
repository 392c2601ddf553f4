// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "event/Callback.hpp"
#include "event/FdWatch.hpp"
#include "event/UniqueFd.hpp"

/**
 * Writes files (State::WriteAtomically, with its fsyncs) on a thread of its own, so
 * that a slow disk never holds the loop: the last state of a device is recorded
 * while clients wait for answers, and one fsync can take tens of milliseconds.
 * Writes run in the order they were asked for; one not started yet is replaced by a
 * newer write of the same file (only the newest content matters). The outcome comes
 * back through the loop. The thread starts with the first write and then sleeps
 * while there is nothing to write (no wakeups). Destroying the writer finishes every
 * queued write first (the shutdown's records must reach the disk); outcomes not
 * delivered by then are dropped. Loop thread only.
 */
class FileWriter {
  public:
    /** Null: written. Otherwise what the write threw (State::StorageError: the file
     *  is as it was). */
    using Done = Event::Callback<void(std::exception_ptr error)>;

    /** How a file is written, on the thread; throws what it cannot do. */
    using WriteFunction =
        std::function<void(const std::string& path, const std::string& content, unsigned mode)>;

    /** @p write: State::WriteAtomically unless a test slows it down. */
    explicit FileWriter(Event::EventLoop& loop, WriteFunction write = {});
    ~FileWriter();
    FileWriter(const FileWriter&) = delete;
    FileWriter& operator=(const FileWriter&) = delete;

    /** Queues @p content for @p path; throws std::system_error when no thread or
     *  eventfd can be made (nothing queued then). */
    void Write(std::string path, std::string content, unsigned mode, Done done);
    /** What @p path will hold once the writes asked for are done, while one of them
     *  is queued or running: a reader must not see the file's older content. */
    std::optional<std::string> Pending(const std::string& path) const;

  private:
    struct Job {
        std::string path;
        std::string content;
        unsigned mode;
        std::vector<Done> done;
    };
    void Start();
    void Work() noexcept;
    void OnBack() noexcept;

    const WriteFunction write_;
    Event::UniqueFd back_fd_;
    Event::FdWatch back_watch_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    /** The job the thread writes now (not in queue_ meanwhile). */
    std::optional<Job> running_;
    std::vector<std::pair<std::vector<Done>, std::exception_ptr>> outcomes_;
    bool quit_ = false;
    std::thread thread_;
};
