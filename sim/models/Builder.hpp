// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Internal helpers the per-driver generators share; not part of the public interface. */

#include <string>
#include <vector>

#include "sim/StateFile.hpp"
#include "sim/models/Models.hpp"

namespace Sim::ModelsDetail {

/** The kernel's SNDRV_CTL_TLVT_DB_SCALE, _DB_LINEAR and _DB_MINMAX. */
inline constexpr std::uint32_t TLV_DB_SCALE = 1;
inline constexpr std::uint32_t TLV_DB_LINEAR = 2;
inline constexpr std::uint32_t TLV_DB_MIN_MAX = 4;

/** Appends controls in creation order, numbering them from 1. */
class Builder {
  public:
    explicit Builder(std::string id) { block_.id = std::move(id); }

    StateControl& Add(std::string iface, std::string name, std::string type, unsigned count,
                      std::vector<std::string> access);
    StateControl& Bool(const std::string& name, bool value = false,
                       std::vector<std::string> access = {"read", "write"},
                       const std::string& iface = "MIXER");
    StateControl& Int(const std::string& name, long long min, long long max, long long value,
                      std::vector<std::string> access = {"read", "write"},
                      const std::string& iface = "MIXER", unsigned count = 1, long long step = 1);
    StateControl& Enum(const std::string& name, std::vector<std::string> items,
                       const std::string& value,
                       std::vector<std::string> access = {"read", "write"},
                       const std::string& iface = "MIXER");
    /** Gives an INTEGER control a DB_MINMAX TLV (1/100 dB) and the dB values alsactl writes. */
    static void DbMinMax(StateControl& control, long long db_min, long long db_max);

    StateBlock Take() { return std::move(block_); }

  private:
    StateBlock block_;
};

/** Recomputes comment.dbvalue.N of a DB_SCALE or DB_MINMAX control from its values. */
void UpdateDbValues(StateControl& control);

/** printf-style formatting for control names. */
std::string Format(const char* format, ...) __attribute__((format(printf, 1, 2)));

/** "A", "B", ... for mix bus @p index from 0. */
std::string MixLetter(unsigned index);

/* Internal view of a kernel era: the features the generators switch on. */
struct EraFeatures {
    bool firmware_controls = true;  // "Firmware Version" / "Minimum Firmware Version" (6.8+)
    long long mixer_max = 184;      // 172 (-80..+6 dB) up to 6.7 and in the Gen 4 preview
    bool standalone = true;         // "Standalone Switch" (5.18+)
    bool chmap_volatile = true;     // USB-audio's channel maps are volatile in recent kernels
    bool gen4_preview = false;      // Dec 2023 Gen 4 driver (linux-fcp fork) naming
    bool msd_always = false;        // that driver created "MSD Mode Switch" even with MSD off
    bool old_era = false;           // 5.14..5.17
    bool digital_mode = true;       // S/PDIF mode / Digital I/O mode / S/PDIF source (6.8+)
};
EraFeatures FeaturesOf(const KernelEra& era);

StateBlock GenerateScarlett2(const Model& model, const EraFeatures& era, bool msd_switch);
StateBlock GenerateGen1(const Model& model, const EraFeatures& era);
StateBlock GenerateFcp(const Model& model, const EraFeatures& era);

/** The generic UAC2 controls snd-usb-audio adds before the mixer quirk runs. */
struct UsbAudioParams {
    unsigned playback_channels = 0;
    unsigned capture_channels = 0;
    std::vector<std::string> clocks;  // clock source names; a selector when more than one
    std::string selector_name = "Clock Source Clock Source";
};
void AddUsbAudioControls(Builder& builder, const UsbAudioParams& params, const EraFeatures& era);

}  // namespace Sim::ModelsDetail
