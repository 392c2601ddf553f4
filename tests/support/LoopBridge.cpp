// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/LoopBridge.hpp"

#include <sys/eventfd.h>

#include <cerrno>
#include <system_error>

namespace Testbed {

LoopBridge::LoopBridge(Event::EventLoop& loop)
    : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      watch_(loop, [this](uint32_t) noexcept { OnReady(); }) {
    if (!fd_) throw std::system_error(errno, std::system_category(), "eventfd");
    if (!watch_.Open(fd_.Get(), EPOLLIN))
        throw std::system_error(errno, std::system_category(), "epoll_ctl(eventfd)");
}

LoopBridge::~LoopBridge() {
    Stop();
}

bool LoopBridge::Call(std::function<void()> work) {
    std::future<bool> done;
    {
        std::lock_guard lock(mutex_);
        if (stopped_) return false;
        tasks_.push_back(Task{std::move(work), {}});
        done = tasks_.back().done.get_future();
    }
    eventfd_write(fd_.Get(), 1);
    return done.get();
}

void LoopBridge::Stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& task : tasks_) task.done.set_value(false);
    tasks_.clear();
}

void LoopBridge::OnReady() noexcept {
    eventfd_t n;
    eventfd_read(fd_.Get(), &n);
    std::deque<Task> tasks;
    {
        std::lock_guard lock(mutex_);
        tasks.swap(tasks_);
    }
    for (auto& task : tasks) {
        task.work();
        task.done.set_value(true);
    }
}

}  // namespace Testbed
