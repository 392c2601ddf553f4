// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/CommandSocket.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "daemon/Instance.hpp"

namespace Testbed {

namespace {

/** A command that cannot be carried out; what() is the reply after "error ". */
class CommandError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

int64_t ParseInt(const std::string& text, const char* what) {
    int64_t n = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, n);
    if (ec != std::errc() || ptr != end || text.empty())
        throw CommandError(std::string("bad ") + what + " '" + text + "'");
    return n;
}

std::vector<std::string> Split(const std::string& text, char separator) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator)) out.push_back(part);
    if (!text.empty() && text.back() == separator) out.emplace_back();
    return out;
}

std::vector<std::string> Words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    std::string word;
    while (in >> word) out.push_back(word);
    return out;
}

bool IsBytes(const Alsa::ControlInfo& info) {
    return info.type == Alsa::ElemType::Bytes || info.type == Alsa::ElemType::Iec958;
}

/** Raw values as the kernel would accept them for @p info; one value means every channel. */
Alsa::Value MakeValue(const Alsa::ControlInfo& info, const std::vector<int64_t>& raw) {
    const size_t channels = IsBytes(info) ? std::max<size_t>(info.count, 1) : info.count;
    if (raw.size() != 1 && raw.size() != channels)
        throw CommandError("control " + std::to_string(info.id.numid) + " has " +
                           std::to_string(channels) + " channels, got " +
                           std::to_string(raw.size()) + " values");
    std::vector<int64_t> numbers(channels, raw.front());
    if (raw.size() == channels) numbers = raw;
    for (int64_t n : numbers) {
        bool ok = true;
        switch (info.type) {
            case Alsa::ElemType::Boolean:
                ok = n == 0 || n == 1;
                break;
            case Alsa::ElemType::Enumerated:
                ok = n >= 0 && static_cast<size_t>(n) < info.items.size();
                break;
            case Alsa::ElemType::Integer:
            case Alsa::ElemType::Integer64:
                /* Some read-only controls report range 0..0 and hold any value. */
                ok = info.min == info.max || (n >= info.min && n <= info.max);
                break;
            default:
                ok = n >= 0 && n <= 255;
                break;
        }
        if (!ok)
            throw CommandError("value " + std::to_string(n) + " is out of range for control " +
                               std::to_string(info.id.numid));
    }
    Alsa::Value value;
    if (IsBytes(info))
        value.bytes.assign(numbers.begin(), numbers.end());
    else
        value.numbers = std::move(numbers);
    return value;
}

std::string FormatValue(const Alsa::Value& value) {
    std::string out;
    auto add = [&out](int64_t n) { out += (out.empty() ? "" : ",") + std::to_string(n); };
    for (int64_t n : value.numbers) add(n);
    for (uint8_t b : value.bytes) add(b);
    return out;
}

/** The raw values a control of @p info cycles through in a burst: how many, and the k-th. */
struct Cycle {
    int64_t first = 0;
    int64_t step = 1;
    int64_t size = 0;

    explicit Cycle(const Alsa::ControlInfo& info) {
        switch (info.type) {
            case Alsa::ElemType::Boolean:
                size = 2;
                break;
            case Alsa::ElemType::Enumerated:
                size = static_cast<int64_t>(info.items.size());
                break;
            case Alsa::ElemType::Integer:
            case Alsa::ElemType::Integer64: {
                first = info.min;
                step = std::max<int64_t>(info.step, 1);
                /* Unsigned: a full integer64 range does not fit an int64_t difference. */
                const uint64_t span =
                    static_cast<uint64_t>(info.max) - static_cast<uint64_t>(info.min);
                const uint64_t values = span / static_cast<uint64_t>(step);
                size = values >= static_cast<uint64_t>(INT64_MAX)
                           ? INT64_MAX
                           : static_cast<int64_t>(values) + 1;
                break;
            }
            default:
                break;
        }
    }
    int64_t IndexOf(int64_t raw) const {
        return static_cast<int64_t>((static_cast<uint64_t>(raw) - static_cast<uint64_t>(first)) /
                                    static_cast<uint64_t>(step) % static_cast<uint64_t>(size));
    }
    int64_t At(int64_t k) const {
        return static_cast<int64_t>(static_cast<uint64_t>(first) +
                                    static_cast<uint64_t>(k % size) * static_cast<uint64_t>(step));
    }
};

}  // namespace

CommandSocket::CommandSocket(const std::string& path, std::vector<TestData::Device>& devices,
                             Instance& instance, LoopBridge& bridge)
    : path_(path), devices_(devices), instance_(instance), bridge_(bridge) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path))
        throw std::system_error(ENAMETOOLONG, std::system_category(), path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    listen_.Reset(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listen_) throw std::system_error(errno, std::system_category(), "socket");
    ::unlink(path.c_str());
    if (bind(listen_.Get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 ||
        listen(listen_.Get(), 8) < 0)
        throw std::system_error(errno, std::system_category(), "bind/listen " + path);
    stop_.Reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop_) throw std::system_error(errno, std::system_category(), "eventfd");
}

CommandSocket::~CommandSocket() {
    Stop();
}

void CommandSocket::Start() {
    thread_ = std::thread([this] { Serve(); });
}

void CommandSocket::Stop() {
    if (thread_.joinable()) {
        eventfd_write(stop_.Get(), 1);
        thread_.join();
    }
    if (listen_) {
        listen_.Reset();
        ::unlink(path_.c_str());
    }
}

void CommandSocket::Serve() noexcept {
    struct Client {
        Event::UniqueFd fd;
        std::string input;
    };
    std::vector<Client> clients;
    for (;;) {
        std::vector<pollfd> fds = {{stop_.Get(), POLLIN, 0}, {listen_.Get(), POLLIN, 0}};
        for (const auto& c : clients) fds.push_back({c.fd.Get(), POLLIN, 0});
        if (poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (fds[0].revents) return;
        if (fds[1].revents & POLLIN) {
            int fd = accept4(listen_.Get(), nullptr, nullptr, SOCK_CLOEXEC);
            if (fd >= 0) clients.push_back(Client{Event::UniqueFd(fd), {}});
        }
        /* Backwards: erasing a client must not shift the ones still to visit. */
        for (size_t i = fds.size(); i-- > 2;) {
            if (!fds[i].revents) continue;
            Client& client = clients[i - 2];
            char buffer[4096];
            const ssize_t n = recv(client.fd.Get(), buffer, sizeof(buffer), 0);
            if (n <= 0) {
                clients.erase(clients.begin() + static_cast<std::ptrdiff_t>(i - 2));
                continue;
            }
            client.input.append(buffer, static_cast<size_t>(n));
            size_t end;
            while ((end = client.input.find('\n')) != std::string::npos) {
                const std::string line = client.input.substr(0, end);
                client.input.erase(0, end + 1);
                if (Words(line).empty()) continue;
                const std::string reply = Execute(line) + "\n";
                for (size_t sent = 0; sent < reply.size();) {
                    const ssize_t w = send(client.fd.Get(), reply.data() + sent,
                                           reply.size() - sent, MSG_NOSIGNAL);
                    if (w <= 0) break;
                    sent += static_cast<size_t>(w);
                }
            }
        }
    }
}

TestData::Device& CommandSocket::FindDevice(const std::string& id) {
    for (auto& device : devices_)
        if (device.identity.id == id) return device;
    throw CommandError("no device '" + id + "'");
}

std::string CommandSocket::Execute(const std::string& line) try {
    const auto words = Words(line);
    const std::string& command = words.front();
    auto expect = [&](size_t n, const char* usage) {
        if (words.size() != n) throw CommandError(std::string("usage: ") + usage);
    };
    auto control = [&](TestData::Device& device) -> const Alsa::ControlInfo& {
        const auto numid = ParseInt(words[2], "numid");
        auto it = device.infos.find(static_cast<unsigned>(numid));
        if (numid < 0 || it == device.infos.end())
            throw CommandError("no control " + words[2] + " on " + device.identity.id);
        return it->second;
    };
    std::string reply = "ok";

    if (command == "set") {
        expect(4, "set DEVICE NUMID V[,V...]");
        TestData::Device& device = FindDevice(words[1]);
        const auto& info = control(device);
        std::vector<int64_t> raw;
        for (const auto& v : Split(words[3], ',')) raw.push_back(ParseInt(v, "value"));
        device.fake->ExternalSet(info.id.numid, MakeValue(info, raw));
    } else if (command == "burst") {
        expect(4, "burst DEVICE NUMID COUNT");
        TestData::Device& device = FindDevice(words[1]);
        const auto& info = control(device);
        const int64_t count = ParseInt(words[3], "count");
        if (count < 1) throw CommandError("count must be positive");
        const Cycle cycle(info);
        if (cycle.size < 2)
            throw CommandError("control " + words[2] + " cannot change between values");
        /* A client waits for the final value to know the burst is over: it must come
         * only once, at the end. */
        if (count >= cycle.size)
            throw CommandError("count must be below the control's " + std::to_string(cycle.size) +
                               " values (the final value would come more than once)");
        const Alsa::Value start = device.fake->Get(info.id.numid);
        const int64_t first = cycle.IndexOf(start.numbers.empty() ? 0 : start.numbers.front());
        Alsa::Value value;
        for (int64_t i = 1; i <= count; ++i) {
            value = MakeValue(info, {cycle.At(first + i)});
            device.fake->ExternalSet(info.id.numid, value);
        }
        reply = "ok final " + FormatValue(value);
    } else if (command == "get") {
        expect(3, "get DEVICE NUMID");
        TestData::Device& device = FindDevice(words[1]);
        reply = "ok " + FormatValue(device.fake->Get(control(device).id.numid));
    } else if (command == "writable") {
        expect(4, "writable DEVICE NUMID 0|1");
        TestData::Device& device = FindDevice(words[1]);
        const auto& info = control(device);
        if (words[3] != "0" && words[3] != "1") throw CommandError("writable takes 0 or 1");
        device.fake->SetWritable(info.id.numid, words[3] == "1");
    } else if (command == "unplug") {
        expect(2, "unplug DEVICE");
        TestData::Device& device = FindDevice(words[1]);
        if (!device.fake->IsPresent()) throw CommandError(words[1] + " is unplugged already");
        device.fake->Unplug();
    } else if (command == "replug") {
        expect(2, "replug DEVICE");
        TestData::Device& device = FindDevice(words[1]);
        if (device.fake->IsPresent()) throw CommandError(words[1] + " is plugged in");
        device.fake->Replug();
        if (!bridge_.Call([this] { instance_.RescanNow(); })) throw CommandError("stopping");
    } else if (command == "sync") {
        expect(1, "sync");
    } else {
        throw CommandError("unknown command '" + command +
                           "' (set, burst, get, writable, unplug, replug, sync)");
    }
    if (!bridge_.Settle()) throw CommandError("stopping");
    return reply;
} catch (const std::exception& e) {
    return std::string("error ") + e.what();
}

}  // namespace Testbed
