// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <alsa/asoundlib.h>
#include <alsa/control_external.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/plugin/StateView.hpp"
#include "sim/server/Protocol.hpp"

namespace Sim::Plugin {

/**
 * One opened `scarlett_sim` control handle: the connection to a running simulator,
 * its controls (the definition it shares) and the snd_ctl_ext callbacks' work.
 * alsa-lib calls these from one thread per handle, as it does for hw.
 */
class SimCtl {
  public:
    snd_ctl_ext_t ext{};

    ~SimCtl();

    /** @return 0 or a negative errno (with an SNDERR for the user). */
    int Connect(const std::string& name);

    /* ---- the ext callbacks ---- */

    int Count() const { return static_cast<int>(controls_.size()); }
    int List(unsigned offset, snd_ctl_elem_id_t* id) const;
    snd_ctl_ext_key_t Find(const snd_ctl_elem_id_t* id) const;
    int Attribute(snd_ctl_ext_key_t key, int* type, unsigned* access, unsigned* count) const;
    int IntegerInfo(snd_ctl_ext_key_t key, long* min, long* max, long* step) const;
    int Integer64Info(snd_ctl_ext_key_t key, int64_t* min, int64_t* max, int64_t* step) const;
    int EnumInfo(snd_ctl_ext_key_t key, unsigned* items) const;
    int EnumName(snd_ctl_ext_key_t key, unsigned item, char* name, size_t max) const;

    template <class T>
    int ReadValues(snd_ctl_ext_key_t key, T* out) const {
        if (key >= controls_.size()) return -ENOENT;
        if (key == meter_index_) {
            std::vector<double> readings;
            if (!view_.ReadMeter(controls_[key], readings)) return -ENODEV;
            for (std::size_t i = 0; i < readings.size(); ++i) out[i] = static_cast<T>(readings[i]);
            return 0;
        }
        return view_.ReadValues(key, controls_[key].type == "INTEGER64", out);
    }
    int ReadBytes(snd_ctl_ext_key_t key, unsigned char* data, size_t max) const;

    template <class T>
    int WriteValues(snd_ctl_ext_key_t key, const T* values) {
        if (key >= controls_.size()) return -ENOENT;
        const auto count = controls_[key].count;
        std::vector<std::byte> message(sizeof(Wire::Request) + count * sizeof(std::int64_t));
        Wire::Request request{Wire::Op::Write, static_cast<std::uint32_t>(key), count, 0};
        std::memcpy(message.data(), &request, sizeof(request));
        for (unsigned v = 0; v < count; ++v) {
            const auto value = static_cast<std::int64_t>(values[v]);
            std::memcpy(message.data() + sizeof(request) + v * sizeof(value), &value,
                        sizeof(value));
        }
        return Transact(message);
    }
    int WriteBytes(snd_ctl_ext_key_t key, const unsigned char* data);

    void Subscribe(int subscribe);
    int ReadEvent(snd_ctl_elem_id_t* id, unsigned* mask);
    int PollRevents(struct pollfd* pfds, unsigned nfds, unsigned short* revents) const;
    int Tlv(snd_ctl_ext_key_t key, int op_flag, unsigned* tlv, unsigned tlv_size) const;

  private:
    using IdKey = std::tuple<int, std::string, unsigned, unsigned, unsigned>;

    int Load(const Wire::HelloMessage& hello, int definition_fd, int state_fd);
    /* One request, one reply. @return the simulator's answer, or -ENODEV once it is gone. */
    int Transact(const std::vector<std::byte>& message);
    int Gone();

    int request_fd_ = -1;
    StateView view_;
    std::vector<StateControl> controls_;
    std::map<IdKey, std::size_t> by_id_;
    std::uint32_t meter_index_ = Wire::NO_METER;
};

}  // namespace Sim::Plugin
