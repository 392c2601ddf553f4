// SPDX-License-Identifier: GPL-3.0-or-later
/* idle: subscribed clients that hold until stdin closes, while run.sh counts what the
 * daemon does meanwhile. */
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "bench/Bench.hpp"
#include "bench/Client.hpp"

namespace Bench {

int Idle(const Args& a) {
    RaiseFdLimit();
    std::vector<int> fds;
    for (int i = 0; i < static_cast<int>(a.Num("clients", 100)); ++i)
        fds.push_back(Subscriber(a.Get("socket-dir")));
    std::printf("ready\n");
    std::fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    /* Anything the daemon sent meanwhile would be a notification: count it. */
    size_t bytes = 0;
    char buf[4096];
    for (int fd : fds) {
        fcntl(fd, F_SETFL, O_NONBLOCK);
        ssize_t r;
        while ((r = read(fd, buf, sizeof(buf))) > 0) bytes += static_cast<size_t>(r);
    }
    std::printf("RESULT %s clients=%zu bytes_received=%zu\n", a.Get("tag", "idle").c_str(),
                fds.size(), bytes);
    return 0;
}

}  // namespace Bench
