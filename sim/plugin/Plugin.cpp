// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The ALSA external control plugin `scarlett_sim`: makes a running `scarlett-sim
 * serve` look like a sound card's control device (protocol in sim/server/Protocol.hpp).
 * Reads come from the shared state memfd without a round trip; writes and
 * (un)subscribing are requests; events arrive on a socket that is the poll fd.
 * alsa-lib calls these callbacks from one thread per handle, as it does for hw.
 */
#include <alsa/asoundlib.h>
#include <alsa/control_external.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/SimDir.hpp"
#include "sim/SndIface.hpp"
#include "sim/StateFile.hpp"
#include "sim/server/Protocol.hpp"

namespace {

using Sim::Wire::ControlSlot;
using Sim::Wire::StateHeader;
using Word = std::atomic<std::uint32_t>;

constexpr const char* DEFAULT_NAME = "scarlett-gen3-18i20";
/* SNDRV_CTL_ELEM_ACCESS_USER, which alsa-lib's public headers do not export. */
constexpr unsigned ACCESS_USER = 1u << 29;
constexpr std::uint32_t TLV_DB_MIN_MAX = 4;  // SNDRV_CTL_TLVT_DB_MINMAX

/* A word alsactl would not write is taken for MIXER, the iface of nearly every control. */
snd_ctl_elem_iface_t IfaceOf(const std::string& iface) {
    return Sim::SndIface(iface).value_or(SND_CTL_ELEM_IFACE_MIXER);
}

snd_ctl_elem_type_t TypeOf(const std::string& type) {
    if (type == "BOOLEAN") return SND_CTL_ELEM_TYPE_BOOLEAN;
    if (type == "INTEGER") return SND_CTL_ELEM_TYPE_INTEGER;
    if (type == "INTEGER64") return SND_CTL_ELEM_TYPE_INTEGER64;
    if (type == "ENUMERATED") return SND_CTL_ELEM_TYPE_ENUMERATED;
    if (type == "BYTES") return SND_CTL_ELEM_TYPE_BYTES;
    if (type == "IEC958") return SND_CTL_ELEM_TYPE_IEC958;
    return SND_CTL_ELEM_TYPE_NONE;
}

/* A 32-bit mix of its inputs, for the meters' jitter. */
std::uint32_t Hash(std::uint32_t a, std::uint32_t b) {
    std::uint32_t x = a * 0x9e3779b1u ^ (b + 0x7f4a7c15u + (a << 6) + (a >> 2));
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    return x ^ (x >> 16);
}

class SimCtl {
  public:
    snd_ctl_ext_t ext{};

    ~SimCtl() {
        if (state_ != nullptr) ::munmap(const_cast<void*>(state_), state_size_);
        if (request_fd_ >= 0) ::close(request_fd_);
        if (ext.poll_fd >= 0) ::close(ext.poll_fd);
    }

    /** @return 0 or a negative errno (with an SNDERR for the user). */
    int Connect(const std::string& name) {
        ext.poll_fd = -1;
        std::string path;
        try {
            path = Sim::SocketPath(name).string();
        } catch (const std::exception& error) {
            SNDERR("scarlett_sim: %s", error.what());
            return -EINVAL;
        }
        request_fd_ = Sim::Wire::ConnectTo(path);
        if (request_fd_ < 0) {
            const int error = request_fd_;
            std::error_code ignored;
            if ((error == -ENOENT || error == -ECONNREFUSED) &&
                std::filesystem::exists(Sim::ControlSocketPath(name), ignored))
                SNDERR(
                    "scarlett_sim: the simulated device %s is unplugged (scarlett-sim -d %s "
                    "replug)",
                    name.c_str(), name.c_str());
            else if (error == -ENOENT || error == -ECONNREFUSED)
                SNDERR(
                    "scarlett_sim: no simulator named %s is running; start one with: scarlett-sim "
                    "serve MODEL",
                    name.c_str());
            else
                SNDERR("scarlett_sim: cannot connect to %s: %s", path.c_str(),
                       std::strerror(-error));
            return error == -ENOENT || error == -ECONNREFUSED ? -ENODEV : error;
        }
        std::vector<std::byte> message;
        std::vector<int> fds;
        const long got = Sim::Wire::ReceiveMessage(request_fd_, message, &fds);
        Sim::Wire::HelloMessage hello;
        if (got < static_cast<long>(sizeof(hello)) || fds.size() != 3) {
            for (const int fd : fds) ::close(fd);
            SNDERR("scarlett_sim: %s did not greet (%s)", path.c_str(),
                   got < 0 ? std::strerror(-got) : "bad hello");
            return got < 0 ? static_cast<int>(got) : -EPROTO;
        }
        std::memcpy(&hello, message.data(), sizeof(hello));
        ext.poll_fd = fds[2];
        const int result = Load(hello, fds[0], fds[1]);
        ::close(fds[0]);
        ::close(fds[1]);
        if (result < 0) return result;

        std::memcpy(ext.id, hello.id, sizeof(ext.id));
        std::memcpy(ext.driver, hello.driver, sizeof(ext.driver));
        std::memcpy(ext.name, hello.name, sizeof(ext.name));
        std::memcpy(ext.longname, hello.longname, sizeof(ext.longname));
        std::memcpy(ext.mixername, hello.mixername, sizeof(ext.mixername));
        ext.id[sizeof(ext.id) - 1] = ext.driver[sizeof(ext.driver) - 1] =
            ext.name[sizeof(ext.name) - 1] = '\0';
        ext.longname[sizeof(ext.longname) - 1] = ext.mixername[sizeof(ext.mixername) - 1] = '\0';
        return 0;
    }

    /* ---- the ext callbacks ---- */

    int Count() const { return static_cast<int>(controls_.size()); }

    int List(unsigned offset, snd_ctl_elem_id_t* id) const {
        if (offset >= controls_.size()) return -EINVAL;
        const auto& control = controls_[offset];
        snd_ctl_elem_id_set_interface(id, IfaceOf(control.iface));
        snd_ctl_elem_id_set_name(id, control.name.c_str());
        snd_ctl_elem_id_set_index(id, control.index);
        snd_ctl_elem_id_set_device(id, control.device.value_or(0));
        snd_ctl_elem_id_set_subdevice(id, control.subdevice.value_or(0));
        return 0;
    }

    snd_ctl_ext_key_t Find(const snd_ctl_elem_id_t* id) const {
        const unsigned numid = snd_ctl_elem_id_get_numid(id);
        if (numid > 0) return numid <= controls_.size() ? numid - 1 : SND_CTL_EXT_KEY_NOT_FOUND;
        const auto found =
            by_id_.find({snd_ctl_elem_id_get_interface(id), snd_ctl_elem_id_get_name(id),
                         snd_ctl_elem_id_get_index(id), snd_ctl_elem_id_get_device(id),
                         snd_ctl_elem_id_get_subdevice(id)});
        return found == by_id_.end() ? SND_CTL_EXT_KEY_NOT_FOUND : found->second;
    }

    int Attribute(snd_ctl_ext_key_t key, int* type, unsigned* access, unsigned* count) const {
        if (key >= controls_.size()) return -ENOENT;
        const auto& control = controls_[key];
        *type = TypeOf(control.type);
        *count = control.count;
        unsigned bits = 0;
        for (const auto& word : control.access) {
            if (word == "volatile")
                bits |= SND_CTL_EXT_ACCESS_VOLATILE;
            else if (word == "inactive")
                bits |= SND_CTL_EXT_ACCESS_INACTIVE;
            else if (word == "user")
                bits |= ACCESS_USER;
        }
        if (!control.tlv.empty())
            bits |= SND_CTL_EXT_ACCESS_TLV_READ | SND_CTL_EXT_ACCESS_TLV_CALLBACK;
        std::uint32_t flags = 0;
        if (!Snapshot([&] { flags = Slot(key).flags.load(std::memory_order_relaxed); }))
            return -ENODEV;
        if ((flags & Sim::Wire::SLOT_READABLE) != 0) bits |= SND_CTL_EXT_ACCESS_READ;
        if ((flags & Sim::Wire::SLOT_WRITABLE) != 0) bits |= SND_CTL_EXT_ACCESS_WRITE;
        *access = bits;
        return 0;
    }

    int IntegerInfo(snd_ctl_ext_key_t key, long* min, long* max, long* step) const {
        if (key >= controls_.size()) return -ENOENT;
        const auto& range = controls_[key].range;
        *min = range ? static_cast<long>(range->min) : 0;
        *max = range ? static_cast<long>(range->max) : 0;
        *step = range ? static_cast<long>(range->step) : 0;
        return 0;
    }

    int Integer64Info(snd_ctl_ext_key_t key, int64_t* min, int64_t* max, int64_t* step) const {
        long a = 0, b = 0, c = 0;
        const int error = IntegerInfo(key, &a, &b, &c);
        *min = a;
        *max = b;
        *step = c;
        return error;
    }

    int EnumInfo(snd_ctl_ext_key_t key, unsigned* items) const {
        if (key >= controls_.size()) return -ENOENT;
        *items = static_cast<unsigned>(controls_[key].items.size());
        return 0;
    }

    int EnumName(snd_ctl_ext_key_t key, unsigned item, char* name, size_t max) const {
        if (key >= controls_.size() || item >= controls_[key].items.size()) return -EINVAL;
        std::snprintf(name, max, "%s", controls_[key].items[item].c_str());
        return 0;
    }

    template <class T>
    int ReadValues(snd_ctl_ext_key_t key, T* out) const {
        if (key >= controls_.size()) return -ENOENT;
        if (key == meter_index_) return ReadMeter(key, out);
        const auto& slot = Slot(key);
        const Word* words = Words() + slot.first_word;
        const bool wide = controls_[key].type == "INTEGER64";
        std::uint32_t flags = 0;
        const bool ok = Snapshot([&] {
            flags = slot.flags.load(std::memory_order_relaxed);
            for (std::uint32_t v = 0; v < slot.count; ++v) {
                if (wide) {
                    const std::uint64_t low = words[2 * v].load(std::memory_order_relaxed);
                    const std::uint64_t high = words[2 * v + 1].load(std::memory_order_relaxed);
                    out[v] = static_cast<T>(static_cast<std::int64_t>(low | high << 32));
                } else {
                    out[v] = static_cast<T>(
                        static_cast<std::int32_t>(words[v].load(std::memory_order_relaxed)));
                }
            }
        });
        if (!ok) return -ENODEV;
        return (flags & Sim::Wire::SLOT_READABLE) != 0 ? 0 : -EPERM;
    }

    int ReadBytes(snd_ctl_ext_key_t key, unsigned char* data, size_t max) const {
        if (key >= controls_.size()) return -ENOENT;
        const auto& slot = Slot(key);
        const Word* words = Words() + slot.first_word;
        std::uint32_t flags = 0;
        const bool ok = Snapshot([&] {
            flags = slot.flags.load(std::memory_order_relaxed);
            for (std::uint32_t b = 0; b < slot.count && b < max; ++b)
                data[b] = static_cast<unsigned char>(words[b / 4].load(std::memory_order_relaxed) >>
                                                     (8 * (b % 4)));
        });
        if (!ok) return -ENODEV;
        return (flags & Sim::Wire::SLOT_READABLE) != 0 ? 0 : -EPERM;
    }

    template <class T>
    int WriteValues(snd_ctl_ext_key_t key, const T* values) {
        if (key >= controls_.size()) return -ENOENT;
        const auto count = controls_[key].count;
        std::vector<std::byte> message(sizeof(Sim::Wire::Request) + count * sizeof(std::int64_t));
        Sim::Wire::Request request{Sim::Wire::Op::Write, static_cast<std::uint32_t>(key), count, 0};
        std::memcpy(message.data(), &request, sizeof(request));
        for (unsigned v = 0; v < count; ++v) {
            const auto value = static_cast<std::int64_t>(values[v]);
            std::memcpy(message.data() + sizeof(request) + v * sizeof(value), &value,
                        sizeof(value));
        }
        return Transact(message);
    }

    int WriteBytes(snd_ctl_ext_key_t key, const unsigned char* data) {
        if (key >= controls_.size()) return -ENOENT;
        const auto count = controls_[key].count;
        std::vector<std::byte> message(sizeof(Sim::Wire::Request) + count);
        Sim::Wire::Request request{Sim::Wire::Op::WriteBytes, static_cast<std::uint32_t>(key),
                                   count, 0};
        std::memcpy(message.data(), &request, sizeof(request));
        std::memcpy(message.data() + sizeof(request), data, count);
        return Transact(message);
    }

    void Subscribe(int subscribe) {
        Sim::Wire::Request request{Sim::Wire::Op::Subscribe, subscribe != 0 ? 1u : 0u, 0, 0};
        const auto bytes = Sim::Wire::AsBytes(request);
        (void)Transact({bytes.begin(), bytes.end()});
        if (subscribe == 0) {
            /* The kernel drops a handle's queued events when it unsubscribes. */
            std::vector<std::byte> discard;
            while (Sim::Wire::ReceiveMessage(ext.poll_fd, discard, nullptr, MSG_DONTWAIT) > 0) {
            }
        }
    }

    int ReadEvent(snd_ctl_elem_id_t* id, unsigned* mask) {
        if (IsUnplugged()) return -ENODEV;
        Sim::Wire::EventRecord record;
        ssize_t got;
        do {
            got = ::recv(ext.poll_fd, &record, sizeof(record), MSG_DONTWAIT);
        } while (got < 0 && errno == EINTR);
        if (got < 0) return errno == EAGAIN ? -EAGAIN : -ENODEV;
        if (got == 0) return -ENODEV;
        if (got != sizeof(record) || record.index >= controls_.size()) return -EAGAIN;
        snd_ctl_elem_id_set_numid(id, record.index + 1);
        List(record.index, id);
        *mask = record.mask;
        return 1;
    }

    int PollRevents(struct pollfd* pfds, unsigned nfds, unsigned short* revents) const {
        if (nfds != 1) return -EINVAL;
        unsigned short events = pfds->revents;
        /* A removed card reports an error, not readable data, whatever is still queued. */
        if ((events & (POLLHUP | POLLERR | POLLRDHUP)) != 0 || IsUnplugged())
            events = POLLERR | POLLHUP;
        *revents = events;
        return 0;
    }

    int Tlv(snd_ctl_ext_key_t key, int op_flag, unsigned* tlv, unsigned tlv_size) const {
        if (key >= controls_.size()) return -ENOENT;
        const auto& words = controls_[key].tlv;
        if (op_flag != 0) return -ENXIO;
        if (words.empty()) return -ENXIO;
        if (tlv_size < words.size() * sizeof(unsigned)) return -ENOMEM;
        std::copy(words.begin(), words.end(), tlv);
        return 0;
    }

  private:
    using IdKey = std::tuple<int, std::string, unsigned, unsigned, unsigned>;

    int Load(const Sim::Wire::HelloMessage& hello, int definition_fd, int state_fd) {
        if (hello.op != Sim::Wire::Op::Hello || hello.version != Sim::Wire::VERSION) {
            SNDERR("scarlett_sim: the simulator speaks another protocol version (%u)",
                   hello.version);
            return -EPROTO;
        }
        void* text =
            ::mmap(nullptr, hello.definition_size, PROT_READ, MAP_SHARED, definition_fd, 0);
        if (text == MAP_FAILED) return -errno;
        try {
            auto blocks = Sim::ParseState(
                std::string_view(static_cast<const char*>(text), hello.definition_size),
                "simulator");
            ::munmap(text, hello.definition_size);
            if (blocks.size() != 1) return -EPROTO;
            controls_ = std::move(blocks.front().controls);
        } catch (const std::exception& error) {
            ::munmap(text, hello.definition_size);
            SNDERR("scarlett_sim: bad definition: %s", error.what());
            return -EPROTO;
        }
        for (std::size_t i = 0; i < controls_.size(); ++i) {
            auto& control = controls_[i];
            /* Dumps from alsactl before 1.2 have dB limits but no TLV: describe them as one. */
            if (control.tlv.empty() && control.dbmin && control.dbmax)
                control.tlv = {TLV_DB_MIN_MAX, 2 * sizeof(std::uint32_t),
                               static_cast<std::uint32_t>(*control.dbmin),
                               static_cast<std::uint32_t>(*control.dbmax)};
            by_id_.emplace(IdKey{IfaceOf(control.iface), control.name, control.index,
                                 control.device.value_or(0), control.subdevice.value_or(0)},
                           i);
        }
        meter_index_ = hello.meter_index;

        state_size_ = hello.state_size;
        void* state = ::mmap(nullptr, state_size_, PROT_READ, MAP_SHARED, state_fd, 0);
        if (state == MAP_FAILED) return -errno;
        state_ = state;
        const auto& header = Header();
        if (header.magic != Sim::Wire::STATE_MAGIC || header.total_size > state_size_ ||
            header.control_count != controls_.size())
            return -EPROTO;
        return 0;
    }

    const StateHeader& Header() const { return *static_cast<const StateHeader*>(state_); }
    const ControlSlot& Slot(std::size_t key) const {
        return reinterpret_cast<const ControlSlot*>(static_cast<const char*>(state_) +
                                                    Header().slots_offset)[key];
    }
    const Word* Words() const {
        return reinterpret_cast<const Word*>(static_cast<const char*>(state_) +
                                             Header().words_offset);
    }
    const Word* Meters() const {
        return reinterpret_cast<const Word*>(static_cast<const char*>(state_) +
                                             Header().meters_offset);
    }
    bool IsUnplugged() const { return Header().unplugged.load(std::memory_order_acquire) != 0; }

    /* Runs @p copy until it saw no write in progress; false when the device is gone. */
    template <class F>
    bool Snapshot(F copy) const {
        const auto& sequence = Header().sequence;
        for (;;) {
            if (IsUnplugged()) return false;
            const auto before = sequence.load(std::memory_order_acquire);
            if ((before & 1) != 0) {
                sched_yield();
                continue;
            }
            copy();
            std::atomic_thread_fence(std::memory_order_acquire);
            if (sequence.load(std::memory_order_relaxed) == before) return true;
        }
    }

    /*
     * The level meter as the driver's raw 0..max scale, computed here from the
     * levels the simulator shares: the level plus a little time-based movement, so
     * meters look alive and the server needs no timer.
     */
    template <class T>
    int ReadMeter(snd_ctl_ext_key_t key, T* out) const {
        const auto& control = controls_[key];
        const double max = control.range ? static_cast<double>(control.range->max) : 4095.0;
        const double min = control.range ? static_cast<double>(control.range->min) : 0.0;
        const std::uint32_t count = std::min<std::uint32_t>(control.count, Header().meter_count);
        std::vector<float> levels(count);
        if (!Snapshot([&] {
                for (std::uint32_t i = 0; i < count; ++i)
                    levels[i] = std::bit_cast<float>(Meters()[i].load(std::memory_order_relaxed));
            }))
            return -ENODEV;
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        const double seconds =
            static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
        const auto tick = static_cast<std::uint32_t>(now.tv_sec * 20 + now.tv_nsec / 50000000);
        for (std::uint32_t i = 0; i < control.count; ++i) {
            if (i >= count || !std::isfinite(levels[i])) {
                out[i] = static_cast<T>(min);
                continue;
            }
            const double jitter = static_cast<double>(Hash(tick, i) % 1000) / 1000.0 - 0.5;
            const double db = std::min(0.0, levels[i] + 1.5 * std::sin(seconds * 2.1 + i) + jitter);
            out[i] =
                static_cast<T>(std::lround(std::clamp(max * std::pow(10.0, db / 20.0), min, max)));
        }
        return 0;
    }

    /* One request, one reply. @return the simulator's answer, or -ENODEV once it is gone. */
    int Transact(const std::vector<std::byte>& message) {
        if (request_fd_ < 0 || IsUnplugged()) return -ENODEV;
        if (Sim::Wire::SendMessage(request_fd_, message) < 0) return Gone();
        std::vector<std::byte> answer;
        const long got = Sim::Wire::ReceiveMessage(request_fd_, answer);
        if (got < static_cast<long>(sizeof(Sim::Wire::ReplyMessage))) return Gone();
        Sim::Wire::ReplyMessage reply;
        std::memcpy(&reply, answer.data(), sizeof(reply));
        return reply.error;
    }

    int Gone() {
        ::close(request_fd_);
        request_fd_ = -1;
        return -ENODEV;
    }

    int request_fd_ = -1;
    const void* state_ = nullptr;
    std::size_t state_size_ = 0;
    std::vector<Sim::StateControl> controls_;
    std::map<IdKey, std::size_t> by_id_;
    std::uint32_t meter_index_ = Sim::Wire::NO_METER;
};

SimCtl& Self(snd_ctl_ext_t* ext) {
    return *static_cast<SimCtl*>(ext->private_data);
}

/* C callers: no exception may leave a callback. */
template <class F>
int Guard(F body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return -ENOMEM;
    } catch (...) {
        return -EIO;
    }
}

void OnClose(snd_ctl_ext_t* ext) {
    delete &Self(ext);
}
int OnCount(snd_ctl_ext_t* ext) {
    return Self(ext).Count();
}
int OnList(snd_ctl_ext_t* ext, unsigned offset, snd_ctl_elem_id_t* id) {
    return Self(ext).List(offset, id);
}
snd_ctl_ext_key_t OnFind(snd_ctl_ext_t* ext, const snd_ctl_elem_id_t* id) {
    try {
        return Self(ext).Find(id);
    } catch (...) {
        return SND_CTL_EXT_KEY_NOT_FOUND;
    }
}
int OnAttribute(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int* type, unsigned* access,
                unsigned* count) {
    return Self(ext).Attribute(key, type, access, count);
}
int OnIntegerInfo(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* min, long* max, long* step) {
    return Self(ext).IntegerInfo(key, min, max, step);
}
int OnInteger64Info(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int64_t* min, int64_t* max,
                    int64_t* step) {
    return Self(ext).Integer64Info(key, min, max, step);
}
int OnEnumInfo(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
    return Self(ext).EnumInfo(key, items);
}
int OnEnumName(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned item, char* name, size_t max) {
    return Self(ext).EnumName(key, item, name, max);
}
int OnReadInteger(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* value) {
    return Guard([&] { return Self(ext).ReadValues(key, value); });
}
int OnReadInteger64(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int64_t* value) {
    return Guard([&] { return Self(ext).ReadValues(key, value); });
}
int OnReadEnum(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
    return Guard([&] { return Self(ext).ReadValues(key, items); });
}
int OnReadBytes(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned char* data, size_t max) {
    return Self(ext).ReadBytes(key, data, max);
}
int OnWriteInteger(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, long* value) {
    return Guard([&] { return Self(ext).WriteValues(key, value); });
}
int OnWriteInteger64(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int64_t* value) {
    return Guard([&] { return Self(ext).WriteValues(key, value); });
}
int OnWriteEnum(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned* items) {
    return Guard([&] { return Self(ext).WriteValues(key, items); });
}
int OnWriteBytes(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, unsigned char* data, size_t) {
    return Guard([&] { return Self(ext).WriteBytes(key, data); });
}
void OnSubscribe(snd_ctl_ext_t* ext, int subscribe) {
    (void)Guard([&] {
        Self(ext).Subscribe(subscribe);
        return 0;
    });
}
int OnReadEvent(snd_ctl_ext_t* ext, snd_ctl_elem_id_t* id, unsigned* mask) {
    return Self(ext).ReadEvent(id, mask);
}
int OnPollRevents(snd_ctl_ext_t* ext, struct pollfd* pfds, unsigned nfds, unsigned short* revents) {
    return Self(ext).PollRevents(pfds, nfds, revents);
}
int OnTlv(snd_ctl_ext_t* ext, snd_ctl_ext_key_t key, int op_flag, unsigned, unsigned* tlv,
          unsigned tlv_size) {
    return Self(ext).Tlv(key, op_flag, tlv, tlv_size);
}

constexpr snd_ctl_ext_callback_t CALLBACKS = {
    .close = OnClose,
    .elem_count = OnCount,
    .elem_list = OnList,
    .find_elem = OnFind,
    .free_key = nullptr,
    .get_attribute = OnAttribute,
    .get_integer_info = OnIntegerInfo,
    .get_integer64_info = OnInteger64Info,
    .get_enumerated_info = OnEnumInfo,
    .get_enumerated_name = OnEnumName,
    .read_integer = OnReadInteger,
    .read_integer64 = OnReadInteger64,
    .read_enumerated = OnReadEnum,
    .read_bytes = OnReadBytes,
    .read_iec958 = nullptr,
    .write_integer = OnWriteInteger,
    .write_integer64 = OnWriteInteger64,
    .write_enumerated = OnWriteEnum,
    .write_bytes = OnWriteBytes,
    .write_iec958 = nullptr,
    .subscribe_events = OnSubscribe,
    .read_event = OnReadEvent,
    .poll_descriptors_count = nullptr,
    .poll_descriptors = nullptr,
    .poll_revents = OnPollRevents,
};

}  // namespace

/* Built with hidden visibility: only the entry point and its version tag are exported. */
#pragma GCC visibility push(default)
extern "C" {

SND_CTL_PLUGIN_DEFINE_FUNC(scarlett_sim) {
    (void)root;
    std::string instance = DEFAULT_NAME;
    snd_config_iterator_t i, next;
    snd_config_for_each(i, next, conf) {
        snd_config_t* node = snd_config_iterator_entry(i);
        const char* id;
        if (snd_config_get_id(node, &id) < 0) continue;
        if (std::strcmp(id, "comment") == 0 || std::strcmp(id, "type") == 0 ||
            std::strcmp(id, "hint") == 0)
            continue;
        if (std::strcmp(id, "name") == 0) {
            const char* value;
            if (snd_config_get_string(node, &value) < 0) {
                SNDERR("scarlett_sim: name must be a string");
                return -EINVAL;
            }
            instance = value;
            continue;
        }
        SNDERR("scarlett_sim: unknown field %s", id);
        return -EINVAL;
    }

    return Guard([&] {
        auto* ctl = new SimCtl;
        if (const int error = ctl->Connect(instance); error < 0) {
            delete ctl;
            return error;
        }
        ctl->ext.version = SND_CTL_EXT_VERSION;
        ctl->ext.card_idx = -1;
        ctl->ext.callback = &CALLBACKS;
        ctl->ext.private_data = ctl;
        ctl->ext.tlv.c = OnTlv;
        if (const int error = snd_ctl_ext_create(&ctl->ext, name, mode); error < 0) {
            delete ctl;
            return error;
        }
        *handlep = ctl->ext.handle;
        return 0;
    });
}

SND_CTL_PLUGIN_SYMBOL(scarlett_sim)

}  // extern "C"
#pragma GCC visibility pop
