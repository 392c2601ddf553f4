// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/*
 * The one place where tests build devices and the daemon options that serve them:
 * controls, control sets (the small Scarlett-like one, one of every kind for the
 * fuzzer, or an `alsactl store` dump), identities, and InMemoryCards, which puts
 * FakeDevices behind Options' discover/open_card seams. Used by the unit tests
 * (tests/unit/daemon/Harness.hpp), the stress tests, the fuzz target and
 * scarlettd-testbed.
 */

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alsa/Types.hpp"
#include "daemon/Options.hpp"
#include "tests/support/FakeCard.hpp"

namespace TestData {

/** A read-write mixer control; integers range 0..172 step 1, enumerations have
 *  the items Off, Analogue 1, Analogue 2. */
Alsa::Control MakeControl(unsigned numid, const std::string& name, Alsa::ElemType type,
                          unsigned count, std::vector<int64_t> value);
/** Sets an integer control's range (step 1). */
void SetRange(Alsa::Control& control, int64_t min, int64_t max);

/** A small Scarlett-like set: 1 integer 0..172 with a DB_MINMAX -80..+6 dB TLV,
 *  2 boolean, 3 enumerated, 4 two-channel integer, 5 read-only enumerated, 6 the
 *  CARD-iface read-only "Firmware Version" 1644. */
std::vector<Alsa::Control> SmallControlSet();
/** The daemon's own controls of SmallControlSet (its routing names two analogue
 *  inputs and one PCM input): `Name`, 3 port names, 3 port switches, the `Analogue
 *  In 1-2` Link and Name. */
constexpr size_t DAEMON_CONTROLS = 9;
/** The volatile, read-only PCM "Level Meter" of scarlett2 devices: 0..4095 per channel. */
Alsa::Control LevelMeter(unsigned numid, unsigned channels);
/** One of each type, access state and dB TLV kind the codec tells apart (the fuzzer's). */
std::vector<Alsa::Control> EveryKindControlSet();

/** A Scarlett 18i20 3rd Gen on USB with serial @p serial, as card @p card. */
Alsa::CardIdentity ScarlettIdentity(const std::string& id, const std::string& serial, int card);

/** A device of a test daemon: its identity and its in-memory card. */
struct Device {
    Alsa::CardIdentity identity;  // identity.ctl is the id: what open_card is given
    std::shared_ptr<FakeDevice> fake;
    std::map<unsigned, Alsa::ControlInfo> infos;  // by numid, as created
};

/** @p tlvs: whole TLVs by numid, as a driver reports them (meter labels...). */
Device MakeDevice(Alsa::CardIdentity identity, std::vector<Alsa::Control> controls,
                  const std::map<unsigned, std::vector<uint32_t>>& tlvs = {});
/** The small set as the device usb-1235-8215-@p serial. */
Device MakeSmallDevice(const std::string& serial, int card);
/** A device from block @p block of state file @p path (the first when empty), id
 *  `test-<file stem>-<block id>`. Throws std::runtime_error. */
Device MakeStateDevice(const std::string& path, const std::string& block, int card);

/**
 * The cards a test daemon finds: Configure() points Options' discovery at the devices
 * that are present (a rescan lists what is plugged in now, as /dev/snd would) and
 * opens them as FakeCards. Must outlive the daemon it configured.
 */
class InMemoryCards {
  public:
    std::vector<Device> devices;

    void Configure(Options& options);
    const Device* Find(const std::string& id) const noexcept;
};

}  // namespace TestData
