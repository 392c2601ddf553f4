// SPDX-License-Identifier: GPL-3.0-or-later
/* CtlCard: reading and handling events (the facts it relies on: CtlCardImpl.hpp). */
#include <alsa/asoundlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <span>
#include <utility>
#include <vector>

#include "alsa/Card.hpp"
#include "alsa/CtlCardImpl.hpp"
#include "alsa/CtlElem.hpp"

namespace Alsa {

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
        if (const int err = ReadSharedInfo(elem, info); err < 0) return ReadError(err);
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
        if (const int err = ReadElemValue(elem, control.info, scratch_); err < 0)
            return ReadError(err);
        std::swap(control.value, scratch_);
        if (!entry.unchecked) {
            entry.unchecked = true;
            unchecked_.push_back(control.info.id.numid);
        }
        if (!info_changed) {
            listener_.OnControlValue(control.info, control.value);
            return 0;
        }
    }
    if (info_changed) listener_.OnControlInfo(control.info, control.value);
    return 0;
}

void CtlCard::RunChecks() {
    checking_.swap(unchecked_);
    /* In numid order, each once (a control removed and added again may be listed
     * twice). */
    std::sort(checking_.begin(), checking_.end());
    checking_.erase(std::unique(checking_.begin(), checking_.end()), checking_.end());
    for (const unsigned numid : checking_) {
        const auto it = entries_.find(numid);
        if (it == entries_.end()) continue;
        it->second.unchecked = false;
        Control& control = it->second.control;
        if (InfoChangedSilently(it->second.Ref(ctl_), control.info))
            listener_.OnControlInfo(control.info, control.value);
    }
    checking_.clear();
}

bool CtlCard::InfoChangedSilently(ElemRef elem, ControlInfo& info) {
    /* Locks are taken by a writer and dropped when it closes its file, without an
     * event: after a VALUE event is a cheap moment to look (one ioctl, no item names). */
    Access access;
    if (ReadElemAccess(elem, access) != 0 || access == info.access) return false;
    ControlInfo fresh;
    if (ReadSharedInfo(elem, fresh) != 0) return false;
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

}  // namespace Alsa
