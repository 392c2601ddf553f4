// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * Card over a plain snd_ctl handle. We keep the element list and a copy of every
 * value (entries_) and re-read what an event names. Facts relied on (kernel
 * sound/core/control.c, alsa-lib 1.2.8 src/control/):
 *  - events are queued per open file only while subscribed; unsubscribing empties
 *    the queue. Subscribing before listing means an element created meanwhile is
 *    listed, announced by ADD, or both — never missed;
 *  - the kernel merges pending events per element (masks ORed), so a mask may carry
 *    VALUE, INFO and TLV at once and one event may stand for many writes;
 *  - one read() of the hw ctl returns as many queued events as fit (alsa-lib's
 *    snd_ctl_read() takes one per read(), and snd_hctl_handle_events() adds a final
 *    read() that only says -EAGAIN): reading them in one batch saves a syscall per
 *    wakeup. Plugins (ext ctl) are read through snd_ctl_read();
 *  - a TLV write sends TLV, but taking or releasing a lock (including the owner
 *    closing its file) sends no event at all, so access is re-checked after VALUE
 *    events (one ioctl per element, in RunChecks(), once the value went out);
 *    otherwise info is as fresh as the last INFO event.
 * This replaces snd_hctl, which drops TLV events and needs the extra read().
 *
 * Internal to scd_alsa: CtlCard.cpp loads, reads and writes elements;
 * CtlCardEvents.cpp reads and handles events.
 */

#include <alsa/asoundlib.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "alsa/Card.hpp"
#include "alsa/CtlElem.hpp"

namespace Alsa {

/* Events handled per HandleEvents(): under a storm of writes (a writer faster than
 * us) the queue never empties, and the loop must still flush notifications (found by
 * bench/: 12 flushes in 2 s). The fd stays readable, so the loop comes back. */
inline constexpr unsigned MAX_EVENTS_PER_ROUND = 64;

struct IdDeleter {
    void operator()(snd_ctl_elem_id_t* id) const noexcept { snd_ctl_elem_id_free(id); }
};
using ElemId = std::unique_ptr<snd_ctl_elem_id_t, IdDeleter>;

inline ElemId NewId() {
    snd_ctl_elem_id_t* id = nullptr;
    if (const int err = snd_ctl_elem_id_malloc(&id); err < 0)
        throw Error(err, "snd_ctl_elem_id_malloc");
    return ElemId(id);
}

class CtlCard final : public Card {
  public:
    /** Takes over @p ctl (closed here, also when this throws). Throws Error. */
    CtlCard(snd_ctl_t* ctl, CardListener& listener);
    ~CtlCard() override;
    CtlCard(const CtlCard&) = delete;
    CtlCard& operator=(const CtlCard&) = delete;

    std::vector<Control> GetControls() const override;
    std::vector<pollfd> GetPollFds() const override;
    bool HandleEvents(std::span<pollfd> fds) override;
    bool HasChecks() const noexcept override { return !unchecked_.empty(); }
    void RunChecks() override;
    Value Read(unsigned numid) override;
    ControlInfo ReadInfo(unsigned numid) override;
    std::vector<uint32_t> ReadTlv(unsigned numid) override;
    void Write(unsigned numid, const Value& value) override;

  private:
    struct Entry {
        ElemId id;
        Control control;
        /* In unchecked_. */
        bool unchecked = false;
        ElemRef Ref(snd_ctl_t* ctl) const noexcept { return {ctl, id.get()}; }
    };

    /** Up to MAX_EVENTS_PER_ROUND queued events into buffer_. @return 0 or a negative errno. */
    int ReadEvents(size_t& count);
    snd_ctl_event_t* EventAt(size_t i) noexcept;
    /* Each returns 0, or a negative errno that ends the round (ENODEV: the card is gone). */
    int HandleEvent(const snd_ctl_event_t* event);
    int HandleAdd(ElemId id);
    /** Info, then the value if readable (a failed value read other than ENODEV leaves it
     * empty). @return 0, the info read's error, or -ENODEV. */
    int ReadNew(ElemRef elem, Control& control);
    int HandleChange(Entry& entry, unsigned mask);
    void HandleRemove(unsigned numid) noexcept;
    /** Re-reads what changes without an event into @p info. @return true if it changed. */
    bool InfoChangedSilently(ElemRef elem, ControlInfo& info);
    /** ReadElemInfo, with the item list shared with an equal one read before. */
    int ReadSharedInfo(ElemRef elem, ControlInfo& info);
    /* ENODEV ends the card; other read errors (EBUSY during a firmware update, EIO)
     * keep the cached state and skip this event. */
    int ReadError(int err) noexcept { return err == -ENODEV ? err : 0; }

    /** Subscribes, lists and reads every element, silently. Throws Error. */
    void Load();
    /** Reloads everything and reports the differences to the listener. Throws Error. */
    void Reload();

    Entry& Find(unsigned numid);

    snd_ctl_t* ctl_ = nullptr;
    CardListener& listener_;
    std::map<unsigned, Entry> entries_;
    /* The hw ctl's fd, read in batches; -1 for plugins. */
    int hw_fd_ = -1;
    bool gone_ = false;
    /* Elements with a VALUE event whose access has not been re-checked since (each
     * once while its Entry::unchecked is set); RunChecks() swaps them into checking_.
     * Vectors that keep their memory: no allocation per change. */
    std::vector<unsigned> unchecked_;
    std::vector<unsigned> checking_;
    /* The distinct item lists of this card's enums (a few; bounded against a driver
     * that keeps making new ones), for ReadSharedInfo() to share. */
    static constexpr size_t MAX_ITEM_LISTS = 64;
    std::vector<ItemList> item_lists_;
    /* Where a VALUE event's value is read before it is swapped into its control: the
     * control's previous vectors are the next read's. */
    Value scratch_;
    /* Room for MAX_EVENTS_PER_ROUND events, read in place; 8-byte aligned as the
     * kernel's struct is. */
    std::vector<uint64_t> buffer_;
};

}  // namespace Alsa
