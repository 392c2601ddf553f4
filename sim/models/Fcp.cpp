// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The big 4th Gen (16i16, 18i16, 18i20) under the FCP driver. The kernel itself creates
 * only "Level Meter" (once fcp-server sets the meter map); everything else is fcp-server's
 * user controls, which are not generated yet: this is the card as the kernel shows it.
 */
#include <stdexcept>

#include "sim/models/Builder.hpp"

namespace Sim::ModelsDetail {

StateBlock GenerateFcp(const Model& model, const EraFeatures& era) {
    UsbAudioParams usb;  // both PCM directions have more than 15 channels: no channel maps
    unsigned meters = 0;  // fcp-server's meter map size
    if (model.id == "scarlett-gen4-16i16") {
        usb.clocks = {"Internal", "S/PDIF", "ADAT"};
        meters = 54;
    } else if (model.id == "scarlett-gen4-18i16") {
        usb.clocks = {"Internal", "S/PDIF", "ADAT"};
        meters = 56;
    } else if (model.id == "scarlett-gen4-18i20") {
        usb.clocks = {"Internal", "S/PDIF", "ADAT Port 1", "ADAT Port 2"};
        meters = 79;
    } else {
        throw std::invalid_argument("no FCP parameters for model " + model.id);
    }
    Builder b("Gen");
    AddUsbAudioControls(b, usb, era);
    b.Int("Level Meter", 0, 4095, 0, {"read", "volatile"}, "PCM", meters);
    return b.Take();
}

}  // namespace Sim::ModelsDetail
