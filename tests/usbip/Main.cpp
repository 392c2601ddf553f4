// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * scarlett-usbip: an emulated Focusrite Scarlett on USB/IP, for the real kernel driver
 * (issue 13): a Scarlett 2i2 3rd Gen or 18i20 3rd Gen. Attaches itself to vhci-hcd
 * and answers the host's transfers from the project's event loop; SIGTERM or SIGINT
 * unplugs it and ends. Logs every transfer to stderr, and each scarlett2 command
 * decoded ("scarlett2: SET_DATA offset 0x8c size 1 value 1"): a bad reply fails the
 * probe with nothing but a dmesg line, and the VM tests match the commands.
 * With --control FIFO, lines written to the FIFO act on the device: front panel
 * actions (FrontPanel.hpp: knob, mute, dim, inst, sync), unplug, replug.
 *   scarlett-usbip [--model NAME] [--port N] [--serial TEXT] [--meter-level RAW]
 *                  [--control FIFO]
 * README.md says how to use it on one's own machine.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "event/EventLoop.hpp"
#include "event/FdWatch.hpp"
#include "event/SignalWatch.hpp"
#include "event/UniqueFd.hpp"
#include "tests/usbip/Emulator.hpp"
#include "tests/usbip/Models.hpp"

namespace {

/** The control FIFO: whole lines, each an action for the emulator. Opened read-write
 *  so that writers coming and going never make it read end-of-file. */
class ControlChannel {
  public:
    ControlChannel(Event::EventLoop& loop, UsbIp::Emulator& emulator)
        : emulator_(emulator), watch_(loop, [this](uint32_t) noexcept { OnReadable(); }) {}

    bool Open(const std::string& path) {
        if (mkfifo(path.c_str(), 0600) < 0 && errno != EEXIST) return false;
        struct stat st {};
        if (stat(path.c_str(), &st) < 0 || !S_ISFIFO(st.st_mode)) {
            errno = EINVAL;
            return false;
        }
        fd_ = Event::UniqueFd(open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
        return fd_.IsValid() && watch_.Open(fd_.Get(), EPOLLIN);
    }

  private:
    void OnReadable() noexcept {
        char chunk[4096];
        const ssize_t n = read(fd_.Get(), chunk, sizeof(chunk));
        if (n <= 0) return;
        buffer_.append(chunk, static_cast<size_t>(n));
        for (size_t nl; (nl = buffer_.find('\n')) != std::string::npos;) {
            const std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            if (line.empty()) continue;
            std::string error;
            try {
                error = emulator_.Act(line);
            } catch (const std::exception& e) {
                error = e.what();
            }
            std::fprintf(stderr, "control: %s: %s\n", line.c_str(),
                         error.empty() ? "done" : error.c_str());
        }
        /* A writer that never ends its line cannot grow us. */
        if (buffer_.size() > 4096) buffer_.clear();
    }

    UsbIp::Emulator& emulator_;
    Event::UniqueFd fd_;
    Event::FdWatch watch_;
    std::string buffer_;
};

}  // namespace

int main(int argc, char** argv) {
    unsigned port = 0;
    std::string model_name = "2i2-gen3";
    std::string serial;
    std::string control;
    uint32_t meter_level = 0;
    /* Options come in pairs. */
    bool usage = argc % 2 == 0;
    try {
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
            else if (option == "--control")
                control = argv[i + 1];
            else
                usage = true;
        }
    } catch (const std::exception&) {
        usage = true;
    }
    const UsbIp::Model* model = UsbIp::FindModel(model_name);
    if (usage || !model) {
        std::string names;
        for (const auto& n : UsbIp::ModelNames()) names += (names.empty() ? "" : "|") + n;
        std::fprintf(stderr,
                     "usage: scarlett-usbip [--model %s] [--port N] [--serial TEXT] "
                     "[--meter-level 0-4095] [--control FIFO]\n",
                     names.c_str());
        return 2;
    }
    if (serial.empty()) serial = model->serial;

    try {
        Event::EventLoop loop;
        /* Signals end the loop; the emulator's destructor closes the socket: unplugged. */
        Event::SignalWatch signals(loop, {SIGTERM, SIGINT}, [&](int) noexcept { loop.Break(); });
        UsbIp::Emulator emulator(loop, *model, serial, port, [&]() noexcept { loop.Break(); });
        emulator.GetVendor().SetMeterLevel(meter_level);
        ControlChannel channel(loop, emulator);
        if (!control.empty() && !channel.Open(control)) {
            std::fprintf(stderr, "scarlett-usbip: %s: %s\n", control.c_str(), std::strerror(errno));
            return 1;
        }
        emulator.Plug();
        loop.Run();
        emulator.Unplug();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "scarlett-usbip: %s\n", e.what());
        return 1;
    }
    return 0;
}
