// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/server/Protocol.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace Sim::Wire {

std::uint32_t WordsFor(const std::string& type, std::uint32_t count) noexcept {
    if (type == "BYTES" || type == "IEC958") return (count + 3) / 4;
    if (type == "INTEGER64") return count * 2;
    return count;
}

int SendMessage(int fd, std::span<const std::byte> data, std::span<const int> fds) noexcept {
    iovec iov{const_cast<std::byte*>(data.data()), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    if (!fds.empty()) {
        if (fds.size() > 4) return -EINVAL;
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* header = CMSG_FIRSTHDR(&msg);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
    }
    for (;;) {
        if (::sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0) return 0;
        if (errno != EINTR) return -errno;
    }
}

long ReceiveMessage(int fd, std::vector<std::byte>& data, std::vector<int>* fds,
                    int flags) noexcept {
    data.resize(MAX_MESSAGE);
    iovec iov{data.data(), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t got;
    do {
        got = ::recvmsg(fd, &msg, flags | MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        data.clear();
        return -errno;
    }
    for (cmsghdr* header = CMSG_FIRSTHDR(&msg); header != nullptr;
         header = CMSG_NXTHDR(&msg, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        const std::size_t n = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < n; ++i) {
            int received;
            std::memcpy(&received, CMSG_DATA(header) + i * sizeof(int), sizeof(int));
            if (fds != nullptr)
                fds->push_back(received);
            else
                ::close(received);
        }
    }
    data.resize(static_cast<std::size_t>(got));
    if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) return -EMSGSIZE;
    return got;
}

int ConnectTo(const std::string& path) noexcept {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) return -ENAMETOOLONG;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        const int error = errno;
        ::close(fd);
        return -error;
    }
    return fd;
}

std::string ReplyText(std::span<const std::byte> message) {
    if (message.size() <= sizeof(ReplyMessage)) return {};
    const auto text = message.subspan(sizeof(ReplyMessage));
    return std::string(reinterpret_cast<const char*>(text.data()), text.size());
}

}  // namespace Sim::Wire
