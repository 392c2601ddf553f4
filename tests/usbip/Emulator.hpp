// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event/Callback.hpp"
#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/UniqueFd.hpp"
#include "tests/usbip/Models.hpp"
#include "tests/usbip/Scarlett2.hpp"
#include "tests/usbip/UsbDevice.hpp"
#include "tests/usbip/UsbIp.hpp"

/**
 * One emulated device on a vhci-hcd port, served from the event loop: plugged (a
 * socketpair's end written to vhci's attach file), it answers the host's transfers;
 * it holds the host's interrupt URB until the front panel has something to report;
 * unplugged (our end closed) and plugged again, its memory stays, as a device's
 * settings survive a power cycle. Logs every transfer and decoded command to stderr.
 */
namespace UsbIp {

class Emulator {
  public:
    /** Called when the host ends the connection (a detach, an error). */
    using GoneFunction = Event::Callback<void()>;

    Emulator(Event::EventLoop& loop, const Model& model, std::string serial, unsigned port,
             GoneFunction on_gone);
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;

    /** Attaches to vhci-hcd. Throws std::runtime_error (vhci-hcd not loaded, the port
     *  in use). */
    void Plug();
    void Unplug() noexcept;
    bool IsPlugged() const noexcept { return fd_.IsValid(); }

    /** A front panel action (FrontPanel.hpp), or "unplug", "replug": "" when done,
     *  else why not. */
    std::string Act(const std::string& action);

    Scarlett2Device& GetVendor() noexcept { return vendor_; }

  private:
    void OnSocket(uint32_t events) noexcept;
    void Serve(Submit submit);
    /** Completes the held interrupt URB with what is owed, if both are there. */
    void SendNotification();
    void Send(const std::vector<uint8_t>& bytes);
    void Lost(const std::string& why) noexcept;

    const Model& model_;
    std::string serial_;
    unsigned port_;
    GoneFunction on_gone_;
    Event::UniqueFd fd_;
    Event::FdWatch watch_;
    std::optional<DeviceCore> core_;
    Scarlett2Device vendor_;
    Reader reader_;
    Pending pending_;
    /* Notification bits not yet sent (no URB held when they came). */
    uint32_t owed_ = 0;
    size_t logged_ = 0;
};

}  // namespace UsbIp
