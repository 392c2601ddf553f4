// SPDX-License-Identifier: GPL-3.0-or-later
#include "bridges/osc/Network.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace Osc {

namespace {

std::optional<unsigned> Number(std::string_view text, unsigned max) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max)
        return std::nullopt;
    return value;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d), as a dual-stack socket reports an
 *  IPv4 peer. */
bool IsMapped(const in6_addr& a) {
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(a.s6_addr, prefix, sizeof(prefix)) == 0;
}

}  // namespace

std::string Endpoint::Name() const {
    if (address.ss_family != AF_INET && address.ss_family != AF_INET6) return "?";
    return Host() + ":" + std::to_string(Port());
}

std::string Endpoint::Host() const {
    char text[INET6_ADDRSTRLEN] = "?";
    if (address.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr, text,
                  sizeof(text));
        return text;
    }
    if (address.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr, text,
                  sizeof(text));
        return "[" + std::string(text) + "]";
    }
    return text;
}

uint16_t Endpoint::Port() const noexcept {
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
    return 0;
}

void Endpoint::SetPort(uint16_t port) noexcept {
    if (address.ss_family == AF_INET)
        reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(port);
    else if (address.ss_family == AF_INET6)
        reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(port);
}

bool Endpoint::IsLoopback() const noexcept {
    if (address.ss_family == AF_INET)
        return (ntohl(reinterpret_cast<const sockaddr_in*>(&address)->sin_addr.s_addr) >> 24) ==
               127;
    if (address.ss_family == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr;
        if (IsMapped(a)) return a.s6_addr[12] == 127;
        return IN6_IS_ADDR_LOOPBACK(&a);
    }
    return false;
}

std::optional<Endpoint> ParseEndpoint(std::string_view text) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto port = Number(text.substr(colon + 1), 65535);
    std::string host(text.substr(0, colon));
    if (!port || host.empty()) return std::nullopt;
    Endpoint e;
    if (host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        auto* a = reinterpret_cast<sockaddr_in6*>(&e.address);
        if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) return std::nullopt;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(static_cast<uint16_t>(*port));
        e.length = sizeof(sockaddr_in6);
        return e;
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&e.address);
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) return std::nullopt;
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(*port));
    e.length = sizeof(sockaddr_in);
    return e;
}

std::optional<Network> Network::Parse(std::string_view text) {
    const size_t slash = text.find('/');
    const std::string host(text.substr(0, slash));
    Network n;
    if (inet_pton(AF_INET, host.c_str(), n.bytes_) == 1) {
        n.family_ = AF_INET;
        n.prefix_ = 32;
    } else if (inet_pton(AF_INET6, host.c_str(), n.bytes_) == 1) {
        n.family_ = AF_INET6;
        n.prefix_ = 128;
    } else {
        return std::nullopt;
    }
    if (slash != std::string_view::npos) {
        const auto prefix = Number(text.substr(slash + 1), n.prefix_);
        if (!prefix) return std::nullopt;
        n.prefix_ = *prefix;
    }
    return n;
}

bool Network::Contains(const Endpoint& peer) const noexcept {
    const unsigned char* bytes = nullptr;
    if (peer.address.ss_family == AF_INET && family_ == AF_INET) {
        bytes = reinterpret_cast<const unsigned char*>(
            &reinterpret_cast<const sockaddr_in*>(&peer.address)->sin_addr);
    } else if (peer.address.ss_family == AF_INET6) {
        const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&peer.address)->sin6_addr;
        if (family_ == AF_INET6)
            bytes = a.s6_addr;
        else if (IsMapped(a))
            bytes = a.s6_addr + 12;
    }
    if (!bytes) return false;
    const unsigned whole = prefix_ / 8;
    if (std::memcmp(bytes, bytes_, whole) != 0) return false;
    const unsigned rest = prefix_ % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
    return (bytes[whole] & mask) == (bytes_[whole] & mask);
}

std::string Network::Name() const {
    char text[INET6_ADDRSTRLEN] = "?";
    inet_ntop(family_, bytes_, text, sizeof(text));
    return std::string(text) + "/" + std::to_string(prefix_);
}

}  // namespace Osc
