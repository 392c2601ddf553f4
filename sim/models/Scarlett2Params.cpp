// SPDX-License-Identifier: GPL-3.0-or-later
/* The scarlett2 driver's per-model tables: ports, outputs, input features, extras. */

#include "sim/models/Scarlett2Params.hpp"

#include <stdexcept>

namespace Sim::ModelsDetail::Scarlett2 {

Params ParamsFor(const std::string& id) {
    Params p;
    auto lines = [](std::initializer_list<const char*> names) {
        return std::vector<std::string>(names.begin(), names.end());
    };
    if (id == "scarlett-gen2-6i6") {
        p.ports = {4, 4, 2, 2, 0, 0, 10, 18, 6, 6, 0};
        p.lines = lines({"Headphones 1 L", "Headphones 1 R", "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = true;
        p.level = {1, 2};
        p.pad = 2;
        p.standalone = true;
    } else if (id == "scarlett-gen2-18i8") {
        p.ports = {8, 6, 2, 2, 8, 0, 10, 18, 8, 18, 0};
        p.lines = lines({"Monitor L", "Monitor R", "Headphones 1 L", "Headphones 1 R",
                         "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = true;
        p.level = {1, 2};
        p.pad = 4;
        p.standalone = true;
    } else if (id == "scarlett-gen2-18i20") {
        p.ports = {8, 10, 2, 2, 8, 8, 10, 18, 20, 18, 0};
        p.lines = lines({"Monitor L", "Monitor R", "", "", "", "", "Headphones 1 L",
                         "Headphones 1 R", "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = p.hw_sw = true;
        p.standalone = true;
    } else if (id == "scarlett-gen3-solo") {
        p.has_mixer = false;
        p.ports.pcm_in = p.ports.pcm_out = 2;
        p.level = {2};
        p.air = 1;
        p.phantom = {"1"};
        p.phantom_persistence = p.msd = true;
        p.direct_monitor = 1;
    } else if (id == "scarlett-gen3-2i2") {
        p.has_mixer = false;
        p.ports.pcm_in = p.ports.pcm_out = 2;
        p.level = {1, 2};
        p.air = 2;
        p.phantom = {"1-2"};
        p.phantom_persistence = p.msd = true;
        p.direct_monitor = 2;
    } else if (id == "scarlett-gen3-4i4") {
        p.single_clock = "Internal";
        p.ports = {4, 4, 0, 0, 0, 0, 6, 8, 4, 6, 0};
        p.lines = lines({"Monitor L", "Monitor R", "Headphones L", "Headphones R"});
        p.line_volumes = true;
        p.level = {1, 2};
        p.pad = p.air = 2;
        p.phantom = {"1-2"};
        p.phantom_persistence = p.msd = p.standalone = true;
    } else if (id == "scarlett-gen3-8i6") {
        p.ports = {6, 4, 2, 2, 0, 0, 8, 8, 6, 10, 0};
        p.lines = lines({"Headphones 1 L", "Headphones 1 R", "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = true;
        p.level = {1, 2};
        p.pad = p.air = 2;
        p.phantom = {"1-2"};
        p.phantom_persistence = p.msd = p.standalone = true;
    } else if (id == "scarlett-gen3-18i8") {
        p.ports = {8, 8, 2, 2, 8, 0, 10, 20, 8, 20, 0};
        p.lines = lines({"Monitor L", "Monitor R", "Alt Monitor L", "Alt Monitor R",
                         "Headphones 1 L", "Headphones 1 R", "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = p.hw_sw = true;
        p.level = {1, 2};
        p.pad = p.air = 4;
        p.phantom = {"1-2", "3-4"};
        p.phantom_persistence = p.msd = p.standalone = true;
        p.speaker_switching = true;
        p.digital = DigitalMode::SpdifMode;
    } else if (id == "scarlett-gen3-18i20") {
        p.ports = {9, 10, 2, 2, 8, 8, 12, 25, 20, 20, 0};
        p.lines = lines({"Monitor 1 L", "Monitor 1 R", "Monitor 2 L", "Monitor 2 R", "", "",
                         "Headphones 1 L", "Headphones 1 R", "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = p.hw_sw = true;
        p.level = {1, 2};
        p.pad = p.air = 8;
        p.phantom = {"1-4", "5-8"};
        p.phantom_persistence = p.msd = p.standalone = true;
        p.speaker_switching = p.talkback = true;
        p.digital = DigitalMode::DigitalIoMode;
    } else if (id == "scarlett-gen4-solo") {
        p.card_id = "Gen";
        p.ports = {2, 2, 0, 0, 0, 0, 8, 6, 2, 4, 2};
        p.level = {1};
        p.air = 1;
        p.air_first = 2;
        p.air_enum = true;
        p.phantom = {"2"};
        p.pcm_input_switch = p.msd = true;
        p.direct_monitor = 1;
        p.monitor_mix = true;
    } else if (id == "scarlett-gen4-2i2") {
        p.card_id = "Gen";
        p.ports = {2, 2, 0, 0, 0, 0, 6, 6, 2, 4, 2};
        p.level = {1, 2};
        p.air = 2;
        p.air_enum = true;
        p.phantom = {"1-2"};
        p.input_select = true;
        p.link = p.gain = p.safe = 2;
        p.autogain = Autogain::Gen4;
        p.msd = true;
        p.direct_monitor = 2;
        p.monitor_mix = true;
    } else if (id == "scarlett-gen4-4i4") {
        p.card_id = "Gen";
        p.ports = {4, 6, 0, 0, 0, 0, 8, 12, 6, 6, 2};
        p.ro_master_headphone = true;
        p.level = {1, 2};
        p.air = 2;
        p.air_enum = true;
        p.phantom = {"1", "2"};
        p.input_select = true;
        p.link = p.gain = p.safe = 2;
        p.autogain = Autogain::Gen4;
        p.msd = p.power_status = true;
    } else if (id == "clarett-2pre" || id == "clarett-plus-2pre") {
        p.card_id = id == "clarett-plus-2pre" ? "C2Pre" : "USB";
        p.ports = {2, 4, 2, 0, 8, 0, 10, 18, 4, 12, 0};
        p.lines = lines({"Monitor L", "Monitor R", "Headphones L", "Headphones R"});
        p.line_volumes = p.hw_sw = true;
        p.level = {1, 2};
        p.air = 2;
        p.standalone = true;
    } else if (id == "clarett-4pre" || id == "clarett-plus-4pre") {
        p.card_id = id == "clarett-plus-4pre" ? "C4Pre" : "USB";
        p.ports = {8, 6, 2, 2, 8, 0, 10, 18, 8, 18, 0};
        p.lines = lines({"Monitor L", "Monitor R", "Headphones 1 L", "Headphones 1 R",
                         "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = p.hw_sw = true;
        p.level = {1, 2};
        p.air = 4;
        p.standalone = true;
        p.digital = DigitalMode::SpdifSource;
    } else if (id == "clarett-8pre" || id == "clarett-plus-8pre") {
        p.ports = {8, 10, 2, 2, 8, 8, 10, 18, 20, 18, 0};
        p.lines = lines({"Monitor L", "Monitor R", "", "", "", "", "Headphones 1 L",
                         "Headphones 1 R", "Headphones 2 L", "Headphones 2 R"});
        p.line_volumes = p.hw_sw = true;
        p.level = {1, 2};
        p.air = 8;
        p.standalone = true;
        p.digital = DigitalMode::SpdifSource;
    } else if (id == "vocaster-one") {
        p.ports = {2, 4, 0, 0, 0, 0, 9, 9, 4, 10, 1};
        p.vocaster_headphones = 1;
        p.dsp_inputs = p.input_mute = 1;
        p.phantom = {"1"};
        p.gain = 1;
        p.autogain = Autogain::Vocaster;
    } else if (id == "vocaster-two") {
        p.ports = {6, 6, 0, 0, 0, 0, 12, 14, 4, 14, 2};
        p.vocaster_headphones = 2;
        p.dsp_inputs = p.input_mute = 2;
        p.phantom = {"1", "2"};
        p.gain = 2;
        p.autogain = Autogain::Vocaster;
        p.bluetooth = true;
    } else {
        throw std::invalid_argument("no scarlett2 parameters for model " + id);
    }
    return p;
}

}  // namespace Sim::ModelsDetail::Scarlett2
