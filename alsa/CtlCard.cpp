// SPDX-License-Identifier: GPL-3.0-or-later
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
 */
#include "alsa/CtlCard.hpp"

#include <alsa/asoundlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include "alsa/Card.hpp"
#include "alsa/CtlElem.hpp"

namespace Alsa {

namespace {

/* Events handled per HandleEvents(): under a storm of writes (a writer faster than
 * us) the queue never empties, and the loop must still flush notifications (found by
 * bench/: 12 flushes in 2 s). The fd stays readable, so the loop comes back. */
constexpr unsigned MAX_EVENTS_PER_ROUND = 64;

struct IdDeleter {
    void operator()(snd_ctl_elem_id_t* id) const noexcept { snd_ctl_elem_id_free(id); }
};
using ElemId = std::unique_ptr<snd_ctl_elem_id_t, IdDeleter>;

ElemId NewId() {
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
    /* Elements with a VALUE event whose access has not been re-checked since. */
    std::set<unsigned> unchecked_;
    /* Room for MAX_EVENTS_PER_ROUND events, read in place; 8-byte aligned as the
     * kernel's struct is. */
    std::vector<uint64_t> buffer_;
};

CtlCard::CtlCard(snd_ctl_t* ctl, CardListener& listener)
    : ctl_(ctl),
      listener_(listener),
      buffer_((MAX_EVENTS_PER_ROUND * snd_ctl_event_sizeof() + sizeof(uint64_t) - 1) /
              sizeof(uint64_t)) {
    try {
        /* Non-blocking is essential: a read of an empty queue would sleep. */
        if (const int err = snd_ctl_nonblock(ctl_, 1); err < 0)
            throw Error(err, std::string("snd_ctl_nonblock ") + snd_ctl_name(ctl_));
        if (snd_ctl_type(ctl_) == SND_CTL_TYPE_HW) {
            const auto fds = GetPollFds();
            if (fds.size() == 1) hw_fd_ = fds[0].fd;
        }
        Load();
    } catch (...) {
        snd_ctl_close(ctl_);
        throw;
    }
}

CtlCard::~CtlCard() {
    snd_ctl_close(ctl_);
}

std::vector<Control> CtlCard::GetControls() const {
    std::vector<Control> controls;
    controls.reserve(entries_.size());
    for (const auto& [numid, entry] : entries_) controls.push_back(entry.control);
    return controls;
}

std::vector<pollfd> CtlCard::GetPollFds() const {
    const int count = snd_ctl_poll_descriptors_count(ctl_);
    if (count <= 0) return {};
    std::vector<pollfd> fds(static_cast<size_t>(count));
    const int filled = snd_ctl_poll_descriptors(ctl_, fds.data(), static_cast<unsigned>(count));
    fds.resize(filled < 0 ? 0 : static_cast<size_t>(filled));
    return fds;
}

bool CtlCard::HandleEvents(std::span<pollfd> fds) {
    if (gone_) return false;
    unsigned short revents = 0;
    if (snd_ctl_poll_descriptors_revents(ctl_, fds.data(), static_cast<unsigned>(fds.size()),
                                         &revents) < 0) {
        /* Plugins translate revents; if that fails, the raw ones are the best guess. */
        for (const pollfd& fd : fds) revents |= static_cast<unsigned short>(fd.revents);
    }
    /* After a disconnect the ctl fd polls as ERR|NVAL and reads give -ENODEV. */
    if ((revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
        gone_ = true;
        return false;
    }
    if ((revents & POLLIN) == 0) return true;

    size_t count = 0;
    int err = ReadEvents(count);
    for (size_t i = 0; i < count && err >= 0; ++i) {
        try {
            err = HandleEvent(EventAt(i));
        } catch (...) {
            err = -ENOMEM;
        }
    }
    if (err == -ENODEV) gone_ = true;
    if (err >= 0 || gone_) return !gone_;

    /* The event queue could not be read, or an event could not be handled: events
     * may be lost. Resynchronise from scratch; the re-read covers what they said. */
    try {
        Reload();
        return !gone_;
    } catch (...) {
        /* Half-loaded state cannot be trusted: let the owner close and rediscover. */
        gone_ = true;
        return false;
    }
}

int CtlCard::ReadEvents(size_t& count) {
    count = 0;
    if (hw_fd_ >= 0) {
        /* snd_ctl_event_t is the kernel's struct snd_ctl_event: alsa-lib's hw plugin
         * read()s it straight from this fd, one per call. */
        const size_t size = snd_ctl_event_sizeof();
        const ssize_t got = read(hw_fd_, EventAt(0), MAX_EVENTS_PER_ROUND * size);
        if (got < 0) return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        count = static_cast<size_t>(got) / size;
        return 0;
    }
    while (count < MAX_EVENTS_PER_ROUND) {
        const int got = snd_ctl_read(ctl_, EventAt(count));
        if (got == 0 || got == -EAGAIN) return 0;
        if (got < 0) return got;
        ++count;
    }
    return 0;
}

snd_ctl_event_t* CtlCard::EventAt(size_t i) noexcept {
    auto* bytes = reinterpret_cast<unsigned char*>(buffer_.data());
    return reinterpret_cast<snd_ctl_event_t*>(bytes + i * snd_ctl_event_sizeof());
}

int CtlCard::HandleEvent(const snd_ctl_event_t* event) {
    if (snd_ctl_event_get_type(event) != SND_CTL_EVENT_ELEM) return 0;
    const unsigned mask = snd_ctl_event_elem_get_mask(event);
    const unsigned numid = snd_ctl_event_elem_get_numid(event);
    if (mask == SND_CTL_EVENT_MASK_REMOVE) {
        HandleRemove(numid);
        return 0;
    }
    const auto it = entries_.find(numid);
    if (it == entries_.end()) {
        /* ADD, or an element whose info could not be read before: new to us. */
        ElemId id = NewId();
        snd_ctl_event_elem_get_id(event, id.get());
        return HandleAdd(std::move(id));
    }
    /* An ADD for a known element: created while we loaded, listed already. Re-read
     * it in full, as for INFO, in case it changed since. */
    return HandleChange(it->second,
                        (mask & SND_CTL_EVENT_MASK_ADD) != 0 ? SND_CTL_EVENT_MASK_INFO : mask);
}

int CtlCard::ReadNew(ElemRef elem, Control& control) {
    if (const int err = ReadElemInfo(elem, control.info); err < 0) return err;
    if (control.info.access.read) {
        if (const int err = ReadElemValue(elem, control.info, control.value); err == -ENODEV)
            return err;
    }
    return 0;
}

int CtlCard::HandleAdd(ElemId id) {
    Control control;
    if (const int err = ReadNew({ctl_, id.get()}, control); err < 0) return ReadError(err);
    const unsigned numid = control.info.id.numid;
    auto [it, inserted] =
        entries_.insert_or_assign(numid, Entry{std::move(id), std::move(control)});
    listener_.OnControlAdded(it->second.control.info, it->second.control.value);
    return 0;
}

int CtlCard::HandleChange(Entry& entry, unsigned mask) {
    Control& control = entry.control;
    const ElemRef elem = entry.Ref(ctl_);

    if ((mask & SND_CTL_EVENT_MASK_INFO) != 0) {
        /* Access (write, inactive, locked), range or items changed; VALUE may be
         * merged in, and a value read is cheap, so read both. */
        ControlInfo info;
        if (const int err = ReadElemInfo(elem, info); err < 0) return ReadError(err);
        Value value;
        if (info.access.read) {
            if (const int err = ReadElemValue(elem, info, value); err < 0) {
                if (err == -ENODEV) return err;
                value = control.value;
            }
        }
        if (info == control.info && value == control.value) return 0;
        control.info = std::move(info);
        control.value = std::move(value);
        listener_.OnControlInfo(control.info, control.value);
        return 0;
    }

    bool info_changed = false;
    if ((mask & SND_CTL_EVENT_MASK_TLV) != 0 && control.info.access.tlv_read) {
        std::vector<uint32_t> db_tlv = ReadElemDbTlv(elem);
        if (db_tlv != control.info.db_tlv) {
            control.info.db_tlv = std::move(db_tlv);
            info_changed = true;
        }
    }
    if ((mask & SND_CTL_EVENT_MASK_VALUE) != 0) {
        Value value;
        if (const int err = ReadElemValue(elem, control.info, value); err < 0)
            return ReadError(err);
        control.value = std::move(value);
        unchecked_.insert(control.info.id.numid);
        if (!info_changed) {
            listener_.OnControlValue(control.info, control.value);
            return 0;
        }
    }
    if (info_changed) listener_.OnControlInfo(control.info, control.value);
    return 0;
}

void CtlCard::RunChecks() {
    std::set<unsigned> numids;
    numids.swap(unchecked_);
    for (const unsigned numid : numids) {
        const auto it = entries_.find(numid);
        if (it == entries_.end()) continue;
        Control& control = it->second.control;
        if (InfoChangedSilently(it->second.Ref(ctl_), control.info))
            listener_.OnControlInfo(control.info, control.value);
    }
}

bool CtlCard::InfoChangedSilently(ElemRef elem, ControlInfo& info) {
    /* Locks are taken by a writer and dropped when it closes its file, without an
     * event: after a VALUE event is a cheap moment to look (one ioctl, no item names). */
    Access access;
    if (ReadElemAccess(elem, access) != 0 || access == info.access) return false;
    ControlInfo fresh;
    if (ReadElemInfo(elem, fresh) != 0) return false;
    info = std::move(fresh);
    return true;
}

void CtlCard::HandleRemove(unsigned numid) noexcept {
    const auto it = entries_.find(numid);
    if (it == entries_.end()) return;
    const ControlId id = it->second.control.info.id;
    entries_.erase(it);
    listener_.OnControlRemoved(id);
}

void CtlCard::Load() {
    entries_.clear();
    unchecked_.clear();
    /* Subscribe first: an element created from here on gets an ADD event, whether or
     * not the list below has it (fcp-server creates hundreds right after the card
     * appears). */
    if (const int err = snd_ctl_subscribe_events(ctl_, 1); err < 0)
        throw Error(err, std::string("snd_ctl_subscribe_events ") + snd_ctl_name(ctl_));

    ElemList list;
    if (const int err = snd_ctl_elem_list(ctl_, list.get()); err < 0)
        throw Error(err, std::string("snd_ctl_elem_list ") + snd_ctl_name(ctl_));
    const unsigned count = snd_ctl_elem_list_get_count(list.get());
    if (count == 0) return;
    if (const int err = snd_ctl_elem_list_alloc_space(list.get(), count); err < 0)
        throw Error(err, "snd_ctl_elem_list_alloc_space");
    struct FreeSpace {
        snd_ctl_elem_list_t* list;
        ~FreeSpace() { snd_ctl_elem_list_free_space(list); }
    } free_space{list.get()};
    if (const int err = snd_ctl_elem_list(ctl_, list.get()); err < 0)
        throw Error(err, std::string("snd_ctl_elem_list ") + snd_ctl_name(ctl_));

    /* Elements beyond `used` were created between the two calls: their ADD follows. */
    const unsigned used = snd_ctl_elem_list_get_used(list.get());
    for (unsigned i = 0; i < used; ++i) {
        ElemId id = NewId();
        snd_ctl_elem_list_get_id(list.get(), i, id.get());
        Control control;
        if (const int err = ReadNew({ctl_, id.get()}, control); err < 0) {
            if (err == -ENODEV)
                throw Error(err, "reading " + std::string(snd_ctl_elem_id_get_name(id.get())));
            continue;  // removed meanwhile; its REMOVE event follows
        }
        const unsigned numid = control.info.id.numid;
        entries_.insert_or_assign(numid, Entry{std::move(id), std::move(control)});
    }
}

void CtlCard::Reload() {
    std::map<unsigned, Entry> old = std::move(entries_);
    /* Unsubscribing empties the kernel's event queue for this file; Load() subscribes
     * again. */
    snd_ctl_subscribe_events(ctl_, 0);
    Load();

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

Value CtlCard::Read(unsigned numid) {
    Entry& entry = Find(numid);
    Value value;
    if (const int err = ReadElemValue(entry.Ref(ctl_), entry.control.info, value); err < 0)
        throw Error(err, "snd_ctl_elem_read " + entry.control.info.id.name);
    entry.control.value = value;
    return value;
}

ControlInfo CtlCard::ReadInfo(unsigned numid) {
    Entry& entry = Find(numid);
    ControlInfo info;
    if (const int err = ReadElemInfo(entry.Ref(ctl_), info); err < 0)
        throw Error(err, "snd_ctl_elem_info " + entry.control.info.id.name);
    entry.control.info = info;
    return info;
}

std::vector<uint32_t> CtlCard::ReadTlv(unsigned numid) {
    return ReadElemTlv(Find(numid).Ref(ctl_));
}

void CtlCard::Write(unsigned numid, const Value& value) {
    const Entry& entry = Find(numid);
    WriteElemValue(entry.Ref(ctl_), entry.control.info, value);
}

CtlCard::Entry& CtlCard::Find(unsigned numid) {
    const auto it = entries_.find(numid);
    if (it == entries_.end())
        throw Error(-ENOENT, "no control with numid " + std::to_string(numid));
    return it->second;
}

}  // namespace

std::unique_ptr<Card> OpenCard(const std::string& name, CardListener& listener) {
    snd_ctl_t* ctl = nullptr;
    if (const int err = snd_ctl_open(&ctl, name.c_str(), SND_CTL_NONBLOCK); err < 0)
        throw Error(err, "snd_ctl_open " + name);
    return std::make_unique<CtlCard>(ctl, listener);
}

std::unique_ptr<Card> OpenCard(_snd_ctl* ctl, CardListener& listener) {
    return std::make_unique<CtlCard>(ctl, listener);
}

}  // namespace Alsa
