// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/plugin/SimCtl.hpp"

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "sim/SimDir.hpp"
#include "sim/SndIface.hpp"

namespace Sim::Plugin {

namespace {

/* SNDRV_CTL_ELEM_ACCESS_USER, which alsa-lib's public headers do not export. */
constexpr unsigned ACCESS_USER = 1u << 29;
constexpr std::uint32_t TLV_DB_MIN_MAX = 4;  // SNDRV_CTL_TLVT_DB_MINMAX

/* A word alsactl would not write is taken for MIXER, the iface of nearly every control. */
snd_ctl_elem_iface_t IfaceOf(const std::string& iface) {
    return SndIface(iface).value_or(SND_CTL_ELEM_IFACE_MIXER);
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

}  // namespace

SimCtl::~SimCtl() {
    if (request_fd_ >= 0) ::close(request_fd_);
    if (ext.poll_fd >= 0) ::close(ext.poll_fd);
}

int SimCtl::Connect(const std::string& name) {
    ext.poll_fd = -1;
    std::string path;
    try {
        path = Sim::SocketPath(name).string();
    } catch (const std::exception& error) {
        SNDERR("scarlett_sim: %s", error.what());
        return -EINVAL;
    }
    request_fd_ = Wire::ConnectTo(path);
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
            SNDERR("scarlett_sim: cannot connect to %s: %s", path.c_str(), std::strerror(-error));
        return error == -ENOENT || error == -ECONNREFUSED ? -ENODEV : error;
    }
    std::vector<std::byte> message;
    std::vector<int> fds;
    const long got = Wire::ReceiveMessage(request_fd_, message, &fds);
    Wire::HelloMessage hello;
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

int SimCtl::List(unsigned offset, snd_ctl_elem_id_t* id) const {
    if (offset >= controls_.size()) return -EINVAL;
    const auto& control = controls_[offset];
    snd_ctl_elem_id_set_interface(id, IfaceOf(control.iface));
    snd_ctl_elem_id_set_name(id, control.name.c_str());
    snd_ctl_elem_id_set_index(id, control.index);
    snd_ctl_elem_id_set_device(id, control.device.value_or(0));
    snd_ctl_elem_id_set_subdevice(id, control.subdevice.value_or(0));
    return 0;
}

snd_ctl_ext_key_t SimCtl::Find(const snd_ctl_elem_id_t* id) const {
    const unsigned numid = snd_ctl_elem_id_get_numid(id);
    if (numid > 0) return numid <= controls_.size() ? numid - 1 : SND_CTL_EXT_KEY_NOT_FOUND;
    const auto found = by_id_.find({snd_ctl_elem_id_get_interface(id), snd_ctl_elem_id_get_name(id),
                                    snd_ctl_elem_id_get_index(id), snd_ctl_elem_id_get_device(id),
                                    snd_ctl_elem_id_get_subdevice(id)});
    return found == by_id_.end() ? SND_CTL_EXT_KEY_NOT_FOUND : found->second;
}

int SimCtl::Attribute(snd_ctl_ext_key_t key, int* type, unsigned* access, unsigned* count) const {
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
    if (!control.tlv.empty()) bits |= SND_CTL_EXT_ACCESS_TLV_READ | SND_CTL_EXT_ACCESS_TLV_CALLBACK;
    std::uint32_t flags = 0;
    if (!view_.Flags(key, flags)) return -ENODEV;
    if ((flags & Wire::SLOT_READABLE) != 0) bits |= SND_CTL_EXT_ACCESS_READ;
    if ((flags & Wire::SLOT_WRITABLE) != 0) bits |= SND_CTL_EXT_ACCESS_WRITE;
    *access = bits;
    return 0;
}

int SimCtl::IntegerInfo(snd_ctl_ext_key_t key, long* min, long* max, long* step) const {
    if (key >= controls_.size()) return -ENOENT;
    const auto& range = controls_[key].range;
    *min = range ? static_cast<long>(range->min) : 0;
    *max = range ? static_cast<long>(range->max) : 0;
    *step = range ? static_cast<long>(range->step) : 0;
    return 0;
}

int SimCtl::Integer64Info(snd_ctl_ext_key_t key, int64_t* min, int64_t* max, int64_t* step) const {
    long a = 0, b = 0, c = 0;
    const int error = IntegerInfo(key, &a, &b, &c);
    *min = a;
    *max = b;
    *step = c;
    return error;
}

int SimCtl::EnumInfo(snd_ctl_ext_key_t key, unsigned* items) const {
    if (key >= controls_.size()) return -ENOENT;
    *items = static_cast<unsigned>(controls_[key].items.size());
    return 0;
}

int SimCtl::EnumName(snd_ctl_ext_key_t key, unsigned item, char* name, size_t max) const {
    if (key >= controls_.size() || item >= controls_[key].items.size()) return -EINVAL;
    std::snprintf(name, max, "%s", controls_[key].items[item].c_str());
    return 0;
}

int SimCtl::ReadBytes(snd_ctl_ext_key_t key, unsigned char* data, size_t max) const {
    if (key >= controls_.size()) return -ENOENT;
    return view_.ReadBytes(key, data, max);
}

int SimCtl::WriteBytes(snd_ctl_ext_key_t key, const unsigned char* data) {
    if (key >= controls_.size()) return -ENOENT;
    const auto count = controls_[key].count;
    std::vector<std::byte> message(sizeof(Wire::Request) + count);
    Wire::Request request{Wire::Op::WriteBytes, static_cast<std::uint32_t>(key), count, 0};
    std::memcpy(message.data(), &request, sizeof(request));
    std::memcpy(message.data() + sizeof(request), data, count);
    return Transact(message);
}

void SimCtl::Subscribe(int subscribe) {
    Wire::Request request{Wire::Op::Subscribe, subscribe != 0 ? 1u : 0u, 0, 0};
    const auto bytes = Wire::AsBytes(request);
    (void)Transact({bytes.begin(), bytes.end()});
    if (subscribe == 0) {
        /* The kernel drops a handle's queued events when it unsubscribes. */
        std::vector<std::byte> discard;
        while (Wire::ReceiveMessage(ext.poll_fd, discard, nullptr, MSG_DONTWAIT) > 0) {
        }
    }
}

int SimCtl::ReadEvent(snd_ctl_elem_id_t* id, unsigned* mask) {
    if (view_.IsUnplugged()) return -ENODEV;
    Wire::EventRecord record;
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

int SimCtl::PollRevents(struct pollfd* pfds, unsigned nfds, unsigned short* revents) const {
    if (nfds != 1) return -EINVAL;
    unsigned short events = pfds->revents;
    /* A removed card reports an error, not readable data, whatever is still queued. */
    if ((events & (POLLHUP | POLLERR | POLLRDHUP)) != 0 || view_.IsUnplugged())
        events = POLLERR | POLLHUP;
    *revents = events;
    return 0;
}

int SimCtl::Tlv(snd_ctl_ext_key_t key, int op_flag, unsigned* tlv, unsigned tlv_size) const {
    if (key >= controls_.size()) return -ENOENT;
    const auto& words = controls_[key].tlv;
    if (op_flag != 0) return -ENXIO;
    if (words.empty()) return -ENXIO;
    if (tlv_size < words.size() * sizeof(unsigned)) return -ENOMEM;
    std::copy(words.begin(), words.end(), tlv);
    return 0;
}

int SimCtl::Load(const Wire::HelloMessage& hello, int definition_fd, int state_fd) {
    if (hello.op != Wire::Op::Hello || hello.version != Wire::VERSION) {
        SNDERR("scarlett_sim: the simulator speaks another protocol version (%u)", hello.version);
        return -EPROTO;
    }
    void* text = ::mmap(nullptr, hello.definition_size, PROT_READ, MAP_SHARED, definition_fd, 0);
    if (text == MAP_FAILED) return -errno;
    try {
        auto blocks = ParseState(
            std::string_view(static_cast<const char*>(text), hello.definition_size), "simulator");
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
    return view_.Map(state_fd, hello.state_size, controls_.size());
}

int SimCtl::Transact(const std::vector<std::byte>& message) {
    if (request_fd_ < 0 || view_.IsUnplugged()) return -ENODEV;
    if (Wire::SendMessage(request_fd_, message) < 0) return Gone();
    std::vector<std::byte> answer;
    const long got = Wire::ReceiveMessage(request_fd_, answer);
    if (got < static_cast<long>(sizeof(Wire::ReplyMessage))) return Gone();
    Wire::ReplyMessage reply;
    std::memcpy(&reply, answer.data(), sizeof(reply));
    return reply.error;
}

int SimCtl::Gone() {
    ::close(request_fd_);
    request_fd_ = -1;
    return -ENODEV;
}

}  // namespace Sim::Plugin
