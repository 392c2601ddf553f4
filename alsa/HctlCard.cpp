// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Card over snd_hctl. hctl keeps the element list and turns kernel events into
 * per-element callbacks; values are not cached by hctl, so we keep our own copy
 * (entries_) and re-read on every event. Facts relied on (alsa-lib 1.2.8
 * src/control/hcontrol.c):
 *  - snd_hctl_load() lists the elements, fires ADD on the hctl callback for each,
 *    then subscribes to events;
 *  - snd_hctl_handle_events() reads until -EAGAIN (non-blocking), ADD goes to the
 *    hctl callback, VALUE/INFO and REMOVE to the element callback, and any error
 *    (a callback's, or -ENOENT for an element it does not know) stops it with the
 *    rest of the events still queued in the kernel;
 *  - the kernel merges pending events per element (masks ORed), so a mask may
 *    carry VALUE and INFO at once and one event may stand for many writes;
 *  - snd_hctl_free()/snd_hctl_close() fire REMOVE on every element;
 *  - TLV-only events are dropped by hctl, and taking or releasing a lock (including
 *    the owner closing its file) sends no event at all (kernel control.c), so access
 *    and dB TLV are re-checked on every VALUE event; otherwise they are as fresh as
 *    the last INFO event or ReadInfo().
 */
#include <alsa/asoundlib.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <unordered_set>

#include "alsa/Card.hpp"
#include "alsa/HctlCard.hpp"
#include "alsa/HctlElem.hpp"

namespace Alsa {

namespace {

/* snd_hctl_load() retries while elements are added or removed under it. */
constexpr int MAX_LOAD_ATTEMPTS = 5;

/* snd_hctl_handle_events() reads until the queue is empty; under a storm of writes
 * (a writer faster than us) it would never return, and the loop would never flush
 * notifications (found by bench/: 12 flushes in 2 s). After this many value events
 * in one call the callback stops it; the fd stays readable, so the loop comes back
 * after its deferred work. */
constexpr unsigned MAX_EVENTS_PER_ROUND = 64;
constexpr int YIELD = -EINTR;

class HctlCard final : public Card {
public:
    /** Takes over @p hctl (closed here, also when this throws). Throws Error. */
    HctlCard(snd_hctl_t* hctl, CardListener& listener);
    ~HctlCard() override;
    HctlCard(const HctlCard&) = delete;
    HctlCard& operator=(const HctlCard&) = delete;

    std::vector<Control> GetControls() const override;
    std::vector<pollfd> GetPollFds() const override;
    bool HandleEvents(std::span<pollfd> fds) override;
    Value Read(unsigned numid) override;
    ControlInfo ReadInfo(unsigned numid) override;
    std::vector<uint32_t> ReadTlv(unsigned numid) override;
    void Write(unsigned numid, const Value& value) override;

private:
    struct Entry {
        snd_hctl_elem_t* elem;
        Control control;
    };

    static int OnHctlEvent(snd_hctl_t* hctl, unsigned mask, snd_hctl_elem_t* elem) noexcept;
    static int OnElemEvent(snd_hctl_elem_t* elem, unsigned mask) noexcept;
    int HandleAdd(snd_hctl_elem_t* elem) noexcept;
    int HandleChange(snd_hctl_elem_t* elem, unsigned mask) noexcept;
    void HandleRemove(snd_hctl_elem_t* elem) noexcept;
    /** Re-reads what changes without an INFO event into @p info. @return true if it changed. */
    static bool InfoChangedSilently(snd_hctl_elem_t* elem, ControlInfo& info);
    /* Inside callbacks: ENODEV ends the card, other read errors skip the event. */
    int CallbackError(int err) noexcept;

    /** Loads (or reloads) the element list and reads every element, silently. Throws Error. */
    void Load();
    /** Drops the element list and the queued events. */
    void Unload() noexcept;
    /** Reloads everything and reports the differences to the listener. Throws Error. */
    void Reload();
    /** Whether the kernel's element list equals hctl's, i.e. nothing changed during load. */
    bool MatchesKernel() const;

    Entry& Find(unsigned numid);

    snd_hctl_t* hctl_ = nullptr;
    CardListener& listener_;
    std::map<unsigned, Entry> entries_;
    /* True while loading, reloading and closing: hctl fires ADD/REMOVE then. */
    bool quiet_ = true;
    bool gone_ = false;
    /* Value/info events handled in this HandleEvents(), and whether it yielded. */
    unsigned round_events_ = 0;
    bool yielded_ = false;
};

HctlCard::HctlCard(snd_hctl_t* hctl, CardListener& listener) : hctl_(hctl), listener_(listener) {
    try {
        /* Non-blocking is essential: in blocking mode snd_hctl_handle_events() sleeps in
         * read() once the queue is empty. */
        if (const int err = snd_hctl_nonblock(hctl_, 1); err < 0)
            throw Error(err, std::string("snd_hctl_nonblock ") + snd_hctl_name(hctl_));
        /* numid order: cheaper than the default mixer-name weighting, and our order too. */
        snd_hctl_set_compare(hctl_, snd_hctl_compare_fast);
        snd_hctl_set_callback(hctl_, OnHctlEvent);
        snd_hctl_set_callback_private(hctl_, this);
        Load();
    } catch (...) {
        snd_hctl_set_callback(hctl_, nullptr);
        snd_hctl_close(hctl_);
        throw;
    }
    quiet_ = false;
}

HctlCard::~HctlCard() {
    /* snd_hctl_close() fires REMOVE on every element: not a removal to report. */
    quiet_ = true;
    snd_hctl_set_callback(hctl_, nullptr);
    for (snd_hctl_elem_t* elem = snd_hctl_first_elem(hctl_); elem != nullptr; elem = snd_hctl_elem_next(elem))
        snd_hctl_elem_set_callback(elem, nullptr);
    snd_hctl_close(hctl_);
}

std::vector<Control> HctlCard::GetControls() const {
    std::vector<Control> controls;
    controls.reserve(entries_.size());
    for (const auto& [numid, entry] : entries_) controls.push_back(entry.control);
    return controls;
}

std::vector<pollfd> HctlCard::GetPollFds() const {
    const int count = snd_hctl_poll_descriptors_count(hctl_);
    if (count <= 0) return {};
    std::vector<pollfd> fds(static_cast<size_t>(count));
    const int filled = snd_hctl_poll_descriptors(hctl_, fds.data(), static_cast<unsigned>(count));
    fds.resize(filled < 0 ? 0 : static_cast<size_t>(filled));
    return fds;
}

bool HctlCard::HandleEvents(std::span<pollfd> fds) {
    if (gone_) return false;
    unsigned short revents = 0;
    if (snd_hctl_poll_descriptors_revents(hctl_, fds.data(), static_cast<unsigned>(fds.size()), &revents) < 0) {
        /* Plugins translate revents; if that fails, the raw ones are the best guess. */
        for (const pollfd& fd : fds) revents |= static_cast<unsigned short>(fd.revents);
    }
    /* After a disconnect the ctl fd polls as ERR|NVAL and reads give -ENODEV. */
    if ((revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
        gone_ = true;
        return false;
    }
    if ((revents & POLLIN) == 0) return true;

    round_events_ = 0;
    yielded_ = false;
    const int err = snd_hctl_handle_events(hctl_);
    if (gone_ || err == -ENODEV) {
        gone_ = true;
        return false;
    }
    if (err >= 0 || (err == YIELD && yielded_)) return true;

    /* An event for an element hctl does not know (-ENOENT) or a failed callback: hctl
     * stopped with events still queued. Resynchronise from scratch; the reload also
     * discards those events, whose effect the re-read covers. */
    try {
        Reload();
        return !gone_;
    } catch (...) {
        /* Half-loaded hctl state cannot be trusted: let the owner close and rediscover. */
        gone_ = true;
        return false;
    }
}

Value HctlCard::Read(unsigned numid) {
    Entry& entry = Find(numid);
    Value value;
    if (const int err = ReadElemValue(entry.elem, entry.control.info, value); err < 0)
        throw Error(err, "snd_hctl_elem_read " + entry.control.info.id.name);
    entry.control.value = value;
    return value;
}

ControlInfo HctlCard::ReadInfo(unsigned numid) {
    Entry& entry = Find(numid);
    ControlInfo info;
    if (const int err = ReadElemInfo(entry.elem, info); err < 0)
        throw Error(err, "snd_hctl_elem_info " + entry.control.info.id.name);
    entry.control.info = info;
    return info;
}

std::vector<uint32_t> HctlCard::ReadTlv(unsigned numid) {
    return ReadElemTlv(Find(numid).elem);
}

void HctlCard::Write(unsigned numid, const Value& value) {
    const Entry& entry = Find(numid);
    WriteElemValue(entry.elem, entry.control.info, value);
}

int HctlCard::OnHctlEvent(snd_hctl_t* hctl, unsigned mask, snd_hctl_elem_t* elem) noexcept {
    auto& card = *static_cast<HctlCard*>(snd_hctl_get_callback_private(hctl));
    /* hctl reports only ADD here; REMOVE (all bits set) goes to the element callback. */
    if (mask == SND_CTL_EVENT_MASK_REMOVE || (mask & SND_CTL_EVENT_MASK_ADD) == 0) return 0;
    snd_hctl_elem_set_callback(elem, OnElemEvent);
    snd_hctl_elem_set_callback_private(elem, &card);
    if (card.quiet_) return 0;  // Load() reads every element afterwards
    return card.HandleAdd(elem);
}

int HctlCard::OnElemEvent(snd_hctl_elem_t* elem, unsigned mask) noexcept {
    auto& card = *static_cast<HctlCard*>(snd_hctl_elem_get_callback_private(elem));
    if (mask == SND_CTL_EVENT_MASK_REMOVE) {
        card.HandleRemove(elem);
        return 0;
    }
    if (card.quiet_) return 0;
    const int err = card.HandleChange(elem, mask);
    if (err == 0 && ++card.round_events_ >= MAX_EVENTS_PER_ROUND) {
        card.yielded_ = true;
        return YIELD;
    }
    return err;
}

int HctlCard::CallbackError(int err) noexcept {
    if (err == -ENODEV) {
        gone_ = true;
        return err;
    }
    /* EBUSY (firmware update), EPERM, EIO...: keep the cached state, skip this event. */
    return 0;
}

int HctlCard::HandleAdd(snd_hctl_elem_t* elem) noexcept {
    try {
        Control control;
        if (const int err = ReadElemInfo(elem, control.info); err < 0) return CallbackError(err);
        if (control.info.access.read) {
            if (const int err = ReadElemValue(elem, control.info, control.value); err == -ENODEV)
                return CallbackError(err);
        }
        const unsigned numid = control.info.id.numid;
        auto [it, inserted] = entries_.insert_or_assign(numid, Entry{elem, std::move(control)});
        listener_.OnControlAdded(it->second.control.info, it->second.control.value);
        return 0;
    } catch (...) {
        return -ENOMEM;
    }
}

int HctlCard::HandleChange(snd_hctl_elem_t* elem, unsigned mask) noexcept {
    try {
        const auto it = entries_.find(snd_hctl_elem_get_numid(elem));
        /* Its info could not be read when it was added: treat it as new now. */
        if (it == entries_.end()) return HandleAdd(elem);
        Control& control = it->second.control;

        if ((mask & SND_CTL_EVENT_MASK_INFO) != 0) {
            /* Access (write, inactive, locked), range or items changed; VALUE may be
             * merged in, and a value read is cheap, so read both. */
            ControlInfo info;
            if (const int err = ReadElemInfo(elem, info); err < 0) return CallbackError(err);
            Value value;
            if (info.access.read) {
                if (const int err = ReadElemValue(elem, info, value); err < 0) {
                    if (err == -ENODEV) return CallbackError(err);
                    value = control.value;
                }
            }
            control.info = std::move(info);
            control.value = std::move(value);
            listener_.OnControlInfo(control.info, control.value);
        } else if ((mask & SND_CTL_EVENT_MASK_VALUE) != 0) {
            Value value;
            if (const int err = ReadElemValue(elem, control.info, value); err < 0) return CallbackError(err);
            control.value = std::move(value);
            if (InfoChangedSilently(elem, control.info)) {
                listener_.OnControlInfo(control.info, control.value);
                return 0;
            }
            listener_.OnControlValue(control.info, control.value);
        }
        return 0;
    } catch (...) {
        return -ENOMEM;
    }
}

bool HctlCard::InfoChangedSilently(snd_hctl_elem_t* elem, ControlInfo& info) {
    /* Locks (taken by a writer, dropped when it closes its file) and dB TLV writes
     * send no INFO event. A VALUE event is a cheap moment to look: one more ioctl,
     * plus a TLV read for TLV-readable controls. */
    Access access;
    if (ReadElemAccess(elem, access) == 0 && access != info.access) {
        ControlInfo fresh;
        if (ReadElemInfo(elem, fresh) == 0) {
            info = std::move(fresh);
            return true;
        }
    }
    if (!info.access.tlv_read) return false;
    std::vector<uint32_t> db_tlv = ReadElemDbTlv(elem);
    if (db_tlv == info.db_tlv) return false;
    info.db_tlv = std::move(db_tlv);
    return true;
}

void HctlCard::HandleRemove(snd_hctl_elem_t* elem) noexcept {
    const auto it = entries_.find(snd_hctl_elem_get_numid(elem));
    if (it == entries_.end()) return;
    const ControlId id = it->second.control.info.id;
    entries_.erase(it);
    if (!quiet_) listener_.OnControlRemoved(id);
}

void HctlCard::Load() {
    /* Elements added between snd_hctl_load()'s list and its subscription are never
     * announced, and a later event for one makes hctl fail (or assert). So compare
     * with a second list taken after subscribing, and start over while they differ
     * (fcp-server creates hundreds of controls right after the card appears). */
    for (int attempt = 1;; ++attempt) {
        if (const int err = snd_hctl_load(hctl_); err < 0) {
            Unload();
            throw Error(err, std::string("snd_hctl_load ") + snd_hctl_name(hctl_));
        }
        if (attempt >= MAX_LOAD_ATTEMPTS || MatchesKernel()) break;
        Unload();
    }

    entries_.clear();
    for (snd_hctl_elem_t* elem = snd_hctl_first_elem(hctl_); elem != nullptr; elem = snd_hctl_elem_next(elem)) {
        Control control;
        if (const int err = ReadElemInfo(elem, control.info); err < 0) {
            if (err == -ENODEV) throw Error(err, "snd_hctl_elem_info");
            continue;  // removed meanwhile; its REMOVE event follows
        }
        if (control.info.access.read) {
            if (const int err = ReadElemValue(elem, control.info, control.value); err == -ENODEV)
                throw Error(err, "snd_hctl_elem_read");
        }
        const unsigned numid = control.info.id.numid;
        entries_.insert_or_assign(numid, Entry{elem, std::move(control)});
    }
}

void HctlCard::Unload() noexcept {
    /* Unsubscribing empties the kernel's event queue for this file; snd_hctl_load()
     * subscribes again. */
    snd_ctl_subscribe_events(snd_hctl_ctl(hctl_), 0);
    snd_hctl_free(hctl_);
}

void HctlCard::Reload() {
    std::map<unsigned, Entry> old = std::move(entries_);
    entries_.clear();
    quiet_ = true;
    Unload();
    try {
        Load();
    } catch (...) {
        quiet_ = false;
        throw;
    }
    quiet_ = false;

    for (const auto& [numid, entry] : old)
        if (!entries_.contains(numid)) listener_.OnControlRemoved(entry.control.info.id);
    for (const auto& [numid, entry] : entries_) {
        const Control& now = entry.control;
        const auto before = old.find(numid);
        if (before == old.end())
            listener_.OnControlAdded(now.info, now.value);
        else if (now.info != before->second.control.info)
            listener_.OnControlInfo(now.info, now.value);
        else if (now.value != before->second.control.value)
            listener_.OnControlValue(now.info, now.value);
    }
}

bool HctlCard::MatchesKernel() const {
    snd_ctl_t* ctl = snd_hctl_ctl(hctl_);
    ElemList list;
    /* When the check itself fails, accept the load rather than loop. */
    if (snd_ctl_elem_list(ctl, list.get()) < 0) return true;
    const unsigned count = snd_ctl_elem_list_get_count(list.get());
    if (count != snd_hctl_get_count(hctl_)) return false;
    if (count == 0) return true;
    if (snd_ctl_elem_list_alloc_space(list.get(), count) < 0) return true;
    bool same = false;
    if (snd_ctl_elem_list(ctl, list.get()) >= 0 && snd_ctl_elem_list_get_used(list.get()) == count &&
        snd_ctl_elem_list_get_count(list.get()) == count) {
        std::unordered_set<unsigned> numids;
        for (unsigned i = 0; i < count; ++i) numids.insert(snd_ctl_elem_list_get_numid(list.get(), i));
        same = true;
        for (snd_hctl_elem_t* elem = snd_hctl_first_elem(hctl_); elem != nullptr; elem = snd_hctl_elem_next(elem))
            if (!numids.contains(snd_hctl_elem_get_numid(elem))) same = false;
    }
    snd_ctl_elem_list_free_space(list.get());
    return same;
}

HctlCard::Entry& HctlCard::Find(unsigned numid) {
    const auto it = entries_.find(numid);
    if (it == entries_.end()) throw Error(-ENOENT, "no control with numid " + std::to_string(numid));
    return it->second;
}

}  // namespace

std::unique_ptr<Card> OpenCard(const std::string& ctl, CardListener& listener) {
    snd_hctl_t* hctl = nullptr;
    if (const int err = snd_hctl_open(&hctl, ctl.c_str(), SND_CTL_NONBLOCK); err < 0)
        throw Error(err, "snd_hctl_open " + ctl);
    return std::make_unique<HctlCard>(hctl, listener);
}

std::unique_ptr<Card> OpenCard(_snd_ctl* ctl, CardListener& listener) {
    snd_hctl_t* hctl = nullptr;
    if (const int err = snd_hctl_open_ctl(&hctl, ctl); err < 0) {
        snd_ctl_close(ctl);
        throw Error(err, "snd_hctl_open_ctl");
    }
    return std::make_unique<HctlCard>(hctl, listener);
}

}  // namespace Alsa
