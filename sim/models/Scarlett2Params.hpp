// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* Private to the scarlett2 generator: what tells one model's controls from another's. */

#include <string>
#include <vector>

namespace Sim::ModelsDetail::Scarlett2 {

enum class DigitalMode { None, SpdifMode, DigitalIoMode, SpdifSource };
enum class Autogain { None, Gen4, Vocaster };

struct Ports {
    unsigned analogue_in = 0, analogue_out = 0;
    unsigned spdif_in = 0, spdif_out = 0;
    unsigned adat_in = 0, adat_out = 0;
    unsigned mix_src = 0, mix_dst = 0;  // DSP ports included
    unsigned pcm_in = 0, pcm_out = 0;   // playback (sources) / capture (destinations)
    unsigned dsp = 0;
};

struct Params {
    std::string card_id = "USB";
    std::string single_clock = "USB Internal";  // the name of the only clock source
    Ports ports;
    bool has_mixer = true;
    /* Outputs */
    std::vector<std::string> lines;    // descriptions of the line outputs; "" for none
    bool line_volumes = false;         // per-line volume and mute
    bool hw_sw = false;                // master HW volume, SW/HW enums, dim/mute
    bool ro_master_headphone = false;  // Gen 4 4i4
    unsigned vocaster_headphones = 0;  // speaker + headphone mutes (Vocaster)
    /* Inputs */
    std::vector<unsigned> level;  // input numbers
    unsigned pad = 0;
    unsigned air = 0;
    unsigned air_first = 1;
    bool air_enum = false;
    std::vector<std::string> phantom;  // "1", "1-2", ...
    bool phantom_persistence = false;
    unsigned dsp_inputs = 0;  // Vocaster DSP switch and compressor/filters
    unsigned input_mute = 0;
    bool input_select = false;
    unsigned link = 0;
    unsigned gain = 0;
    Autogain autogain = Autogain::None;
    unsigned safe = 0;
    bool pcm_input_switch = false;
    bool msd = false;  // the model has an MSD mode
    /* Other */
    unsigned direct_monitor = 0;  // 1 switch, 2 enum
    bool monitor_mix = false;     // Gen 4 Solo/2i2 direct monitor gains
    bool speaker_switching = false;
    bool talkback = false;
    bool standalone = false;
    bool power_status = false;
    bool bluetooth = false;
    DigitalMode digital = DigitalMode::None;
};

/** The parameters of scarlett2 model @p id; throws std::invalid_argument for another id. */
Params ParamsFor(const std::string& id);

}  // namespace Sim::ModelsDetail::Scarlett2
