// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/usbip/Emulator.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "tests/usbip/Bytes.hpp"
#include "tests/usbip/FrontPanel.hpp"

namespace UsbIp {

namespace {

/* The vendor interface's interrupt IN endpoint (FocusriteDescriptors: 0x83). */
constexpr uint32_t NOTIFY_EP = 3;

std::string Hex(const uint8_t* p, size_t n) {
    std::string out;
    char b[4];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(b, sizeof(b), "%02x", p[i]);
        out += b;
    }
    return out;
}

}  // namespace

Emulator::Emulator(Event::EventLoop& loop, const Model& model, std::string serial, unsigned port,
                   GoneFunction on_gone)
    : model_(model),
      serial_(std::move(serial)),
      port_(port),
      on_gone_(std::move(on_gone)),
      watch_(loop, [this](uint32_t events) noexcept { OnSocket(events); }),
      vendor_(1, model.config) {}

void Emulator::Plug() {
    if (IsPlugged()) return;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
    Event::UniqueFd ours(fds[0]), theirs(fds[1]);
    {
        /* "port sockfd devid speed": devid bus 1, device 2; speed 3 is high speed. The
         * kernel takes its own reference to the socket. */
        std::ofstream attach("/sys/devices/platform/vhci_hcd.0/attach");
        attach << port_ << ' ' << theirs.Get() << ' ' << ((1u << 16) | 2u) << " 3" << std::flush;
        if (!attach)
            throw std::runtime_error("attach to vhci-hcd port " + std::to_string(port_) +
                                     " failed (is vhci-hcd loaded, the port free?)");
    }
    /* A new connection: the host enumerates the device from scratch. */
    core_.emplace(
        FocusriteDescriptors(model_.product_id, model_.bcd_device, model_.product, serial_));
    reader_ = Reader();
    pending_ = Pending();
    owed_ = 0;
    fd_ = std::move(ours);
    if (!watch_.Open(fd_.Get(), EPOLLIN))
        throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    std::fprintf(stderr, "scarlett-usbip: %s plugged in on port %u, serial %s\n",
                 model_.name.c_str(), port_, serial_.c_str());
}

void Emulator::Unplug() noexcept {
    if (!IsPlugged()) return;
    watch_.Cancel();
    fd_.Reset();
    std::fprintf(stderr, "scarlett-usbip: unplugged\n");
}

void Emulator::Lost(const std::string& why) noexcept {
    std::fprintf(stderr, "scarlett-usbip: %s\n", why.c_str());
    Unplug();
    on_gone_();
}

std::string Emulator::Act(const std::string& action) {
    if (action == "unplug") {
        Unplug();
        return {};
    }
    if (action == "replug") {
        Unplug();
        try {
            Plug();
        } catch (const std::exception& e) {
            return e.what();
        }
        return {};
    }
    const PanelResult result = ApplyPanel(model_, vendor_, action);
    if (const auto* error = std::get_if<std::string>(&result)) return *error;
    owed_ |= std::get<uint32_t>(result);
    SendNotification();
    return {};
}

void Emulator::SendNotification() {
    if (!owed_ || !IsPlugged()) return;
    auto urb = pending_.Take(NOTIFY_EP);
    if (!urb) return;
    /* 8 bytes, the bits little-endian first: the driver takes no other length. */
    std::vector<uint8_t> data;
    AppendLe(data, owed_, 4);
    AppendLe(data, 0, 4);
    std::fprintf(stderr, "notify %u ep 3: 0x%08x\n", urb->seqnum, owed_);
    owed_ = 0;
    Send(EncodeRetSubmit(*urb, 0, data));
}

void Emulator::Send(const std::vector<uint8_t>& bytes) {
    for (size_t at = 0; at < bytes.size();) {
        const ssize_t n = send(fd_.Get(), bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
        at += static_cast<size_t>(n);
    }
}

void Emulator::OnSocket(uint32_t) noexcept {
    uint8_t buffer[65536];
    const ssize_t n = recv(fd_.Get(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
        Lost("the host closed the connection");
        return;
    }
    try {
        reader_.Feed(buffer, static_cast<size_t>(n));
        while (IsPlugged()) {
            auto command = reader_.Next();
            if (!command) break;
            if (auto* unlink = std::get_if<Unlink>(&*command)) {
                std::fprintf(stderr, "unlink %u of %u\n", unlink->seqnum, unlink->unlink_seqnum);
                Send(pending_.Unlink(*unlink));
                continue;
            }
            Serve(std::get<Submit>(std::move(*command)));
        }
    } catch (const std::exception& e) {
        Lost(e.what());
    }
}

void Emulator::Serve(Submit submit) {
    if (submit.ep == NOTIFY_EP && submit.IsIn()) {
        /* Nothing to report: held, as a device NAKs, until the panel changes. */
        std::fprintf(stderr, "submit %u ep 3 in: held\n", submit.seqnum);
        pending_.Hold(std::move(submit));
        SendNotification();
        return;
    }
    ControlReply reply = ControlReply::Stall();
    if (submit.ep == 0) {
        const auto setup = Setup::From(submit.setup);
        if (auto standard = core_->Standard(setup))
            reply = std::move(*standard);
        else if (auto own = vendor_.Control(setup, submit.data))
            reply = std::move(*own);
    }
    std::fprintf(stderr, "submit %u ep %u %s setup %s data %s -> %s %zu\n", submit.seqnum,
                 submit.ep, submit.IsIn() ? "in" : "out", Hex(submit.setup.data(), 8).c_str(),
                 Hex(submit.data.data(), std::min<size_t>(submit.data.size(), 32)).c_str(),
                 reply.stall ? "STALL" : "ok",
                 submit.IsIn() ? reply.data.size() : submit.data.size());
    if (vendor_.GetLog().size() > logged_) {
        const auto& sent = vendor_.GetLog().back();
        std::fprintf(stderr, "scarlett2: %s\n", Describe(sent.cmd, sent.payload).c_str());
        logged_ = vendor_.GetLog().size();
    }
    if (submit.IsIn() && reply.data.size() > submit.length) reply.data.resize(submit.length);
    Send(EncodeRetSubmit(submit, reply.stall ? -EPIPE : 0,
                         submit.IsIn() ? reply.data : std::vector<uint8_t>{},
                         static_cast<uint32_t>(submit.data.size())));
}

}  // namespace UsbIp
