// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "ipc/Socket.hpp"

using Ipc::IsPeerAllowed;
using Ipc::PeerCredentials;
using Ipc::PeerPolicy;

namespace {
constexpr gid_t AUDIO = 29;
}  // namespace

TEST_CASE("Peer policy: the daemon's uid and root, and in system mode the socket's group") {
    const PeerPolicy user{1000, std::nullopt};
    CHECK(IsPeerAllowed({1, 1000, 1000, {}}, user));
    CHECK(IsPeerAllowed({1, 0, 0, {}}, user));
    CHECK_FALSE(IsPeerAllowed({1, 1001, 1001, {AUDIO}}, user));

    const PeerPolicy system{1000, AUDIO};
    SUBCASE("a member through the peer's supplementary groups (SO_PEERGROUPS)") {
        /* As the peer process has them, whatever the user database says: a process
         * given the group only as a supplementary one is a member. */
        CHECK(IsPeerAllowed({1, 1001, 1001, {4, AUDIO}}, system));
    }
    SUBCASE("a member through the peer's primary gid") {
        CHECK(IsPeerAllowed({1, 1002, AUDIO, {}}, system));
    }
    SUBCASE("everyone else is refused") {
        CHECK_FALSE(IsPeerAllowed({1, 1002, 1002, {4, 24}}, system));
    }
    SUBCASE("no uid in the policy: no check") {
        CHECK(IsPeerAllowed({1, 1002, 1002, {}}, PeerPolicy{}));
    }
}

TEST_CASE("GetPeerCredentials reads the peer's real groups") {
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    const auto peer = Ipc::GetPeerCredentials(pair[0]);
    ::close(pair[0]);
    ::close(pair[1]);
    REQUIRE(peer);
    CHECK(peer->uid == getuid());
    CHECK(peer->gid == getgid());
    std::vector<gid_t> ours(static_cast<size_t>(getgroups(0, nullptr)));
    REQUIRE(getgroups(static_cast<int>(ours.size()), ours.data()) == static_cast<int>(ours.size()));
    std::sort(ours.begin(), ours.end());
    auto theirs = peer->groups;
    std::sort(theirs.begin(), theirs.end());
    CHECK(theirs == ours);
}

TEST_CASE("GroupsOfUser lists the primary group of a user in the database") {
    const auto groups = Ipc::GroupsOfUser(0);  // root exists everywhere
    CHECK(std::find(groups.begin(), groups.end(), gid_t{0}) != groups.end());
    CHECK(Ipc::GroupsOfUser(static_cast<uid_t>(-2)).empty());
}

TEST_CASE("GetSocketPath names the file a socket is bound to") {
    char tmpl[] = "/tmp/scarlettd-peer-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    {
        auto fd = Ipc::BindUnixSocket(dir + "/control.sock", 0600);
        CHECK(Ipc::GetSocketPath(fd.Get()) == dir + "/control.sock");
        int pair[2];
        REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
        CHECK_FALSE(Ipc::GetSocketPath(pair[0]));
        ::close(pair[0]);
        ::close(pair[1]);
    }
    ::unlink((dir + "/control.sock").c_str());
    ::rmdir(dir.c_str());
}
