// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/FileWriter.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <system_error>

#include "daemon/state/Storage.hpp"

FileWriter::FileWriter(Event::EventLoop& loop, WriteFunction write)
    : write_(write ? std::move(write) : WriteFunction(State::WriteAtomically)),
      back_watch_(loop, [this](uint32_t) noexcept { OnBack(); }) {}

FileWriter::~FileWriter() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void FileWriter::Start() {
    back_fd_.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!back_fd_.IsValid() || !back_watch_.Open(back_fd_.Get(), EPOLLIN)) {
        const int error = errno;
        back_fd_.Reset();
        throw std::system_error(error, std::system_category(), "eventfd(file writer)");
    }
    try {
        thread_ = std::thread([this]() noexcept { Work(); });
    } catch (...) {
        back_watch_.Cancel();
        back_fd_.Reset();
        throw;
    }
}

void FileWriter::Write(std::string path, std::string content, unsigned mode, Done done) {
    if (!thread_.joinable()) Start();
    {
        std::lock_guard lock(mutex_);
        for (auto& job : queue_)
            if (job.path == path) {
                job.content = std::move(content);
                job.mode = mode;
                job.done.push_back(std::move(done));
                return;
            }
        std::vector<Done> callbacks;
        callbacks.push_back(std::move(done));
        queue_.push_back({std::move(path), std::move(content), mode, std::move(callbacks)});
    }
    wake_.notify_one();
}

std::optional<std::string> FileWriter::Pending(const std::string& path) const {
    std::lock_guard lock(mutex_);
    /* The newest first: a queued write comes after the running one. */
    for (auto it = queue_.rbegin(); it != queue_.rend(); ++it)
        if (it->path == path) return it->content;
    if (running_ && running_->path == path) return running_->content;
    return std::nullopt;
}

void FileWriter::Work() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return quit_ || !queue_.empty(); });
        /* At quit, what is queued is still written: the shutdown's records. */
        if (queue_.empty()) return;
        running_ = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        std::exception_ptr error;
        try {
            write_(running_->path, running_->content, running_->mode);
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        try {
            outcomes_.emplace_back(std::move(running_->done), std::move(error));
        } catch (...) {
            /* Out of memory: the outcome is lost, the file is as written. */
        }
        running_.reset();
        eventfd_write(back_fd_.Get(), 1);
    }
}

void FileWriter::OnBack() noexcept {
    eventfd_t n;
    eventfd_read(back_fd_.Get(), &n);
    decltype(outcomes_) outcomes;
    {
        std::lock_guard lock(mutex_);
        outcomes.swap(outcomes_);
    }
    for (auto& [callbacks, error] : outcomes)
        for (auto& done : callbacks)
            if (done) done(error);
}
