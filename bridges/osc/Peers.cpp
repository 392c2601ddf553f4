// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/Peers.hpp"

#include <algorithm>
#include <vector>

namespace Osc {

namespace {

/** Matches a `[...]` set at the start of @p pattern against @p c; @p used gets the
 *  set's length. nullopt: malformed. */
std::optional<bool> MatchSet(std::string_view pattern, char c, size_t& used) {
    size_t i = 1;
    const bool negated = i < pattern.size() && pattern[i] == '!';
    if (negated) ++i;
    bool found = false;
    const size_t first = i;
    for (; i < pattern.size() && (pattern[i] != ']' || i == first); ++i) {
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            found |= c >= pattern[i] && c <= pattern[i + 2];
            i += 2;
        } else {
            found |= c == pattern[i];
        }
    }
    if (i >= pattern.size()) return std::nullopt;
    used = i + 1;
    return found != negated;
}

/**
 * One path segment (no '/' in either): memoised over (pattern position, address
 * position), so that a pattern from the network ("****...x") costs at most
 * |pattern| x |address| steps, never an exponential search.
 */
class SegmentMatcher {
  public:
    SegmentMatcher(std::string_view pattern, std::string_view address)
        : pattern_(pattern),
          address_(address),
          memo_((pattern.size() + 1) * (address.size() + 1), 0) {}
    bool Run() { return At(0, 0); }

  private:
    bool At(size_t p, size_t a) {
        char& memo = memo_[p * (address_.size() + 1) + a];
        if (memo == 0) memo = Compute(p, a) ? 1 : 2;
        return memo == 1;
    }
    bool Compute(size_t p, size_t a) {
        if (p == pattern_.size()) return a == address_.size();
        const char c = pattern_[p];
        if (c == '*') {
            for (size_t skip = a; skip <= address_.size(); ++skip)
                if (At(p + 1, skip)) return true;
            return false;
        }
        if (c == '{') {
            const size_t close = pattern_.find('}', p);
            if (close == std::string_view::npos) return false;
            const std::string_view words = pattern_.substr(p + 1, close - p - 1);
            for (size_t start = 0;;) {
                const size_t comma = std::min(words.find(',', start), words.size());
                const std::string_view word = words.substr(start, comma - start);
                if (address_.substr(a, word.size()) == word && At(close + 1, a + word.size()))
                    return true;
                if (comma == words.size()) return false;
                start = comma + 1;
            }
        }
        if (a == address_.size()) return false;
        if (c == '?') return At(p + 1, a + 1);
        if (c == '[') {
            size_t used = 0;
            const auto in = MatchSet(pattern_.substr(p), address_[a], used);
            return in && *in && At(p + used, a + 1);
        }
        return c == address_[a] && At(p + 1, a + 1);
    }

    std::string_view pattern_, address_;
    std::vector<char> memo_;
};

}  // namespace

bool PatternMatch(std::string_view pattern, std::string_view address) {
    /* No wildcard crosses a '/': segment by segment. */
    for (;;) {
        const size_t p_end = std::min(pattern.find('/'), pattern.size());
        const size_t a_end = std::min(address.find('/'), address.size());
        if (!SegmentMatcher(pattern.substr(0, p_end), address.substr(0, a_end)).Run()) return false;
        if ((p_end == pattern.size()) != (a_end == address.size())) return false;
        if (p_end == pattern.size()) return true;
        pattern.remove_prefix(p_end + 1);
        address.remove_prefix(a_end + 1);
    }
}

bool Peers::Subscribe(const std::string& peer, std::string pattern, Clock::time_point now) {
    if (pattern.size() > MAX_PATTERN) return false;
    auto it = peers_.find(peer);
    if (it == peers_.end()) {
        if (peers_.size() >= MAX_PEERS) return false;
        it = peers_.emplace(peer, Peer{}).first;
    }
    it->second.pattern = pattern.empty() ? "*" : std::move(pattern);
    it->second.expires = now + LIFETIME;
    return true;
}

void Peers::Unsubscribe(const std::string& peer) {
    peers_.erase(peer);
}

std::vector<std::string> Peers::Expire(Clock::time_point now) {
    std::vector<std::string> dropped;
    for (auto it = peers_.begin(); it != peers_.end();) {
        if (it->second.expires <= now) {
            dropped.push_back(it->first);
            it = peers_.erase(it);
        } else {
            ++it;
        }
    }
    return dropped;
}

std::vector<std::string> Peers::Matching(std::string_view address) const {
    std::vector<std::string> out;
    for (const auto& [peer, p] : peers_)
        /* "*" stands for everything here, whatever the address's depth. */
        if (p.pattern == "*" || PatternMatch(p.pattern, address)) out.push_back(peer);
    return out;
}

std::optional<Peers::Clock::time_point> Peers::NextExpiry() const {
    std::optional<Clock::time_point> next;
    for (const auto& [peer, p] : peers_)
        if (!next || p.expires < *next) next = p.expires;
    return next;
}

}  // namespace Osc
