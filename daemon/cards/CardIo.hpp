// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "alsa/Card.hpp"
#include "event/Callback.hpp"
#include "event/Deferred.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/Timer.hpp"

/**
 * A card's blocking I/O (writes, reads of volatile values, TLVs) runs on a thread of
 * the card's own, so that a device that stops answering cannot hold the loop.
 * Writes are submitted (Submit()): the loop goes on at once and hears the outcome
 * through @c done, in order; while the thread has the card its events wait in the
 * kernel (the owner's @c pause and @c resume). Reads the loop needs now (Run(),
 * Call()) wait, but only while the card makes progress, at most @c bound for each
 * operation. A job that makes no progress within the bound, submitted or waited
 * for, makes the card "unresponsive": the job goes on without us, it and every queued
 * one fail with Unresponsive, every later one fails at once, and once the job ends
 * the card is given back (@c resume). Idle, the thread sleeps: no wakeups, no timer.
 * Loop thread only, apart from the jobs themselves.
 */
class CardIo {
  public:
    /** The card did not answer within the bound, or is still busy with what did not. */
    class Unresponsive : public std::runtime_error {
      public:
        Unresponsive(const std::string& what, size_t _completed)
            : std::runtime_error(what), completed(_completed) {}
        /** Steps the job reported before it was left to run on. */
        size_t completed;
    };

    /** Runs on the I/O thread; calls @c step after each operation (progress). Whatever
     *  it uses must be its own (captured by value): it may outlive Run(). */
    using Job = std::function<void(Alsa::Card& card, const std::function<void()>& step)>;

    /** The card went away while a submitted job waited or ran (the CardIo was
     *  destroyed): how many of its steps were reported is not known. */
    class Closed : public std::runtime_error {
      public:
        using std::runtime_error::runtime_error;
    };

    using Opener = std::function<std::unique_ptr<Alsa::Card>()>;
    using Opened = Event::Callback<void(std::exception_ptr error)>;
    /** A submitted job's outcome, from the loop: null, what it threw, Unresponsive or
     *  Closed. */
    using Done = Event::Callback<void(std::exception_ptr error)>;

    /** @p pause runs when the thread takes the card (a submitted job, or the card
     *  becoming unresponsive): the owner stops handling its events; @p resume when
     *  the card is the loop's again. Throws std::system_error when no thread, eventfd
     *  or timer can be made. */
    CardIo(Event::EventLoop& loop, std::string name, std::chrono::milliseconds bound,
           Event::Callback<void()> pause, Event::Callback<void()> resume);
    /** Submitted jobs not yet done are told Closed. A job still running keeps the card
     *  and the thread; both end with it. */
    ~CardIo();
    CardIo(const CardIo&) = delete;
    CardIo& operator=(const CardIo&) = delete;

    /** Opens the card on the I/O thread (loading every element takes a while): the
     *  loop does not wait. @p opened runs from the loop with what @p open threw, or
     *  null once the card is there. */
    void Open(Opener open, Opened opened);
    /** Waits for Open() up to @p deadline, and if it finished, runs @p opened now
     *  (startup: the devices present are online before the daemon says it is ready). */
    void AwaitOpen(std::chrono::steady_clock::time_point deadline) noexcept;
    bool IsOpening() const noexcept { return static_cast<bool>(opened_); }

    /** Runs @p job after the jobs submitted before it; @p done hears how it went. The
     *  loop does not wait. Throws Unresponsive at once while the card is. */
    void Submit(Job job, Done done);

    /** Runs @p job and waits for it (after the submitted job that runs, if any; ahead
     *  of the ones queued); rethrows what it threw. Throws Unresponsive. */
    void Run(Job job);

    /** One operation returning a value: Call([](Alsa::Card& c) { return c.Read(3); }). */
    template <class F>
    auto Call(F f) -> decltype(f(std::declval<Alsa::Card&>())) {
        using T = decltype(f(std::declval<Alsa::Card&>()));
        auto result = std::make_shared<std::optional<T>>();
        Run([f = std::move(f), result](Alsa::Card& card, const std::function<void()>&) {
            result->emplace(f(card));
        });
        return std::move(**result);
    }

    /** The card, for the loop's own non-blocking use (events); null while the thread
     *  has it (a submitted job, unresponsive) or it is not open. */
    Alsa::Card* Get() noexcept;
    bool IsUnresponsive() const noexcept { return unresponsive_; }
    /** I/O threads still running, those left to finish on their own included (a
     *  harness waits for them before it checks for leaks). */
    static int CountThreads() noexcept;
    /** A submitted job is queued, running, or not yet told. */
    bool IsBusy() const noexcept {
        return holder_ == Holder::Submitted || !queue_.empty() || !outcomes_.empty();
    }

  private:
    struct Shared;
    struct Queued {
        Job job;
        Done done;
    };
    /** What the thread has. */
    enum class Holder { None, Open, Submitted, Abandoned };

    static void Work(std::shared_ptr<Shared> shared) noexcept;
    /** Hands the next queued job to the thread. */
    void StartNext() noexcept;
    /** The thread finished what it had (eventfd). */
    void OnBack() noexcept;
    /** The bound passed: progress, or the card is unresponsive. */
    void OnBound() noexcept;
    /** The job the thread has made no progress: it goes on without us. */
    void Abandon(size_t completed) noexcept;
    /** Outcomes gathered while Run() waited, told from the loop afterwards. */
    void Deliver() noexcept;
    /** What a job is told while an earlier one is left running / when its own is. */
    Unresponsive StillPending() const;
    Unresponsive TimedOut(size_t completed) const;
    /** The owner's pause and resume, once each way. */
    void Pause() noexcept;
    void Resume() noexcept;

    std::shared_ptr<Shared> shared_;
    std::string name_;
    std::chrono::milliseconds bound_;
    Event::Callback<void()> pause_;
    Event::Callback<void()> resume_;
    Opened opened_;
    Holder holder_ = Holder::None;
    Done running_done_;
    std::deque<Queued> queue_;
    std::vector<std::pair<Done, std::exception_ptr>> outcomes_;
    size_t seen_steps_ = 0;
    Event::FdWatch back_watch_;
    Event::Timer bound_timer_;
    Event::Deferred deliver_;
    std::thread thread_;
    bool unresponsive_ = false;
    bool paused_ = false;
    /* Expires with us: a callback that destroyed us is noticed. */
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};
