// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The model database: for every Focusrite model the kernel drivers (and fcp-server)
 * support, the ALSA controls the driver creates, generated from the drivers' rules
 * (names, iface, types, counts, ranges, dB TLVs, enum items, access), not copied from
 * dumps. Pure C++, no libasound: the simulator, its plugin, the daemon's --simulate
 * and the model-vs-dump tests all use it.
 */

#include <string>
#include <string_view>
#include <vector>

#include "sim/StateFile.hpp"

namespace Sim {

enum class ModelFamily { Gen1, Gen2, Gen3, Gen4, Gen4Fcp, Clarett, ClarettPlus, Vocaster };

struct Model {
    std::string id;         // "scarlett-gen3-18i20": the fixtures' file names
    std::string name;       // "Scarlett 18i20 3rd Gen": what users call it
    std::string card_name;  // ALSA card name the driver gives ("Scarlett 18i20 USB")
    unsigned usb_vid = 0x1235;
    unsigned usb_pid = 0;
    ModelFamily family = ModelFamily::Gen3;
    std::string driver;  // "scarlett2", "fcp-server", "mixer_scarlett"
};

/** Every supported model, in a stable order (by family, then size). */
const std::vector<Model>& Models();

/** By id, or by name ignoring case and spaces ("Scarlett 18i20 3rd Gen"); nullptr if none. */
const Model* FindModel(std::string_view id_or_name);

/** A kernel version range whose drivers create a different control set. */
struct KernelEra {
    std::string id;           // as given to --kernel: "6.1", "6.8", "latest", ...
    std::string description;  // one line: which kernels and what differs
};

/** Every era, newest ("latest", the default) first. */
const std::vector<KernelEra>& KernelEras();

/** Throws std::invalid_argument for an unknown era. Empty means "latest". */
const KernelEra& FindKernelEra(std::string_view id);

/**
 * The controls the driver of @p era creates for @p model, with the values a device
 * straight from the factory shows (volatile meters at 0), numbered in the driver's
 * creation order from 1. block.id is the ALSA card id ("USB"... as the dumps have it).
 */
StateBlock GenerateControls(const Model& model, std::string_view era = {});

/** Choices a user makes that change which controls exist, beyond the kernel era. */
struct GenerateOptions {
    /* "MSD Mode Switch" also with MSD off, as with snd_usb_audio device_setup=0x02. */
    bool msd_switch = false;
};
StateBlock GenerateControls(const Model& model, std::string_view era,
                            const GenerateOptions& options);

/**
 * Takes the values of @p source's controls that @p block also has (matched by identity
 * and type) and re-derives the access that depends on them, as the driver would: line
 * volume/mute read-only in HW mode, SW/HW switches read-only while speaker switching is
 * on. Lets a model be compared with a dump whatever the user had set.
 */
void AdoptValues(StateBlock& block, const StateBlock& source);

/** Re-derives the value-dependent access words of @p block (see AdoptValues()). */
void DeriveAccess(StateBlock& block);

}  // namespace Sim
