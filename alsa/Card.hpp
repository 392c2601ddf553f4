// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <poll.h>

#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "alsa/Types.hpp"

namespace Alsa {

/** An ALSA call failed; @c err is the negative errno alsa-lib returned. */
class Error : public std::runtime_error {
  public:
    Error(int _err, const std::string& what);
    int GetErrno() const noexcept { return -err; }  // positive errno (ENODEV, EBUSY, ...)
    int err;
};

/**
 * What a Card reports while it handles events. Called synchronously from
 * Card::HandleEvents(); keep the work small (update a cache, mark dirty).
 */
class CardListener {
  public:
    virtual ~CardListener() = default;
    /** VALUE: the value was re-read. */
    virtual void OnControlValue(const ControlInfo& info, const Value& value) noexcept = 0;
    /** INFO (possibly with VALUE): info and value were re-read. */
    virtual void OnControlInfo(const ControlInfo& info, const Value& value) noexcept = 0;
    virtual void OnControlAdded(const ControlInfo& info, const Value& value) noexcept = 0;
    virtual void OnControlRemoved(const ControlId& id) noexcept = 0;
};

/**
 * One open ALSA control device (snd_ctl, non-blocking, events subscribed).
 * Loop-agnostic: the owner polls GetPollFds() however it likes and calls
 * HandleEvents() with what poll/epoll returned. Not thread-safe.
 * The listener is called only from HandleEvents(), never while loading or from the
 * destructor; it must not destroy the card. Several writes may show up as one event.
 */
class Card {
  public:
    virtual ~Card() = default;

    /** Every element, in numid order, with its value. */
    virtual std::vector<Control> GetControls() const = 0;
    virtual std::vector<pollfd> GetPollFds() const = 0;

    /**
     * Translates @p fds (GetPollFds() with revents filled in) and handles every pending
     * event, calling the listener. Never blocks.
     * @return false when the card is gone (ENODEV, POLLERR/POLLHUP): close it.
     */
    virtual bool HandleEvents(std::span<pollfd> fds) = 0;

    /**
     * Whether HandleEvents() left checks for later. What changes without an event (a
     * lock taken or dropped) is looked at after the values it reported went out, so
     * that it does not delay them: the owner calls RunChecks() once it has flushed.
     */
    virtual bool HasChecks() const noexcept { return false; }
    /** Runs those checks; may call the listener (OnControlInfo). Never blocks. */
    virtual void RunChecks() {}

    /** Throws Alsa::Error (errno ENOENT for an unknown numid). */
    virtual Value Read(unsigned numid) = 0;
    virtual ControlInfo ReadInfo(unsigned numid) = 0;
    /** The element's whole TLV (any type), empty when it has none or it cannot be read. */
    virtual std::vector<uint32_t> ReadTlv(unsigned numid) = 0;
    /** Writes every channel. Throws Alsa::Error (EPERM, EBUSY, EINVAL, ENODEV, ...). */
    virtual void Write(unsigned numid, const Value& value) = 0;
};

/**
 * Opens @p ctl ("hw:2", or a plugin ctl name), non-blocking, loads
 * every element and subscribes to events. Throws Alsa::Error.
 */
std::unique_ptr<Card> OpenCard(const std::string& ctl, CardListener& listener);

}  // namespace Alsa
