// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/Client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "bench/Bench.hpp"

namespace Bench {

int ConnectUnix(const std::string& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    for (int tries = 0; connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0;
         ++tries) {
        if (tries > 200) Die("connect " + path + ": " + std::strerror(errno));
        usleep(10000);
    }
    return fd;
}

void WriteAll(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) Die(std::string("write: ") + std::strerror(errno));
        off += static_cast<size_t>(n);
    }
}

namespace {

std::string ReadLine(int fd) {
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1) {
        if (c == '\n') return line;
        line += c;
    }
    Die("EOF from the daemon");
}

}  // namespace

int Subscriber(const std::string& dir) {
    int fd = ConnectUnix(dir + "/control.sock");
    WriteAll(fd, R"({"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"snapshot":false}})"
                 "\n");
    std::string reply = ReadLine(fd);
    if (reply.find("\"result\"") == std::string::npos) Die("subscribe: " + reply);
    return fd;
}

}  // namespace Bench
