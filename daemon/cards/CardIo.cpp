// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/cards/CardIo.hpp"

#include <sys/eventfd.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <system_error>

#include "daemon/Log.hpp"
#include "event/UniqueFd.hpp"

/* What the loop and the I/O thread share; the thread holds a reference of its own, so
 * that a job left running outlives the CardIo (and its card with it). */
struct CardIo::Shared {
    std::mutex mutex;
    std::condition_variable to_thread;
    std::condition_variable to_loop;
    std::unique_ptr<Alsa::Card> card;
    Opener opener;
    Job job;
    bool has_job = false;
    bool done = false;
    std::exception_ptr error;
    size_t steps = 0;
    /* The loop stopped waiting: the thread says when it is done through back_fd. */
    bool abandoned = false;
    bool quit = false;
    Event::UniqueFd back_fd;
};

CardIo::CardIo(Event::EventLoop& loop, std::string name, std::chrono::milliseconds bound,
               Event::Callback<void()> lost, Event::Callback<void()> back)
    : shared_(std::make_shared<Shared>()),
      name_(std::move(name)),
      bound_(bound),
      lost_(std::move(lost)),
      back_(std::move(back)),
      back_watch_(loop, [this](uint32_t) noexcept { OnBack(); }) {
    shared_->back_fd.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!shared_->back_fd.IsValid() || !back_watch_.Open(shared_->back_fd.Get(), EPOLLIN))
        throw std::system_error(errno, std::system_category(), "eventfd(card I/O)");
    thread_ = std::thread(Work, shared_);
}

CardIo::~CardIo() {
    bool finished = !unresponsive_ && !IsOpening();
    {
        std::unique_lock lock(shared_->mutex);
        shared_->quit = true;
        /* An open in progress normally ends within the bound (an unplug while the card
         * opens, a shutdown): wait for it, so that no thread outlives us needlessly. */
        if (!finished && !unresponsive_)
            finished = shared_->to_loop.wait_for(lock, bound_, [this] { return shared_->done; });
    }
    shared_->to_thread.notify_one();
    back_watch_.Cancel();
    /* A thread stuck in the device cannot be waited for: it ends, and frees the card,
     * when the device answers or goes away. */
    if (finished)
        thread_.join();
    else
        thread_.detach();
}

void CardIo::Work(std::shared_ptr<Shared> shared) noexcept {
    Shared& s = *shared;
    std::unique_lock lock(s.mutex);
    for (;;) {
        s.to_thread.wait(lock, [&] { return s.has_job || s.quit; });
        if (!s.has_job) return;
        Job job = std::move(s.job);
        s.job = nullptr;
        Opener opener = std::move(s.opener);
        s.opener = nullptr;
        lock.unlock();
        std::exception_ptr error;
        const auto step = [&s] {
            {
                std::lock_guard step_lock(s.mutex);
                ++s.steps;
            }
            s.to_loop.notify_one();
        };
        std::unique_ptr<Alsa::Card> opened;
        try {
            if (opener)
                opened = opener();
            else
                job(*s.card, step);
        } catch (...) {
            error = std::current_exception();
        }
        job = nullptr;
        opener = nullptr;
        lock.lock();
        if (opened) s.card = std::move(opened);
        s.has_job = false;
        s.done = true;
        s.error = error;
        if (s.abandoned) eventfd_write(s.back_fd.Get(), 1);
        s.to_loop.notify_one();
    }
}

void CardIo::Open(Opener open, Opened opened) {
    opened_ = std::move(opened);
    {
        std::lock_guard lock(shared_->mutex);
        shared_->opener = std::move(open);
        shared_->has_job = true;
        shared_->done = false;
        /* No one waits: the thread reports through back_fd. */
        shared_->abandoned = true;
    }
    shared_->to_thread.notify_one();
}

void CardIo::AwaitOpen(std::chrono::steady_clock::time_point deadline) noexcept {
    if (!IsOpening()) return;
    {
        std::unique_lock lock(shared_->mutex);
        if (!shared_->to_loop.wait_until(lock, deadline, [this] { return shared_->done; })) return;
    }
    OnBack();
}

void CardIo::Run(Job job) {
    if (unresponsive_)
        throw Unresponsive(name_ + " is not answering (an earlier operation is still pending)", 0);
    Shared& s = *shared_;
    std::unique_lock lock(s.mutex);
    s.job = std::move(job);
    s.has_job = true;
    s.done = false;
    s.error = nullptr;
    s.steps = 0;
    s.to_thread.notify_one();
    size_t seen = 0;
    /* Waits while the card makes progress: a long batch on a slow but live device
     * completes, one operation that hangs does not hold the loop. */
    while (!s.done) {
        if (!s.to_loop.wait_for(lock, bound_, [&] { return s.done || s.steps != seen; })) {
            s.abandoned = true;
            const size_t completed = s.steps;
            lock.unlock();
            unresponsive_ = true;
            Log::Warning(name_ + ": not answering within " + std::to_string(bound_.count()) +
                             " ms; its requests fail with device.busy until it does",
                         {.device = name_});
            lost_();
            throw Unresponsive(name_ + " did not answer within " + std::to_string(bound_.count()) +
                                   " ms; the operation may still complete",
                               completed);
        }
        seen = s.steps;
    }
    s.done = false;
    const std::exception_ptr error = std::exchange(s.error, nullptr);
    lock.unlock();
    if (error) std::rethrow_exception(error);
}

Alsa::Card* CardIo::Get() noexcept {
    return unresponsive_ ? nullptr : shared_->card.get();
}

void CardIo::OnBack() noexcept {
    eventfd_t n;
    eventfd_read(shared_->back_fd.Get(), &n);
    std::exception_ptr error;
    {
        std::lock_guard lock(shared_->mutex);
        if (!shared_->done) return;
        shared_->done = false;
        shared_->abandoned = false;
        error = std::exchange(shared_->error, nullptr);
    }
    if (IsOpening()) {
        /* Moved out first: the callback may destroy us. */
        const Opened opened = std::exchange(opened_, {});
        opened(error);
        return;
    }
    unresponsive_ = false;
    std::string outcome = "its pending operation completed";
    if (error) {
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            outcome = std::string("its pending operation failed: ") + e.what();
        } catch (...) {
            outcome = "its pending operation failed";
        }
    }
    Log::Notice(name_ + ": answering again; " + outcome, {.device = name_});
    back_();
}
