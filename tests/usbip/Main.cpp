// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scarlett-usbip: an emulated Focusrite Scarlett on USB/IP, for the real kernel driver
 * (issue 13): a Scarlett 2i2 3rd Gen or 18i20 3rd Gen. Attaches itself to vhci-hcd
 * through sysfs with one end of a socketpair and answers the host's transfers; closing
 * the socket (the program ending) is an unplug. Logs every transfer to stderr, and
 * each scarlett2 command decoded ("scarlett2: SET_DATA offset 0x8c size 1 value 1"):
 * a bad reply fails the probe with nothing but a dmesg line, and the VM tests match
 * the commands.
 *   scarlett-usbip [--model NAME] [--port N] [--serial TEXT] [--meter-level RAW]
 * Still blocking, one device; the event loop and the control channel come next.
 */
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "tests/usbip/Models.hpp"
#include "tests/usbip/Scarlett2.hpp"
#include "tests/usbip/UsbDevice.hpp"
#include "tests/usbip/UsbIp.hpp"

namespace {

bool SendAll(int fd, const std::vector<uint8_t>& bytes) {
    for (size_t at = 0; at < bytes.size();) {
        const ssize_t n = send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        at += static_cast<size_t>(n);
    }
    return true;
}

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

int main(int argc, char** argv) {
    unsigned port = 0;
    std::string model_name = "2i2-gen3";
    std::string serial;
    uint32_t meter_level = 0;
    /* Options come in pairs. */
    bool usage = argc % 2 == 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--port")
            port = static_cast<unsigned>(std::stoul(argv[i + 1]));
        else if (option == "--serial")
            serial = argv[i + 1];
        else if (option == "--model")
            model_name = argv[i + 1];
        else if (option == "--meter-level")
            meter_level = static_cast<uint32_t>(std::stoul(argv[i + 1]));
        else
            usage = true;
    }
    const UsbIp::Model* model = UsbIp::FindModel(model_name);
    if (usage || !model) {
        std::string names;
        for (const auto& n : UsbIp::ModelNames()) names += (names.empty() ? "" : "|") + n;
        std::fprintf(stderr,
                     "usage: scarlett-usbip [--model %s] [--port N] [--serial TEXT] "
                     "[--meter-level 0-4095]\n",
                     names.c_str());
        return 2;
    }
    if (serial.empty()) serial = model->serial;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        std::perror("socketpair");
        return 1;
    }
    {
        /* "port sockfd devid speed"; speed 3 is high speed. */
        std::ofstream attach("/sys/devices/platform/vhci_hcd.0/attach");
        attach << port << ' ' << fds[1] << ' ' << ((1u << 16) | 2u) << " 3" << std::flush;
        if (!attach) {
            std::fprintf(stderr, "scarlett-usbip: attach failed (is vhci-hcd loaded?)\n");
            return 1;
        }
    }
    close(fds[1]);
    std::fprintf(stderr, "scarlett-usbip: %s attached on port %u, serial %s\n", model->name.c_str(),
                 port, serial.c_str());

    UsbIp::DeviceCore core(
        UsbIp::FocusriteDescriptors(model->product_id, model->bcd_device, model->product, serial));
    UsbIp::Scarlett2Device vendor(1, model->config);
    vendor.SetMeterLevel(meter_level);
    UsbIp::Reader reader;
    UsbIp::Pending pending;
    uint8_t buffer[65536];
    size_t logged = 0;
    for (;;) {
        const ssize_t n = recv(fds[0], buffer, sizeof(buffer), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::fprintf(stderr, "scarlett-usbip: the host closed the connection\n");
            return 0;
        }
        reader.Feed(buffer, static_cast<size_t>(n));
        try {
            while (auto command = reader.Next()) {
                if (auto* unlink = std::get_if<UsbIp::Unlink>(&*command)) {
                    std::fprintf(stderr, "unlink %u of %u\n", unlink->seqnum,
                                 unlink->unlink_seqnum);
                    if (!SendAll(fds[0], pending.Unlink(*unlink))) return 1;
                    continue;
                }
                auto& submit = std::get<UsbIp::Submit>(*command);
                if (submit.ep == 3 && submit.IsIn()) {
                    /* The notification endpoint: nothing to report yet. */
                    std::fprintf(stderr, "submit %u ep 3 in: held\n", submit.seqnum);
                    pending.Hold(std::move(submit));
                    continue;
                }
                UsbIp::ControlReply reply = UsbIp::ControlReply::Stall();
                if (submit.ep == 0) {
                    const auto setup = UsbIp::Setup::From(submit.setup);
                    if (auto standard = core.Standard(setup))
                        reply = std::move(*standard);
                    else if (auto own = vendor.Control(setup, submit.data))
                        reply = std::move(*own);
                }
                if (vendor.GetLog().size() > logged) {
                    const auto& sent = vendor.GetLog().back();
                    std::fprintf(stderr, "scarlett2: %s\n",
                                 UsbIp::Describe(sent.cmd, sent.payload).c_str());
                    logged = vendor.GetLog().size();
                }
                std::fprintf(
                    stderr, "submit %u ep %u %s setup %s data %s -> %s %zu\n", submit.seqnum,
                    submit.ep, submit.IsIn() ? "in" : "out", Hex(submit.setup.data(), 8).c_str(),
                    Hex(submit.data.data(), std::min<size_t>(submit.data.size(), 32)).c_str(),
                    reply.stall ? "STALL" : "ok",
                    submit.IsIn() ? reply.data.size() : submit.data.size());
                if (submit.IsIn() && reply.data.size() > submit.length)
                    reply.data.resize(submit.length);
                if (!SendAll(fds[0], UsbIp::EncodeRetSubmit(
                                         submit, reply.stall ? -EPIPE : 0,
                                         submit.IsIn() ? reply.data : std::vector<uint8_t>{},
                                         static_cast<uint32_t>(submit.data.size()))))
                    return 1;
            }
        } catch (const std::exception& e) {
            std::fprintf(stderr, "scarlett-usbip: %s\n", e.what());
            return 1;
        }
    }
}
