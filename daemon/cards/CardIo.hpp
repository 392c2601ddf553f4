// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "alsa/Card.hpp"
#include "event/Callback.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"

/**
 * A card's blocking I/O (writes, reads of volatile values, TLVs) runs on a thread of
 * the card's own, so that a device that stops answering cannot hold the loop: the loop
 * waits for an operation only while the card makes progress, at most @c bound for
 * each. Past that the card is "unresponsive": the operation goes on without us, every
 * later one fails at once with Unresponsive, the owner stops handling the card's
 * events (the thread has the card), and once the operation ends the card is given back
 * (the owner's @c back runs). Idle, the thread sleeps: no wakeups.
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

    using Opener = std::function<std::unique_ptr<Alsa::Card>()>;
    using Opened = Event::Callback<void(std::exception_ptr error)>;

    /** @p lost runs when the card becomes unresponsive, @p back when it is ours again.
     *  Throws std::system_error when no thread or eventfd can be made. */
    CardIo(Event::EventLoop& loop, std::string name, std::chrono::milliseconds bound,
           Event::Callback<void()> lost, Event::Callback<void()> back);
    /** A job still running keeps the card and the thread; both end with it. */
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

    /** Runs @p job and waits for it; rethrows what it threw. Throws Unresponsive. */
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

    /** The card, for the loop's own non-blocking use (events); null while unresponsive
     *  or not open. */
    Alsa::Card* Get() noexcept;
    bool IsUnresponsive() const noexcept { return unresponsive_; }

  private:
    struct Shared;
    static void Work(std::shared_ptr<Shared> shared) noexcept;
    void OnBack() noexcept;

    std::shared_ptr<Shared> shared_;
    std::string name_;
    std::chrono::milliseconds bound_;
    Event::Callback<void()> lost_;
    Event::Callback<void()> back_;
    Opened opened_;
    Event::FdWatch back_watch_;
    std::thread thread_;
    bool unresponsive_ = false;
};
