// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

/*
 * A recorded /proc + /sys tree in a temporary directory, laid out as the kernel does
 * for snd-usb-audio: the card device sits on the USB interface (1-2.3:1.0), whose
 * parent is the USB device (1-2.3) holding idVendor, idProduct and serial.
 */
class FakeSystem {
  public:
    struct Usb {
        std::string vendor = "1235";
        std::string product;
        std::optional<std::string> serial;
        std::string path = "1-2";
    };
    struct CardSpec {
        int index = 0;
        std::string id;
        std::string driver = "USB-Audio";
        std::string name;
        std::string longname;
        std::optional<Usb> usb;
        /* Only the controlCN link leads to the device (alsa-scarlett-gui's path). */
        bool only_control_link = false;
    };

    FakeSystem() {
        std::string templ = (std::filesystem::temp_directory_path() / "scd-alsa-XXXXXX").string();
        if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root_ = templ;
        std::filesystem::create_directories(Proc() + "/asound");
        std::filesystem::create_directories(Sys() + "/class/sound");
        WriteCards();
    }
    ~FakeSystem() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    FakeSystem(const FakeSystem&) = delete;
    FakeSystem& operator=(const FakeSystem&) = delete;

    std::string Proc() const { return (root_ / "proc").string(); }
    std::string Sys() const { return (root_ / "sys").string(); }

    void AddCard(const CardSpec& card) {
        namespace fs = std::filesystem;
        cards_.push_back(card);
        WriteCards();
        const std::string n = std::to_string(card.index);
        const fs::path proc_card = root_ / "proc" / "asound" / ("card" + n);
        fs::create_directories(proc_card);
        Write(proc_card / "id", card.id + "\n");

        fs::path device;  // what cardN/device points at
        if (card.usb) {
            Write(proc_card / "usbid", card.usb->vendor + ":" + card.usb->product + "\n");
            const fs::path usb_device =
                root_ / "sys/devices/pci0000:00/0000:00:14.0/usb1" / card.usb->path;
            fs::create_directories(usb_device);
            Write(usb_device / "idVendor", card.usb->vendor + "\n");
            Write(usb_device / "idProduct", card.usb->product + "\n");
            if (card.usb->serial) Write(usb_device / "serial", *card.usb->serial + "\n");
            device = usb_device / (card.usb->path + ":1.0");
        } else {
            device = root_ / "sys/devices/platform" / ("snd_" + card.id + ".0");
        }
        const fs::path card_dir = device / "sound" / ("card" + n);
        const fs::path control_dir = card_dir / ("controlC" + n);
        fs::create_directories(control_dir);
        fs::create_directory_symlink(card_dir, control_dir / "device");
        fs::create_directory_symlink(control_dir, root_ / "sys/class/sound" / ("controlC" + n));
        fs::create_directory_symlink(device, card_dir / "device");
        if (!card.only_control_link)
            fs::create_directory_symlink(card_dir, root_ / "sys/class/sound" / ("card" + n));
    }

    /* Unplug: the card's proc and sysfs entries disappear (the USB device stays). */
    void RemoveCard(int index) {
        namespace fs = std::filesystem;
        std::erase_if(cards_, [&](const CardSpec& c) { return c.index == index; });
        WriteCards();
        const std::string n = std::to_string(index);
        fs::remove_all(root_ / "proc" / "asound" / ("card" + n));
        fs::remove(root_ / "sys/class/sound" / ("card" + n));
        fs::remove(root_ / "sys/class/sound" / ("controlC" + n));
    }

  private:
    static void Write(const std::filesystem::path& path, const std::string& text) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }

    /* The kernel's format: "%2i [%-15s]: %s - %s\n" then the long name indented. */
    void WriteCards() const {
        std::string text;
        for (const CardSpec& card : cards_) {
            char line[256];
            std::snprintf(line, sizeof(line), "%2i [%-15s]: %s - %s\n", card.index, card.id.c_str(),
                          card.driver.c_str(), card.name.c_str());
            text += line;
            text += "                      " + card.longname + "\n";
        }
        if (cards_.empty()) text = "--- no soundcards ---\n";
        Write(root_ / "proc" / "asound" / "cards", text);
    }

    std::filesystem::path root_;
    std::vector<CardSpec> cards_;
};
