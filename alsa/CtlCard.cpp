// SPDX-License-Identifier: GPL-3.0-or-later
/* CtlCard: loading, reading and writing elements (the facts it relies on: CtlCardImpl.hpp). */
#include "alsa/CtlCard.hpp"

#include <alsa/asoundlib.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "alsa/Card.hpp"
#include "alsa/CtlCardImpl.hpp"
#include "alsa/CtlElem.hpp"

namespace Alsa {

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

int CtlCard::ReadSharedInfo(ElemRef elem, ControlInfo& info) {
    const int err = ReadElemInfo(elem, info);
    if (err < 0 || info.items.empty()) return err;
    for (const ItemList& list : item_lists_) {
        if (list == info.items) {
            info.items = list;
            return err;
        }
    }
    if (item_lists_.size() < MAX_ITEM_LISTS) item_lists_.push_back(info.items);
    return err;
}

int CtlCard::ReadNew(ElemRef elem, Control& control) {
    if (const int err = ReadSharedInfo(elem, control.info); err < 0) return err;
    if (control.info.access.read) {
        if (const int err = ReadElemValue(elem, control.info, control.value); err == -ENODEV)
            return err;
    }
    return 0;
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
    if (const int err = ReadSharedInfo(entry.Ref(ctl_), info); err < 0)
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
