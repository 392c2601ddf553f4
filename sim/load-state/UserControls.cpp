// SPDX-License-Identifier: GPL-3.0-or-later
#include "sim/load-state/UserControls.hpp"

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "sim/SndIface.hpp"

namespace Sim {

namespace {

// alsa-lib's name for the kernel's SNDRV_CTL_TLVT_DB_MINMAX: [type, 8, min, max] in 1/100 dB.
constexpr unsigned TLV_DB_MIN_MAX = SND_CTL_TLVT_DB_MINMAX;

std::optional<std::vector<unsigned char>> HexBytes(const std::string& hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::vector<unsigned char> out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        unsigned value = 0;
        for (size_t j = i; j < i + 2; ++j) {
            char c = hex[j];
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                value |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                value |= static_cast<unsigned>(c - 'A' + 10);
            else
                return std::nullopt;
        }
        out.push_back(static_cast<unsigned char>(value));
    }
    return out;
}

std::string ErrorText(int err) {
    return snd_strerror(err);
}

/** True when the dumped value equals what a fresh user control holds (all zero). */
bool IsInitialValue(const StateControl& control) {
    for (const auto& value : control.values) {
        if (control.type == "ENUMERATED") {
            if (control.items.empty() || value != control.items[0]) return false;
        } else if (control.type == "BYTES" || control.type == "IEC958") {
            if (value.find_first_not_of('0') != std::string::npos) return false;
        } else if (value != "0" && value != "false") {
            return false;
        }
    }
    return true;
}

class Loader {
  public:
    explicit Loader(const std::string& card) {
        snd_ctl_t* ctl = nullptr;
        int err = snd_ctl_open(&ctl, card.c_str(), 0);
        if (err < 0) throw std::runtime_error("cannot open " + card + ": " + ErrorText(err));
        ctl_.reset(ctl);
        snd_ctl_elem_info_malloc(&info_);
        snd_ctl_elem_value_malloc(&value_);
        snd_ctl_elem_id_malloc(&id_);
        if (!info_ || !value_ || !id_) throw std::bad_alloc();
    }
    ~Loader() {
        snd_ctl_elem_info_free(info_);
        snd_ctl_elem_value_free(value_);
        snd_ctl_elem_id_free(id_);
    }
    Loader(const Loader&) = delete;
    Loader& operator=(const Loader&) = delete;

    void Load(const StateControl& control, LoadResult& result) {
        std::string what = control.Describe();
        auto skip = [&](const std::string& reason) { result.skipped.emplace_back(what, reason); };
        auto iface = SndIface(control.iface);
        if (!iface) return skip("unknown iface " + control.iface);
        if (control.count == 0) return skip("count 0");

        snd_ctl_elem_info_clear(info_);
        snd_ctl_elem_info_set_interface(info_, *iface);
        snd_ctl_elem_info_set_name(info_, control.name.c_str());
        snd_ctl_elem_info_set_index(info_, control.index);
        snd_ctl_elem_info_set_device(info_, control.device.value_or(0));
        snd_ctl_elem_info_set_subdevice(info_, control.subdevice.value_or(0));
        bool writable = control.HasAccess("write");
        snd_ctl_elem_info_set_read_write(info_, 1, writable ? 1 : 0);
        if (control.HasAccess("inactive")) snd_ctl_elem_info_set_inactive(info_, 1);
        std::vector<unsigned> tlv = TlvFor(control);
        // The kernel grants TLV read once a TLV has been written.
        if (!tlv.empty()) snd_ctl_elem_info_set_tlv_read_write(info_, 0, 1);

        int err = Add(control, skip);
        if (err == 1) return;  // skipped with a reason already
        // alsa-lib writes an initial value after adding integers; a read-only
        // element refuses that write although the element now exists.
        if (err == -EPERM && !writable) err = 0;
        if (err == -EBUSY) return skip("exists on the card");
        if (err < 0) return skip(ErrorText(err));
        ++result.created;
        if (control.HasAccess("volatile")) ++result.dropped_volatile;
        if (control.HasAccess("locked")) ++result.dropped_locked;
        snd_ctl_elem_info_get_id(info_, id_);
        // The kernel locks a new user element for the file that added it and unlocks it
        // silently (no event) when that file is closed: unlock at once, so that readers
        // never cache a lock that vanishes without notice.
        err = snd_ctl_elem_unlock(ctl_.get(), id_);
        if (err < 0) result.warnings.emplace_back(what, "unlock: " + ErrorText(err));

        if (!tlv.empty()) {
            err = snd_ctl_elem_tlv_write(ctl_.get(), id_, tlv.data());
            if (err < 0)
                result.warnings.emplace_back(what, "TLV write: " + ErrorText(err));
            else
                ++result.tlvs_written;
        }
        if (!writable) {
            if (!IsInitialValue(control)) ++result.read_only_unset;
            return;
        }
        std::string problem = WriteValue(control);
        if (!problem.empty()) result.warnings.emplace_back(what, problem);
    }

  private:
    static std::vector<unsigned> TlvFor(const StateControl& control) {
        if (!control.tlv.empty()) return {control.tlv.begin(), control.tlv.end()};
        if (control.dbmin && control.dbmax)
            return {TLV_DB_MIN_MAX, 2 * sizeof(unsigned),
                    static_cast<unsigned>(static_cast<int>(*control.dbmin)),
                    static_cast<unsigned>(static_cast<int>(*control.dbmax))};
        return {};
    }

    /** alsa-lib's add for the type; 1 when skipped (reason given). */
    template <typename Skip>
    int Add(const StateControl& control, Skip& skip) {
        snd_ctl_t* ctl = ctl_.get();
        const std::string& type = control.type;
        if (type == "BOOLEAN") return snd_ctl_add_boolean_elem_set(ctl, info_, 1, control.count);
        if (type == "INTEGER" || type == "INTEGER64") {
            if (!control.range) return skip("no range in the dump"), 1;
            const StateRange& r = *control.range;
            if (type == "INTEGER")
                return snd_ctl_add_integer_elem_set(ctl, info_, 1, control.count, r.min, r.max,
                                                    r.step);
            return snd_ctl_add_integer64_elem_set(ctl, info_, 1, control.count, r.min, r.max,
                                                  r.step);
        }
        if (type == "ENUMERATED") {
            if (control.items.empty()) return skip("no items in the dump"), 1;
            std::vector<const char*> labels;
            for (const auto& item : control.items) labels.push_back(item.c_str());
            return snd_ctl_add_enumerated_elem_set(
                ctl, info_, 1, control.count, static_cast<unsigned>(labels.size()), labels.data());
        }
        if (type == "BYTES") return snd_ctl_add_bytes_elem_set(ctl, info_, 1, control.count);
        if (type == "IEC958") {
            snd_ctl_elem_info_get_id(info_, id_);
            int err = snd_ctl_elem_add_iec958(ctl, id_);
            if (err >= 0) {
                // The iec958 add takes an id, not info: look the element up again.
                snd_ctl_elem_info_set_id(info_, id_);
                err = snd_ctl_elem_info(ctl, info_);
            }
            return err;
        }
        return skip("unsupported type '" + type + "'"), 1;
    }

    /** Empty on success, else what went wrong. */
    std::string WriteValue(const StateControl& control) {
        snd_ctl_elem_value_clear(value_);
        snd_ctl_elem_value_set_id(value_, id_);
        const std::string& type = control.type;
        if (type == "BYTES" || type == "IEC958") {
            if (control.values.size() != 1) return "no value in the dump";
            auto bytes = HexBytes(control.values[0]);
            if (!bytes) return "bad hex value";
            if (type == "BYTES") {
                if (bytes->size() != control.count) return "value has the wrong length";
                snd_ctl_elem_set_bytes(value_, bytes->data(), bytes->size());
            } else {
                snd_aes_iec958_t iec958{};
                std::memcpy(&iec958, bytes->data(), std::min(bytes->size(), sizeof iec958));
                snd_ctl_elem_value_set_iec958(value_, &iec958);
            }
        } else {
            if (control.values.size() != control.count)
                return "dump has " + std::to_string(control.values.size()) + " values for count " +
                       std::to_string(control.count);
            for (unsigned i = 0; i < control.count; ++i) {
                const std::string& text = control.values[i];
                if (type == "BOOLEAN") {
                    snd_ctl_elem_value_set_boolean(value_, i, text == "true");
                } else if (type == "INTEGER") {
                    snd_ctl_elem_value_set_integer(value_, i, std::stol(text));
                } else if (type == "INTEGER64") {
                    snd_ctl_elem_value_set_integer64(value_, i, std::stoll(text));
                } else {
                    auto found = std::find(control.items.begin(), control.items.end(), text);
                    if (found == control.items.end()) return "unknown item '" + text + "'";
                    snd_ctl_elem_value_set_enumerated(
                        value_, i, static_cast<unsigned>(found - control.items.begin()));
                }
            }
        }
        int err = snd_ctl_elem_write(ctl_.get(), value_);
        return err < 0 ? "value write: " + ErrorText(err) : "";
    }

    struct CtlClose {
        void operator()(snd_ctl_t* ctl) const { snd_ctl_close(ctl); }
    };
    std::unique_ptr<snd_ctl_t, CtlClose> ctl_;
    snd_ctl_elem_info_t* info_ = nullptr;
    snd_ctl_elem_value_t* value_ = nullptr;
    snd_ctl_elem_id_t* id_ = nullptr;
};

}  // namespace

std::string LoadResult::Summary() const {
    std::string out =
        "created " + std::to_string(created) + ", skipped " + std::to_string(skipped.size());
    if (!skipped.empty()) {
        std::map<std::string, unsigned> reasons;
        for (const auto& entry : skipped) ++reasons[entry.second];
        std::string list;
        for (const auto& [reason, count] : reasons)
            list += (list.empty() ? "" : ", ") + reason + ": " + std::to_string(count);
        out += " (" + list + ")";
    }
    if (!warnings.empty()) out += ", " + std::to_string(warnings.size()) + " warnings";
    if (dropped_volatile) out += "; volatile dropped on " + std::to_string(dropped_volatile);
    if (dropped_locked) out += "; locked dropped on " + std::to_string(dropped_locked);
    if (read_only_unset)
        out += "; " + std::to_string(read_only_unset) + " read-only keep the initial zero value";
    out += "; " + std::to_string(tlvs_written) + " TLVs";
    char seconds_text[32];
    std::snprintf(seconds_text, sizeof seconds_text, "; %.2f s", seconds);
    return out + seconds_text;
}

LoadResult LoadBlock(const std::string& card, const StateBlock& block) {
    auto start = std::chrono::steady_clock::now();
    LoadResult result;
    Loader loader(card);
    for (const auto& control : block.controls) loader.Load(control, result);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace Sim
