// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * libFuzzer target: arbitrary bytes on a daemon's control socket. One whole Instance
 * on in-memory cards, driven with EventLoop::RunOnce in this thread, so every input
 * goes through the real path: recv, newline framing and the line limit, the
 * JSON-RPC envelope and batches, every method's params, controls.set value
 * resolution, subscriptions, coalesced notifications and the output cap.
 *
 * Lines starting with "#!" are not sent; they drive the harness between chunks:
 *   #!ext NUMID VALUE   the device changes a control by itself (front panel)
 *   #!info NUMID        the device flips a control's write access
 *   #!unplug / #!replug the device goes away / comes back
 *   #!events            opens an events-socket client
 *   #!crowd             fills the client limit and one more (that one is rejected), then leaves
 *   #!eof               half-closes the control client (rest of the input is dropped)
 *
 * Oracles besides the sanitizers: every line the daemon writes is a JSON-RPC 2.0
 * object (or a batch of them), and no call ends in -32603 `internal`, which the
 * daemon reserves for bugs.
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/Instance.hpp"
#include "daemon/Log.hpp"
#include "daemon/cards/CardIo.hpp"
#include "ipc/Log.hpp"
#include "tests/support/TestData.hpp"

namespace {

using nlohmann::json;

const std::string DEVICE_ID = "usb-1235-8215-P9ABCDEF";
constexpr size_t MAX_CLIENTS = 4;

[[noreturn]] void Fail(const std::string& what, std::string_view line) {
    std::fprintf(stderr, "fuzz_rpc: %s\n  line: %.*s\n", what.c_str(),
                 static_cast<int>(line.size()), line.data());
    std::abort();
}

/** A non-blocking client socket with line reassembly and the output oracle. */
struct Peer {
    /* SCARLETTD_FUZZ_VERBOSE=1 prints what the daemon writes (when reproducing). */
    static inline const bool verbose = std::getenv("SCARLETTD_FUZZ_VERBOSE") != nullptr;
    int fd = -1;
    bool closed_by_daemon = false;
    bool control = true;
    std::string buffer;
    /** The last response read, for the harness's own requests (when keep_last). */
    json last_response;
    bool keep_last = false;

    /** Connected, as far as the daemon is concerned. */
    bool IsOpen() const { return fd >= 0 && !closed_by_daemon; }

    void Close() {
        if (fd >= 0) ::close(fd);
        fd = -1;
        buffer.clear();
        closed_by_daemon = false;
    }

    /** Reads what is there and checks every complete line. @return bytes read. */
    size_t Drain() {
        if (fd < 0 || closed_by_daemon) return 0;
        size_t total = 0;
        char chunk[16384];
        for (;;) {
            const ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
            if (n > 0) {
                buffer.append(chunk, static_cast<size_t>(n));
                total += static_cast<size_t>(n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR)) closed_by_daemon = true;
            break;
        }
        size_t start = 0;
        for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1)
            CheckLine(std::string_view(buffer).substr(start, nl - start));
        buffer.erase(0, start);
        if (closed_by_daemon && !buffer.empty()) Fail("the daemon closed mid-line", buffer);
        return total;
    }

    void CheckLine(std::string_view line) {
        if (verbose)
            std::fprintf(stderr, "%s< %.*s\n", control ? "" : "events ",
                         static_cast<int>(line.size()), line.data());
        OutputCheck check(line, control);
        if (!json::sax_parse(line, &check)) Fail("the daemon wrote a line that is not JSON", line);
        if (check.response && keep_last) last_response = json::parse(line);
    }

    /**
     * The output oracle as a SAX handler: checks each line's messages as it reads
     * them, without building the line's tree (the tree of every snapshot and listing
     * was most of the harness's time, a third of every execution's).
     */
    class OutputCheck {
      public:
        OutputCheck(std::string_view line, bool control) : line_(line), control_(control) {}
        /** A single message (not a batch) with an id. */
        bool response = false;

        bool null() { return Value(Kind::Other); }
        bool boolean(bool) { return Value(Kind::Other); }
        bool number_integer(json::number_integer_t v) { return Integer(v == -32603); }
        bool number_unsigned(json::number_unsigned_t) { return Integer(false); }
        bool number_float(json::number_float_t, const json::string_t&) {
            return Value(Kind::Other);
        }
        bool binary(json::binary_t&) { return Value(Kind::Other); }
        bool string(json::string_t& v) {
            if (depth_ == message_depth_ && key_ == Key::JsonRpc) message_.jsonrpc = v == "2.0";
            return Value(Kind::String);
        }
        bool start_object(std::size_t) {
            if (depth_ == 0 || (depth_ == 1 && batch_)) {
                message_ = Message{};
                message_depth_ = depth_ + 1;
            } else {
                Value(Kind::Object);
            }
            key_ = Key::None;
            ++depth_;
            return true;
        }
        bool key(json::string_t& k) {
            key_ = Key::None;
            if (depth_ == message_depth_) {
                if (k == "jsonrpc") key_ = Key::JsonRpc;
                if (k == "method") message_.method = true;
                if (k == "id") message_.id = true;
                if (k == "result") message_.result = true;
                if (k == "error") key_ = Key::Error;
            } else if (depth_ == message_depth_ + 1 && in_error_) {
                key_ = k == "code"      ? Key::Code
                       : k == "message" ? Key::Message
                       : k == "data"    ? Key::Data
                                        : Key::None;
            } else if (depth_ == message_depth_ + 2 && in_data_) {
                key_ = k == "code" ? Key::Code : Key::None;
            }
            return true;
        }
        bool end_object() {
            --depth_;
            if (depth_ == message_depth_ + 1) in_data_ = false;
            if (depth_ == message_depth_) in_error_ = false;
            if (depth_ == message_depth_ - 1) {
                EndMessage();
                message_depth_ = -1;
            }
            key_ = Key::None;
            return true;
        }
        bool start_array(std::size_t) {
            if (depth_ == 0) {
                if (!control_) Fail("unexpected array", line_);
                batch_ = true;
            } else {
                Value(Kind::Other);
            }
            ++depth_;
            return true;
        }
        bool end_array() {
            --depth_;
            if (depth_ == 0 && batch_ && messages_ == 0) Fail("unexpected array", line_);
            return true;
        }
        bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
            return false;
        }

      private:
        enum class Kind { Object, String, Integer, Other };
        enum class Key { None, JsonRpc, Error, Code, Message, Data };
        struct Message {
            bool jsonrpc = false, method = false, id = false, result = false, error = false;
            bool error_object = false, code = false, internal = false, text = false;
            bool data = false, data_code = false;
        };

        bool Integer(bool internal) {
            if (depth_ == message_depth_ + 1 && in_error_ && key_ == Key::Code)
                message_.internal = internal;
            return Value(Kind::Integer);
        }

        /** A member's value (or a container's start) at the current depth. */
        bool Value(Kind kind) {
            /* A value that is not an object, where a message is due. */
            if (depth_ == 0 || (depth_ == 1 && batch_)) Fail("not a JSON-RPC 2.0 object", line_);
            if (depth_ == message_depth_ && key_ == Key::Error) {
                message_.error = true;
                message_.error_object = kind == Kind::Object;
                in_error_ = kind == Kind::Object;
            } else if (depth_ == message_depth_ + 1 && in_error_) {
                if (key_ == Key::Message) message_.text = kind == Kind::String;
                if (key_ == Key::Code) message_.code = kind == Kind::Integer;
                if (key_ == Key::Data) {
                    message_.data = kind == Kind::Object;
                    in_data_ = kind == Kind::Object;
                }
            } else if (depth_ == message_depth_ + 2 && in_data_ && key_ == Key::Code) {
                message_.data_code = kind == Kind::String;
            }
            if (depth_ == message_depth_ && key_ == Key::JsonRpc && kind != Kind::String)
                message_.jsonrpc = false;
            return true;
        }

        void EndMessage() {
            ++messages_;
            const Message& m = message_;
            if (!m.jsonrpc) Fail("not a JSON-RPC 2.0 object", line_);
            if (!batch_) response = m.id;
            if (m.method) return;
            if (!m.id) Fail("a response without id", line_);
            if (m.result == m.error) Fail("needs one of result, error", line_);
            if (!m.error) return;
            if (!m.error_object || !m.code || !m.text) Fail("malformed error", line_);
            if (m.internal) Fail("internal error: a daemon bug", line_);
            if (!m.data || !m.data_code) Fail("error without data.code", line_);
        }

        std::string_view line_;
        bool control_;
        bool batch_ = false;
        int depth_ = 0;
        int message_depth_ = -1;
        int messages_ = 0;
        Key key_ = Key::None;
        bool in_error_ = false;
        bool in_data_ = false;
        Message message_;
    };
};

class Harness {
  public:
    Harness() {
        const char* base = std::getenv("SCARLETTD_FUZZ_TMP");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/scarlettd-fuzz-XXXXXX";
        if (!mkdtemp(tmpl.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        dir_ = tmpl;
        initial_ = TestData::EveryKindControlSet();
        cards_.devices.push_back(
            TestData::MakeDevice(TestData::ScarlettIdentity(DEVICE_ID, "P9ABCDEF", 1), initial_));
        device_ = cards_.devices.back().fake;

        Options options;
        options.socket_dir = dir_ + "/sock";
        /* Small limits so that short inputs reach every limit path. */
        options.limits.max_line = 2048;
        options.limits.max_output = 8192;
        options.limits.max_subscriptions = 4;
        options.limits.max_clients = MAX_CLIENTS;
        cards_.Configure(options);
        Log::SetMaxLevel(Log::Level::Error);
        /* Internal errors of notifications are never answered; the log is where they
         * show. A request that fails outside any method (the daemon reserves that for
         * allocation failures) closes the client without an answer. */
        instance_ = std::make_unique<Instance>(std::move(options));
        /* The Instance sends the ipc layer's lines into the daemon's log. */
        Log::SetSink([](Log::Level, std::string_view line, const Log::Fields&) {
            if (line.find(": method ") != std::string_view::npos) Fail("a method threw", line);
            if (line.find("failed to process a request") != std::string_view::npos)
                Fail("a request failed outside every method", line);
        });
        instance_->Start();
        Pump();
    }

    ~Harness() {
        control_.Close();
        events_.Close();
        instance_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    void Run(std::string_view input) {
        control_.fd = Connect("control.sock");
        control_.control = true;
        Pump();
        bool eof = false;
        std::string chunk;
        size_t pos = 0;
        while (pos < input.size() && !eof) {
            size_t end = input.find('\n', pos);
            end = end == std::string_view::npos ? input.size() : end + 1;
            const std::string_view line = input.substr(pos, end - pos);
            pos = end;
            if (line.starts_with("#!")) {
                Send(chunk);
                chunk.clear();
                eof = Command(line.substr(2));
            } else {
                chunk.append(line);
            }
        }
        if (!eof) Send(chunk);
        /* Half-close: an unterminated last line is still processed. */
        if (control_.fd >= 0) shutdown(control_.fd, SHUT_WR);
        Pump();
        control_.Close();
        events_.Close();
        Pump();
        Reset();
    }

  private:
    int Connect(const char* name) {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        const std::string path = dir_ + "/sock/" + name;
        std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) {
            std::perror("connect");
            std::abort();
        }
        return fd;
    }

    /** Runs the loop until neither client has received anything for a few rounds and
     *  no card is still writing (on its own thread) what was asked. */
    void Pump() {
        int quiet = 0;
        for (int round = 0; round < 100000 && quiet < 3; ++round) {
            const bool writing = instance_->IsWriting();
            instance_->GetLoop().RunOnce(writing ? 1 : 0);
            quiet = control_.Drain() + events_.Drain() > 0 || writing ? 0 : quiet + 1;
        }
    }

    void Send(std::string_view bytes) {
        while (!bytes.empty() && control_.fd >= 0 && !control_.closed_by_daemon) {
            const ssize_t n =
                send(control_.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                bytes.remove_prefix(static_cast<size_t>(n));
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                break;
            }
            Pump();
        }
        Pump();
    }

    /** @return true when the rest of the input is to be dropped. */
    bool Command(std::string_view text) {
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
        unsigned numid = 0;
        long long value = 0;
        const std::string command(text);
        if (std::sscanf(command.c_str(), "ext %u %lld", &numid, &value) == 2) {
            for (const auto& c : initial_) {
                if (c.info.id.numid != numid) continue;
                Alsa::Value v = c.value;
                for (auto& n : v.numbers) n = value;
                for (auto& b : v.bytes) b = static_cast<uint8_t>(value);
                device_->ExternalSet(numid, v);
            }
        } else if (std::sscanf(command.c_str(), "info %u", &numid) == 1) {
            for (const auto& c : initial_) {
                if (c.info.id.numid != numid) continue;
                const bool flipped = toggled_.erase(numid) == 0;
                if (flipped) toggled_.insert(numid);
                device_->SetWritable(numid, flipped != c.info.access.write);
            }
        } else if (command == "unplug") {
            device_->Unplug();
        } else if (command == "replug") {
            device_->Replug();
            instance_->RescanNow();
        } else if (command == "events" && events_.fd < 0) {
            events_.fd = Connect("events.sock");
            events_.control = false;
        } else if (command == "crowd") {
            Crowd();
        } else if (command == "eof") {
            if (control_.fd >= 0) shutdown(control_.fd, SHUT_WR);
            Pump();
            return true;
        }
        Pump();
        return false;
    }

    /**
     * Fills the client limit: exactly the one connection over it gets one
     * limit.exceeded line and EOF. The harness's own clients count against the limit
     * unless the daemon already closed them (after an oversized line, say).
     */
    void Crowd() {
        const size_t held =
            static_cast<size_t>(control_.IsOpen()) + static_cast<size_t>(events_.IsOpen());
        std::vector<Peer> crowd(MAX_CLIENTS - std::min(held, MAX_CLIENTS) + 1);
        for (auto& peer : crowd) {
            peer.keep_last = true;
            peer.fd = Connect("control.sock");
            Pump();
            peer.Drain();
        }
        for (size_t i = 0; i < crowd.size(); ++i) {
            Pump();
            crowd[i].Drain();
            const bool last = i + 1 == crowd.size();
            if (crowd[i].closed_by_daemon != last)
                Fail(last ? "no connection was rejected over the client limit"
                          : "a connection within the client limit was rejected",
                     "held " + std::to_string(held) + ", crowd " + std::to_string(crowd.size()));
            if (last && crowd[i].last_response.value("error", json::object())
                                .value("data", json::object())
                                .value("code", json()) != "limit.exceeded")
                Fail("the rejected connection got no limit.exceeded line",
                     crowd[i].last_response.dump());
        }
        for (auto& peer : crowd) peer.Close();
        Pump();
    }

    /** Back to the initial device state, so that inputs reproduce on their own. */
    void Reset() {
        if (!device_->IsPresent()) {
            device_->Replug();
            instance_->RescanNow();
            Pump();
        }
        for (unsigned numid : toggled_)
            for (const auto& c : initial_)
                if (c.info.id.numid == numid) device_->SetWritable(numid, c.info.access.write);
        toggled_.clear();
        for (const auto& c : initial_) device_->ExternalSet(c.info.id.numid, c.value);
        Pump();
        /* A card closed while it still opened or wrote (an unplug under load) leaves its
         * thread to finish on its own; it frees the card when it does. A card of the
         * replug above may still be opening on its thread (Pump waits for writes, not
         * for opens), its new card half-way. Wait for both before the input ends, or
         * the leak check may see a card in flight. */
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        const auto settled = [&] {
            return CardIo::CountThreads() <= static_cast<int>(instance_->GetCardCount()) &&
                   !instance_->IsOpening() && !instance_->IsWriting();
        };
        while (!settled() && std::chrono::steady_clock::now() < give_up)
            instance_->GetLoop().RunOnce(1);
        if (!settled())
            Fail("a card's I/O thread did not end, or a card did not open",
                 std::to_string(CardIo::CountThreads()));

        /* Every connection of this input is gone: the count is back to just the probe. */
        Peer probe;
        probe.keep_last = true;
        probe.fd = Connect("control.sock");
        const std::string request = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"daemon.info\"}\n";
        if (send(probe.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size()))
            Fail("cannot send to the daemon", request);
        for (int round = 0; round < 100 && probe.last_response.is_null(); ++round) {
            instance_->GetLoop().RunOnce(0);
            probe.Drain();
        }
        const json clients =
            probe.last_response.value("result", json::object()).value("clients", json());
        if (clients != 1) Fail("connections left over after an input", probe.last_response.dump());
        probe.Close();
        Pump();
    }

    std::string dir_;
    std::vector<Alsa::Control> initial_;
    TestData::InMemoryCards cards_;
    std::shared_ptr<TestData::FakeDevice> device_;
    std::unique_ptr<Instance> instance_;
    std::set<unsigned> toggled_;
    Peer control_;
    Peer events_;
};

Harness* harness = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    harness = new Harness();
    std::atexit([] {
        delete harness;
        harness = nullptr;
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    harness->Run(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
