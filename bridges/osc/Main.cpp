// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scarlett-osc: scarlettd's controls over OSC (UDP), for tablets, Stream Decks and
 * scripts. An ordinary client of the daemon's socket: the code that faces the
 * network never runs in the daemon that holds the devices.
 *
 * The UDP socket is our own, not a lo_server: liblo 0.31 binds a server to every
 * interface, and the bridge must listen on 127.0.0.1 unless told otherwise. liblo
 * reads and writes the messages (Wire.cpp).
 */
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "bridges/osc/Layout.hpp"
#include "bridges/osc/Route.hpp"
#include "bridges/osc/Server.hpp"
#include "cli/Client.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/SignalWatch.hpp"
#include "event/UniqueFd.hpp"
#include "generated/Version.hpp"
#include "systemd/Journal.hpp"

namespace {

constexpr const char* USAGE =
    "Usage: scarlett-osc [OPTION]...\n"
    "Serve scarlettd's devices over OSC (UDP): set and query every control, and get\n"
    "every change back as feedback. Addresses: docs/OSC.md, scarlett-osc(1).\n"
    "\n"
    "  -l, --listen ADDR:PORT  the UDP address to serve (default 127.0.0.1:7000;\n"
    "                          IPv6 as [::1]:7000; port 0 picks a free port)\n"
    "  -a, --allow CIDR        also accept peers from CIDR (repeatable); loopback peers\n"
    "                          are always accepted, and a non-loopback --listen needs one\n"
    "  -s, --socket-dir DIR    scarlettd's socket directory (default:\n"
    "                          $SCARLETTD_SOCKET_DIR, else $XDG_RUNTIME_DIR/scarlettd)\n"
    "  -r, --rate N            messages accepted per second from one peer (default 200;\n"
    "                          bursts up to 2N); the rest are dropped, answered once on /error\n"
    "      --layout FILE       write an Open Stage Control session for the connected\n"
    "                          devices to FILE (-: standard output) and exit\n"
    "  -v, --verbose           log every message received and every error answered\n"
    "  -q, --quiet             log errors only\n"
    "  -h, --help              this help\n"
    "  -V, --version           the version\n"
    "\n"
    "Examples:\n"
    "  scarlett-osc\n"
    "  oscsend localhost 7000 /input/1/air i 1\n"
    "  scarlett-osc --listen 0.0.0.0:7000 --allow 192.168.1.0/24\n"
    "  scarlett-osc --layout studio.json\n";

struct Options {
    std::string listen = "127.0.0.1:7000";
    std::vector<Osc::Network> allow;
    std::optional<std::string> socket_dir;
    double rate = 200;
    std::optional<std::string> layout;
    int verbosity = 1;
};

[[noreturn]] void UsageError(const std::string& message) {
    std::cerr << "scarlett-osc: " << message << "\nTry 'scarlett-osc --help'.\n";
    std::exit(2);
}

Options Parse(int argc, char** argv) {
    static const option LONG[] = {{"listen", required_argument, nullptr, 'l'},
                                  {"allow", required_argument, nullptr, 'a'},
                                  {"socket-dir", required_argument, nullptr, 's'},
                                  {"rate", required_argument, nullptr, 'r'},
                                  {"layout", required_argument, nullptr, 'L'},
                                  {"verbose", no_argument, nullptr, 'v'},
                                  {"quiet", no_argument, nullptr, 'q'},
                                  {"help", no_argument, nullptr, 'h'},
                                  {"version", no_argument, nullptr, 'V'},
                                  {nullptr, 0, nullptr, 0}};
    Options o;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":l:a:s:r:vqhV", LONG, nullptr)) != -1;) {
        switch (c) {
            case 'l':
                o.listen = optarg;
                break;
            case 'a': {
                const auto n = Osc::Network::Parse(optarg);
                if (!n)
                    UsageError(std::string("--allow: '") + optarg +
                               "' is not a network (e.g. 192.168.1.0/24)");
                o.allow.push_back(*n);
                break;
            }
            case 's':
                o.socket_dir = optarg;
                break;
            case 'r': {
                char* end = nullptr;
                errno = 0;
                const double r = std::strtod(optarg, &end);
                if (errno || end == optarg || *end || !(r >= 1 && r <= 100000))
                    UsageError(std::string("--rate: '") + optarg + "' is not a rate (1..100000)");
                o.rate = r;
                break;
            }
            case 'L':
                o.layout = optarg;
                break;
            case 'v':
                o.verbosity = 2;
                break;
            case 'q':
                o.verbosity = 0;
                break;
            case 'h':
                std::cout << USAGE;
                std::exit(0);
            case 'V':
                std::cout << "scarlett-osc " SCARLETTD_VERSION "\n";
                std::exit(0);
            case ':':
                UsageError(std::string("option '") + argv[optind - 1] + "' needs a value");
            default:
                UsageError(std::string("unknown option '") + argv[optind - 1] + "'");
        }
    }
    if (optind < argc) UsageError(std::string("unexpected argument '") + argv[optind] + "'");
    return o;
}

/** stderr, with syslog level prefixes when it is the journal (systemd.exec(5)). */
class Logger {
  public:
    explicit Logger(int verbosity)
        : verbosity_(verbosity),
          journal_(Systemd::IsJournalStream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO)) {}
    void operator()(Osc::Server::Level level, const std::string& message) const {
        static const int PRIORITY[] = {3, 4, 6, 7};
        const int n = static_cast<int>(level);
        if ((n >= 1 && verbosity_ == 0) || (n == 3 && verbosity_ < 2)) return;
        std::string line = journal_ ? "<" + std::to_string(PRIORITY[n]) + ">" : "scarlett-osc: ";
        line += message;
        line += '\n';
        /* One write per line: lines of several programs in one terminal never mix. */
        (void)!write(STDERR_FILENO, line.data(), line.size());
    }

  private:
    int verbosity_;
    bool journal_;
};

int WriteLayout(const Options& o, const std::string& socket_dir, const Osc::Endpoint& listen) {
    Cli::Client client = Cli::Client::Connect(socket_dir + "/control.sock");
    const nlohmann::json list = client.Call("devices.list");
    if (!list.contains("result")) throw std::runtime_error("devices.list: " + list["error"].dump());
    std::vector<Osc::LayoutDevice> devices;
    const auto& all = list["result"]["devices"];
    for (const auto& d : all) {
        if (!d.value("online", false)) continue;
        const std::string id = d["id"].get<std::string>();
        const nlohmann::json r = client.Call("controls.list", {{"device", id}});
        if (!r.contains("result")) continue;
        Osc::LayoutDevice device;
        const nlohmann::json nick = d.value("nickname", nlohmann::json());
        /* The prefix the bridge's feedback carries, so that the widgets hear it. */
        device.prefix = Osc::DevicePrefix(
            {id, nick.is_string() ? nick.get<std::string>() : std::string()}, all.size());
        const nlohmann::json model = d.value("model", nlohmann::json());
        device.title = model.is_string() ? model.get<std::string>() : d.value("name", id);
        device.controls = r["result"]["controls"];
        devices.push_back(std::move(device));
    }
    if (devices.empty()) throw std::runtime_error("no device is online");
    /* Widgets send where the bridge listens; a wildcard address is reached at 127.0.0.1. */
    std::string host = listen.Host();
    if (host == "0.0.0.0" || host == "[::]") host = "127.0.0.1";
    const std::string session =
        Osc::OpenStageControlSession(devices, host, listen.Port()).dump(2) + "\n";
    if (*o.layout == "-") {
        std::cout << session;
        return 0;
    }
    std::ofstream out(*o.layout);
    out << session;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + *o.layout + ": " + std::strerror(errno));
    std::cerr << "scarlett-osc: wrote " << *o.layout << " (" << devices.size()
              << (devices.size() == 1 ? " device" : " devices")
              << "); load it in Open Stage Control\n";
    return 0;
}

/** The socket's receive queue asked for, in bytes. */
constexpr int RECEIVE_BUFFER = 4 << 20;
/** Datagrams read per recvmmsg call. */
constexpr size_t BATCH = 16;
/** A datagram's size at most: 64 messages of a bundle fit many times over; a larger
 *  one is refused (answered on /error) without being read whole. */
constexpr size_t MAX_DATAGRAM = 16384;

bool Allowed(const Options& o, const Osc::Endpoint& peer) {
    if (peer.IsLoopback()) return true;
    for (const auto& n : o.allow)
        if (n.Contains(peer)) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = Parse(argc, argv);
    const Logger log(options.verbosity);
    try {
        /* Usage errors first (exit 2), whatever the environment. */
        const auto listen = Osc::ParseEndpoint(options.listen);
        if (!listen)
            UsageError("--listen: '" + options.listen +
                       "' is not ADDR:PORT (e.g. 127.0.0.1:7000, [::1]:7000)");
        if (!listen->IsLoopback() && options.allow.empty() && !options.layout)
            UsageError("--listen " + options.listen +
                       " is reachable from other machines: say which with --allow CIDR");
        const std::string socket_dir = Cli::ResolveSocketDir(options.socket_dir);
        if (options.layout) return WriteLayout(options, socket_dir, *listen);

        Event::UniqueFd fd(
            socket(listen->address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd.IsValid() || bind(fd.Get(), reinterpret_cast<const sockaddr*>(&listen->address),
                                  listen->length) != 0)
            throw std::runtime_error("cannot listen on " + options.listen + ": " +
                                     std::strerror(errno));
        /* Room for a burst (the kernel caps it at net.core.rmem_max): a peer's message
         * is lost only when the queue is full. */
        const int room = RECEIVE_BUFFER;
        (void)setsockopt(fd.Get(), SOL_SOCKET, SO_RCVBUF, &room, sizeof(room));
        Osc::Endpoint bound;
        bound.length = sizeof(bound.address);
        getsockname(fd.Get(), reinterpret_cast<sockaddr*>(&bound.address), &bound.length);
        log(Osc::Server::Level::Info, "listening on " + bound.Name() + " (UDP)");
        for (const auto& n : options.allow)
            log(Osc::Server::Level::Warning, "accepting peers from " + n.Name());

        Event::EventLoop loop;
        Event::SignalWatch signals(loop, {SIGINT, SIGTERM},
                                   [&loop](int) noexcept { loop.Break(); });
        const int socket = fd.Get();
        Osc::Server bridge(
            loop, socket_dir + "/control.sock",
            [socket](const Osc::Endpoint& to, const std::string& datagram) {
                /* UDP: a full buffer loses the message, as the network may; feedback
                 * carries the latest value, so the next one repairs it. */
                (void)sendto(socket, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&to.address), to.length);
            },
            log, {options.rate, options.verbosity >= 2});

        std::set<std::string> refused;
        /* recvmmsg: a batch of datagrams per call, so that the bridge reads faster than
         * a flood of single sends arrives and a good peer's message is not the one the
         * kernel drops from a full queue. */
        std::vector<unsigned char> buffers(BATCH * MAX_DATAGRAM);
        std::vector<mmsghdr> headers(BATCH);
        std::vector<iovec> vectors(BATCH);
        std::vector<Osc::Endpoint> senders(BATCH);
        Event::FdWatch watch(loop, [&](uint32_t) noexcept {
            /* A bounded number per wakeup: a flood cannot keep the loop from the daemon's
             * side (level triggering brings us back for the rest). */
            for (int round = 0; round < 4; ++round) {
                for (size_t k = 0; k < BATCH; ++k) {
                    vectors[k] = {buffers.data() + k * MAX_DATAGRAM, MAX_DATAGRAM};
                    headers[k] = {};
                    headers[k].msg_hdr.msg_name = &senders[k].address;
                    headers[k].msg_hdr.msg_namelen = sizeof(senders[k].address);
                    headers[k].msg_hdr.msg_iov = &vectors[k];
                    headers[k].msg_hdr.msg_iovlen = 1;
                }
                const int n = recvmmsg(socket, headers.data(), BATCH, MSG_DONTWAIT, nullptr);
                if (n <= 0) return;
                for (int k = 0; k < n; ++k) {
                    Osc::Endpoint& from = senders[static_cast<size_t>(k)];
                    const mmsghdr& h = headers[static_cast<size_t>(k)];
                    from.length = h.msg_hdr.msg_namelen;
                    if (!Allowed(options, from)) {
                        if (refused.size() < 64 && refused.insert(from.Name()).second)
                            log(Osc::Server::Level::Warning,
                                "ignoring " + from.Name() + ": not a loopback peer nor in --allow");
                        continue;
                    }
                    if (h.msg_hdr.msg_flags & MSG_TRUNC)
                        bridge.RefuseDatagram(from, "a datagram larger than 16 KiB");
                    else
                        bridge.OnDatagram(from, vectors[static_cast<size_t>(k)].iov_base,
                                          h.msg_len);
                }
                if (static_cast<size_t>(n) < BATCH) return;
            }
        });
        if (!watch.Open(socket, EPOLLIN))
            throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
        bridge.Start();
        loop.Run();
        log(Osc::Server::Level::Info, "stopped");
        return 0;
    } catch (const std::exception& e) {
        log(Osc::Server::Level::Error, e.what());
        return 1;
    }
}
