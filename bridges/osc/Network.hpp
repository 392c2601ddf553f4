// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace Osc {

/** A UDP address: where a peer sends from, or where the bridge listens. */
struct Endpoint {
    sockaddr_storage address{};
    socklen_t length = 0;

    /** "127.0.0.1:7001", "[::1]:7001". */
    std::string Name() const;
    /** The address alone: "127.0.0.1", "[::1]". */
    std::string Host() const;
    uint16_t Port() const noexcept;
    void SetPort(uint16_t port) noexcept;
    bool IsLoopback() const noexcept;
};

/** "ADDR:PORT" with an IPv4 address or a bracketed IPv6 one ("[::1]:7000"), numeric
 *  only (no name lookups); nullopt when it is not that. */
std::optional<Endpoint> ParseEndpoint(std::string_view text);

/** A network, "192.168.1.0/24" or "fd00::/8" (a bare address: that host alone). */
class Network {
  public:
    /** nullopt when @p text is not such a network. */
    static std::optional<Network> Parse(std::string_view text);
    bool Contains(const Endpoint& peer) const noexcept;
    std::string Name() const;

  private:
    int family_ = 0;
    unsigned char bytes_[16] = {};
    unsigned prefix_ = 0;
};

}  // namespace Osc
