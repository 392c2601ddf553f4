// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Osc {

/**
 * Whether @p address matches the OSC 1.0 address pattern @p pattern: `?` one
 * character, `*` any run of characters, `[abc]`, `[a-z]` and `[!a-z]` one of (or
 * none of) a set, `{foo,bar}` one of the words; none of them crosses a `/`. A
 * malformed pattern (an unclosed `[` or `{`) matches nothing.
 */
bool PatternMatch(std::string_view pattern, std::string_view address);

/**
 * The peers that asked for feedback (`/subscribe [pattern]`), in the style of the
 * X32's `/xremote`: a registration lasts @c lifetime (10 s) and is renewed by
 * sending `/subscribe` again; a peer that stops renewing is dropped. Pure
 * bookkeeping: the bridge gives the time, and arms one timer at NextExpiry() (moved
 * only when a renewal moves it), so that idle peers cost no wakeups of their own.
 * Peers are named by the bridge (their address and port, as text).
 */
class Peers {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::seconds LIFETIME{10};
    /** Peers at once; a new one past it is refused (the oldest keep their feedback). */
    static constexpr size_t MAX_PEERS = 64;

    /** A pattern's length at most (matching costs length x address length). */
    static constexpr size_t MAX_PATTERN = 256;

    /** Registers or renews @p peer with @p pattern ("" or "*": everything).
     *  @return false when MAX_PEERS others are registered or the pattern is longer
     *  than MAX_PATTERN (nothing changed then). */
    bool Subscribe(const std::string& peer, std::string pattern, Clock::time_point now);
    void Unsubscribe(const std::string& peer);
    /** Drops the peers whose registration ran out. @return who was dropped. */
    std::vector<std::string> Expire(Clock::time_point now);
    /** The registered peers whose pattern matches @p address. */
    std::vector<std::string> Matching(std::string_view address) const;
    /** When the next registration runs out (nothing registered: none). */
    std::optional<Clock::time_point> NextExpiry() const;
    size_t Size() const noexcept { return peers_.size(); }
    bool Contains(const std::string& peer) const { return peers_.count(peer) != 0; }

  private:
    struct Peer {
        std::string pattern;
        Clock::time_point expires;
    };
    std::map<std::string, Peer> peers_;
};

}  // namespace Osc
