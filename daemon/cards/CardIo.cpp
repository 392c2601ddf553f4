// SPDX-License-Identifier: GPL-3.0-or-later
#include "daemon/cards/CardIo.hpp"

#include <sys/eventfd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <system_error>

#include "daemon/Log.hpp"
#include "event/UniqueFd.hpp"

namespace {
std::atomic<int> threads{0};
}  // namespace

int CardIo::CountThreads() noexcept {
    return threads.load();
}

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
    /* No one waits on to_loop: the thread says when it is done through back_fd. */
    bool notify = false;
    bool quit = false;
    Event::UniqueFd back_fd;
};

CardIo::CardIo(Event::EventLoop& loop, std::string name, std::chrono::milliseconds bound,
               Event::Callback<void()> pause, Event::Callback<void()> resume)
    : shared_(std::make_shared<Shared>()),
      name_(std::move(name)),
      bound_(bound),
      pause_(std::move(pause)),
      resume_(std::move(resume)),
      back_watch_(loop, [this](uint32_t) noexcept { OnBack(); }),
      bound_timer_(loop, [this]() noexcept { OnBound(); }),
      deliver_(loop, [this]() noexcept { Deliver(); }) {
    shared_->back_fd.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!shared_->back_fd.IsValid() || !back_watch_.Open(shared_->back_fd.Get(), EPOLLIN))
        throw std::system_error(errno, std::system_category(), "eventfd(card I/O)");
    ++threads;
    try {
        /* Counted down once Work() has let go of the card and everything it shared. */
        thread_ = std::thread([shared = shared_]() mutable noexcept {
            Work(std::move(shared));
            --threads;
        });
    } catch (...) {
        --threads;
        throw;
    }
}

CardIo::~CardIo() {
    bool finished = holder_ == Holder::None || holder_ == Holder::Submitted;
    {
        std::unique_lock lock(shared_->mutex);
        shared_->quit = true;
        /* A job or an open in progress normally ends within the bound (an unplug while
         * the card opens or is written, a shutdown): wait for it, so that no thread
         * outlives us needlessly. */
        if (holder_ != Holder::None && holder_ != Holder::Abandoned)
            finished = shared_->to_loop.wait_for(lock, bound_, [this] { return shared_->done; });
    }
    shared_->to_thread.notify_one();
    back_watch_.Cancel();
    bound_timer_.Cancel();
    deliver_.Cancel();
    /* Whoever waits for a submitted job hears of it; the card is no longer ours. */
    const auto closed = std::make_exception_ptr(Closed(name_ + " went away"));
    for (auto& outcome : outcomes_) outcome.first(closed);
    if (running_done_) running_done_(closed);
    for (auto& queued : queue_) queued.done(closed);
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
        if (s.notify) eventfd_write(s.back_fd.Get(), 1);
        s.to_loop.notify_one();
    }
}

void CardIo::Open(Opener open, Opened opened) {
    opened_ = std::move(opened);
    holder_ = Holder::Open;
    {
        std::lock_guard lock(shared_->mutex);
        shared_->opener = std::move(open);
        shared_->has_job = true;
        shared_->done = false;
        shared_->notify = true;
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

void CardIo::Submit(Job job, Done done) {
    if (unresponsive_) throw StillPending();
    queue_.push_back({std::move(job), std::move(done)});
    if (holder_ == Holder::None) {
        Pause();
        StartNext();
    }
}

void CardIo::StartNext() noexcept {
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    running_done_ = std::move(next.done);
    holder_ = Holder::Submitted;
    {
        std::lock_guard lock(shared_->mutex);
        shared_->job = std::move(next.job);
        shared_->has_job = true;
        shared_->done = false;
        shared_->error = nullptr;
        shared_->steps = 0;
        shared_->notify = true;
    }
    seen_steps_ = 0;
    shared_->to_thread.notify_one();
    bound_timer_.Schedule(bound_);
}

void CardIo::Run(Job job) {
    if (unresponsive_) throw StillPending();
    Shared& s = *shared_;
    std::unique_lock lock(s.mutex);
    /* Waits while the card makes progress: a long batch on a slow but live device
     * completes, one operation that hangs does not hold the loop. */
    const auto wait = [&] {
        size_t seen = s.steps;
        while (!s.done) {
            if (!s.to_loop.wait_for(lock, bound_, [&] { return s.done || s.steps != seen; }))
                return false;
            seen = s.steps;
        }
        return true;
    };
    if (holder_ == Holder::Submitted) {
        /* The submitted job the thread has goes first; its outcome is told from the
         * loop, after whatever called us. */
        if (!wait()) {
            const size_t completed = s.steps;
            lock.unlock();
            Abandon(completed);
            throw Unresponsive(
                name_ + " did not answer within " + std::to_string(bound_.count()) + " ms", 0);
        }
        s.done = false;
        outcomes_.emplace_back(std::exchange(running_done_, {}), std::exchange(s.error, nullptr));
        deliver_.Schedule();
        bound_timer_.Cancel();
        holder_ = Holder::None;
    }
    s.job = std::move(job);
    s.has_job = true;
    s.done = false;
    s.error = nullptr;
    s.steps = 0;
    s.notify = false;
    s.to_thread.notify_one();
    if (!wait()) {
        const size_t completed = s.steps;
        lock.unlock();
        Abandon(completed);
        throw TimedOut(completed);
    }
    s.done = false;
    const std::exception_ptr error = std::exchange(s.error, nullptr);
    lock.unlock();
    /* The jobs submitted before, still queued, go on. */
    if (!queue_.empty())
        StartNext();
    else
        Resume();
    if (error) std::rethrow_exception(error);
}

void CardIo::Abandon(size_t completed) noexcept {
    {
        std::lock_guard lock(shared_->mutex);
        shared_->notify = true;
    }
    bound_timer_.Cancel();
    holder_ = Holder::Abandoned;
    unresponsive_ = true;
    Log::Warning(name_ + ": not answering within " + std::to_string(bound_.count()) +
                     " ms; its requests fail with device.busy until it does",
                 {.device = name_});
    Pause();
    if (running_done_)
        outcomes_.emplace_back(std::exchange(running_done_, {}),
                               std::make_exception_ptr(TimedOut(completed)));
    for (auto& queued : queue_)
        outcomes_.emplace_back(std::move(queued.done), std::make_exception_ptr(StillPending()));
    queue_.clear();
    deliver_.Schedule();
}

void CardIo::OnBound() noexcept {
    size_t steps;
    bool done;
    {
        std::lock_guard lock(shared_->mutex);
        steps = shared_->steps;
        done = shared_->done;
    }
    /* Done: OnBack is on its way. Progress: a long job on a live card. */
    if (done || steps != seen_steps_) {
        seen_steps_ = steps;
        if (!done) bound_timer_.Schedule(bound_);
        return;
    }
    Abandon(steps);
}

Alsa::Card* CardIo::Get() noexcept {
    return holder_ == Holder::None ? shared_->card.get() : nullptr;
}

void CardIo::Deliver() noexcept {
    /* A callback may submit again, or destroy us: take the list first. */
    auto outcomes = std::exchange(outcomes_, {});
    for (auto& [done, error] : outcomes) done(error);
}

void CardIo::OnBack() noexcept {
    eventfd_t n;
    eventfd_read(shared_->back_fd.Get(), &n);
    std::exception_ptr error;
    {
        std::lock_guard lock(shared_->mutex);
        if (!shared_->done || !shared_->notify) return;
        shared_->done = false;
        shared_->notify = false;
        error = std::exchange(shared_->error, nullptr);
    }
    const Holder holder = std::exchange(holder_, Holder::None);
    if (holder == Holder::Open) {
        /* Moved out first: the callback may destroy us. */
        const Opened opened = std::exchange(opened_, {});
        opened(error);
        return;
    }
    if (holder == Holder::Submitted) {
        bound_timer_.Cancel();
        outcomes_.emplace_back(std::exchange(running_done_, {}), error);
        if (!queue_.empty()) StartNext();
        /* A callback may destroy us (its card unplugged), or submit again. */
        const std::weak_ptr<bool> alive = alive_;
        Deliver();
        if (!alive.expired() && holder_ == Holder::None) Resume();
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
    Resume();
}

CardIo::Unresponsive CardIo::StillPending() const {
    return Unresponsive(name_ + " is not answering (an earlier operation is still pending)", 0);
}

CardIo::Unresponsive CardIo::TimedOut(size_t completed) const {
    return Unresponsive(name_ + " did not answer within " + std::to_string(bound_.count()) +
                            " ms; the operation may still complete",
                        completed);
}

void CardIo::Pause() noexcept {
    if (!std::exchange(paused_, true)) pause_();
}

void CardIo::Resume() noexcept {
    if (std::exchange(paused_, false)) resume_();
}
