// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The simulator's wire protocol and shared-memory layout, shared by the simulator
 * process (scarlett-sim serve), its ALSA plugin and the hardware-action tool.
 *
 * Sockets (in Sim::SimDir(), all AF_UNIX SOCK_SEQPACKET, one message per datagram):
 *  - NAME.sock: ALSA plugin clients. Gone while the device is "unplugged".
 *  - NAME.ctl:  the tool (act, actions, info, hardware, power-cycle, unplug, replug).
 *               Stays while the simulator runs, so `replug` and `list` work while
 *               unplugged.
 *
 * A plugin client's life:
 *  1. connect(NAME.sock). The server sends a HelloMessage with three fds (SCM_RIGHTS):
 *     the definition memfd (sealed text: FormatState() of Device::Definition()), the
 *     state memfd (StateHeader below, mapped read-only) and the client's end of a
 *     socketpair that carries events. The event socket is the plugin's poll fd.
 *  2. Reads never talk to the server: values, access bits and meter levels come from
 *     the state memfd under a seqlock (StateHeader::sequence: odd while the server
 *     writes; a reader retries until it sees the same even value before and after).
 *  3. Writes and (un)subscribing are requests on the NAME.sock connection, answered
 *     by one ReplyMessage each (the errno of Device::Write, 0 on success). A client
 *     sends the next request only after the reply.
 *  4. For every change (any client's write, a hardware action, autogain finishing)
 *     the server first updates shared memory, then sends one EventRecord per changed
 *     control to every subscribed client's event socket (the writer's included, like
 *     the kernel), then replies to the writer. One record per datagram keeps the
 *     event socket readable exactly while events are queued, as a kernel ctl fd is.
 *     A value the driver reads from the device on every get (a volatile status)
 *     changes in shared memory only, without an event. When a client's event
 *     socket is full, its further events are coalesced per control (masks OR'ed,
 *     as the kernel's event queue does) until it drains.
 *  5. Unplug: the server sets StateHeader::unplugged in the memfd these clients
 *     mapped (reads then fail with -ENODEV without a syscall), closes both of every
 *     client's sockets (poll reports hang-up) and starts a fresh memfd for clients
 *     that connect after the replug; the device state itself is kept.
 *
 * Tool requests on NAME.ctl: a ToolRequest followed by text (Act: the words joined
 * by '\n'); the answer is a ReplyMessage followed by text (a message for errors).
 * The peer is the same user on the same host: all integers are host order.
 */

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace Sim::Wire {

inline constexpr std::uint32_t VERSION = 1;
inline constexpr std::uint32_t NO_METER = 0xffffffffu;
/** Enough for a request of any control and for the longest tool answer. */
inline constexpr std::size_t MAX_MESSAGE = 64 * 1024;

enum class Op : std::uint32_t {
    Hello = 1,        // server -> plugin, with three fds
    Subscribe = 2,    // plugin: argument 1 = subscribe, 0 = unsubscribe
    Write = 3,        // plugin: index, count, then count int64 values
    WriteBytes = 4,   // plugin: index, count, then count bytes
    Reply = 5,        // answer to any request
    Act = 6,          // tool: words
    Actions = 7,      // tool: the model's action help
    Info = 8,         // tool: "key value" lines about the instance
    Unplug = 9,       // tool
    Replug = 10,      // tool
    Hardware = 11,    // tool: Device::HardwareReport(), where the hardware differs
    PowerCycle = 12,  // tool: Device::PowerCycle() (1st Gen)
};

struct HelloMessage {
    Op op = Op::Hello;
    std::uint32_t version = VERSION;
    std::uint32_t definition_size = 0;     // bytes of text in the definition memfd
    std::uint32_t state_size = 0;          // bytes of the state memfd
    std::uint32_t meter_index = NO_METER;  // the volatile "Level Meter", computed by the plugin
    char id[16] = {};
    char driver[16] = {};
    char name[32] = {};
    char longname[80] = {};
    char mixername[80] = {};
};

struct Request {
    Op op{};
    std::uint32_t index = 0;  // control, or the Subscribe argument
    std::uint32_t count = 0;  // payload items (values or bytes)
    std::uint32_t reserved = 0;
    /* Write: std::int64_t values[count]; WriteBytes: unsigned char bytes[count]. */
};

struct ToolRequest {
    Op op{};
    std::uint32_t reserved = 0;
};

struct ReplyMessage {
    Op op = Op::Reply;
    std::int32_t error = 0;  // 0 or a negative errno
    /* Tool replies: text follows. */
};

struct EventRecord {
    std::uint32_t index = 0;  // into the definition's controls; numid = index + 1
    std::uint32_t mask = 0;   // SND_CTL_EVENT_MASK_VALUE | _INFO
};

inline constexpr std::uint32_t STATE_MAGIC = 0x53435353;  // "SCSS"
inline constexpr std::uint32_t SLOT_READABLE = 1;
inline constexpr std::uint32_t SLOT_WRITABLE = 2;

/*
 * The state memfd: StateHeader, then control_count ControlSlots, then the words. A
 * control's words: one int32 per value (BOOLEAN, INTEGER, ENUMERATED), two (low,
 * high) per INTEGER64 value, bytes packed four per word little-end first (BYTES,
 * IEC958). Meters: meter_count float bit patterns (dBFS, -inf = silence). Every
 * word is a std::atomic<uint32_t>, written only by the server.
 */
struct StateHeader {
    std::uint32_t magic;
    std::uint32_t version;
    std::atomic<std::uint32_t> sequence;
    std::atomic<std::uint32_t> unplugged;
    std::uint32_t control_count;
    std::uint32_t meter_count;
    std::uint32_t slots_offset;   // bytes from the start
    std::uint32_t words_offset;   // bytes from the start
    std::uint32_t meters_offset;  // bytes from the start
    std::uint32_t total_size;
};

struct ControlSlot {
    std::atomic<std::uint32_t> flags;  // SLOT_READABLE | SLOT_WRITABLE, live
    std::uint32_t type_words;          // words this control uses
    std::uint32_t first_word;          // index into the words
    std::uint32_t count;               // values or bytes
};

static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

/** Words a control of @p type ("INTEGER", "BYTES", ...) with @p count values needs. */
std::uint32_t WordsFor(const std::string& type, std::uint32_t count) noexcept;

/**
 * Sends one datagram with optional fds (SCM_RIGHTS), MSG_NOSIGNAL.
 * @return 0 or a negative errno (-EAGAIN on a full non-blocking socket).
 */
int SendMessage(int fd, std::span<const std::byte> data, std::span<const int> fds = {}) noexcept;

/**
 * Receives one datagram (up to MAX_MESSAGE bytes) and any fds it carries (as
 * O_CLOEXEC fds owned by the caller). @return its size, 0 at end of file, or a
 * negative errno. A truncated datagram is -EMSGSIZE.
 */
long ReceiveMessage(int fd, std::vector<std::byte>& data, std::vector<int>* fds = nullptr,
                    int flags = 0) noexcept;

/** Connects a SOCK_SEQPACKET | SOCK_CLOEXEC socket to @p path. @return fd or -errno. */
int ConnectTo(const std::string& path) noexcept;

/** The text of a tool reply (what follows the ReplyMessage). */
std::string ReplyText(std::span<const std::byte> message);

template <class T>
std::span<const std::byte> AsBytes(const T& value) noexcept {
    return std::as_bytes(std::span<const T, 1>(&value, 1));
}

}  // namespace Sim::Wire
