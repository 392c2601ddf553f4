// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/ChangedHeads.hpp"
#include "daemon/JsonCodec.hpp"
#include "daemon/core/StateCache.hpp"
#include "daemon/core/Subscription.hpp"
#include "event/Deferred.hpp"
#include "ipc/SharedText.hpp"

class ClientSession;

/**
 * Subscriptions and coalesced notifications (protocol-v1 §5). A cache change only
 * goes into this round's log; one deferred flush per loop round brings every
 * subscription up to date with the log and encodes, per connection, the latest state
 * of what changed. Subscriptions with the same pending controls share one encoding. A
 * connection whose output is over its cap is skipped and keeps its dirty set until
 * its session drains. Knows the sessions attached to it, not the server.
 * Loop thread only.
 */
class Notifier {
  public:
    Notifier(Event::EventLoop& loop, const Core::StateCache& cache);
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    /** The cache's observer: O(1) per change, repeats of a value change cost nothing. */
    void OnCacheChange(const Core::Change& change);

    /** A subscription seeded with the devices' online state, past every logged change:
     *  it starts from what it is shown now. */
    std::unique_ptr<Core::Subscription> NewSubscription(
        uint64_t id, std::optional<std::set<std::string>> devices, std::vector<std::string> globs,
        unsigned topics) const;
    /** Every device and control the subscription's filters want, in full form, as one
     *  Ipc::Encoded() part: written as text from the kept encodings of the controls,
     *  with no tree and no allocation per control (a subscribe-and-leave crowd made
     *  snapshots the daemon's main work). */
    nlohmann::json Snapshot(const Core::Subscription& filter) const;
    /** Appends @p control of @p device in full form (Codec::ControlToJson) to @p out as
     *  JSON text: encoded once and kept until the control changes, so that listing
     *  and snapshots copy text instead of building and dumping a tree per request.
     *  Volatile controls are encoded each time. */
    void AppendFullControl(std::string& out, const Core::Device& device,
                           const Alsa::Control& control) const;
    /** The controls @p numids of @p device that are still there, in that order, as a
     *  JSON array of their full forms (AppendFullControl() each). */
    template <class Numids>
    std::string FullControlsText(const Core::Device& device, const Numids& numids) const {
        std::string out = "[";
        for (const unsigned numid : numids) {
            if (const auto* c = device.Find(numid)) {
                if (out.size() > 1) out += ',';
                AppendFullControl(out, device, *c);
            }
        }
        return out += ']';
    }

    /** Sessions whose subscriptions get notifications (by connection id). */
    void Attach(uint64_t id, ClientSession& session);
    void Detach(uint64_t id) noexcept;
    /** Gives back the memory kept for reuse (Ipc::Handler::OnTrim). */
    void ReleaseMemory() noexcept;
    /** @p session's connection drained: what it was not sent yet, now. */
    void Flush(ClientSession& session) noexcept;

  private:
    uint64_t LogPosition() const noexcept { return round_start_ + round_size_; }
    /** Marks @p sub with the changes of this round it has not seen. */
    void CatchUp(Core::Subscription& sub);
    void FlushAll() noexcept;
    void FlushSession(ClientSession& session);
    void Encode(ClientSession& session, Core::Subscription& sub);
    /** device.restored, when @p pending says a restore finished. */
    template <class Send>
    static void SendRestored(const Core::Device& device, const std::string& id_json,
                             const Core::PendingDevice& pending, Send& send);
    /** A controls.changed for @p pending up to its subscription member, shared by every
     *  subscriber with the same pending controls (null if no control is left); @p id_json
     *  and @p seq already encoded, as the caller's other notifications use them. */
    const Ipc::SharedText& EncodeChanged(const std::string& device_id, const std::string& id_json,
                                         const std::string& seq, const Core::Device& device,
                                         const Core::PendingDevice& pending);

    const Core::StateCache& cache_;
    std::map<uint64_t, ClientSession*> sessions_;
    Event::Deferred flush_;

    /* This round's changes, marked into each subscription at the flush (or when its
     * connection drains) rather than as they come: a change costs O(1), not
     * O(subscriptions), and repeats of a value change cost nothing (bench/: marking
     * 1000 subscriptions per change dominated fan-out). Devices are never forgotten by
     * the cache, so the pointers stay valid; control ids are copies (a control may be
     * removed in the same round). */
    struct LoggedChange {
        Core::Change::Kind kind;
        const Core::Device* device;
        std::optional<Alsa::ControlId> control;
    };
    std::vector<LoggedChange> round_;  // the first round_size_ are this round's
    size_t round_size_ = 0;
    uint64_t round_start_ = 0;  // changes logged before this round
    /* Value/info changes in round_ since its last structural or device change: a
     * control's value (info) change is in it when its mark equals epoch_, which moves
     * on at every flush and structural change. Kept per control, not per round, so a
     * change allocates nothing once its control was seen; kept across a device's
     * replug too (a stale mark is never equal to a later epoch), so its entries are
     * not freed and made again all over the heap, pinning pages malloc_trim cannot
     * give back (the chaos test's RSS). */
    struct Seen {
        uint64_t value = 0;
        uint64_t info = 0;
    };
    std::map<std::pair<const Core::Device*, unsigned>, Seen> seen_;
    uint64_t epoch_ = 1;
    /* Encoded controls.changed heads by device and pending set, shared by the
     * connections of one flush; empty between flushes. */
    ChangedHeads encoded_;
    /* EncodeChanged()'s working memory, kept between calls. */
    std::vector<unsigned> values_;
    std::string key_;
    std::string controls_;
    /* AppendFullControl()'s encodings, dropped as their control changes. */
    mutable std::map<std::pair<const Core::Device*, unsigned>, std::string> full_;
    /* What value changes of a control are written from, dropped as its id or info
     * changes. */
    std::map<std::pair<const Core::Device*, unsigned>, Codec::ValueText> value_text_;
    /* What the last snapshot took, and a little more: the next is written into one
     * reservation. */
    mutable size_t snapshot_size_ = 0;
    /* Device ids as JSON strings; the cache never forgets a device either. */
    std::map<std::string, std::string, std::less<>> id_json_;
};
