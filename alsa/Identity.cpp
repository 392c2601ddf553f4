// SPDX-License-Identifier: GPL-3.0-or-later
#include "alsa/Identity.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace Alsa {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view FOCUSRITE_VENDOR = "1235";

struct ModelEntry {
    uint16_t product;
    ModelInfo info;
};

/* scarlett-kernel-facts.md §1.2 (vendor 0x1235). */
constexpr std::array MODELS{
    ModelEntry{0x8012, {"Scarlett 6i6 1st Gen", Family::Gen1}},
    ModelEntry{0x8002, {"Scarlett 8i6 1st Gen", Family::Gen1}},
    ModelEntry{0x8004, {"Scarlett 18i6 1st Gen", Family::Gen1}},
    ModelEntry{0x8014, {"Scarlett 18i8 1st Gen", Family::Gen1}},
    ModelEntry{0x800c, {"Scarlett 18i20 1st Gen", Family::Gen1}},
    ModelEntry{0x8203, {"Scarlett 6i6 2nd Gen", Family::Scarlett2}},
    ModelEntry{0x8204, {"Scarlett 18i8 2nd Gen", Family::Scarlett2}},
    ModelEntry{0x8201, {"Scarlett 18i20 2nd Gen", Family::Scarlett2}},
    ModelEntry{0x8211, {"Scarlett Solo 3rd Gen", Family::Scarlett2}},
    ModelEntry{0x8210, {"Scarlett 2i2 3rd Gen", Family::Scarlett2}},
    ModelEntry{0x8212, {"Scarlett 4i4 3rd Gen", Family::Scarlett2}},
    ModelEntry{0x8213, {"Scarlett 8i6 3rd Gen", Family::Scarlett2}},
    ModelEntry{0x8214, {"Scarlett 18i8 3rd Gen", Family::Scarlett2}},
    ModelEntry{0x8215, {"Scarlett 18i20 3rd Gen", Family::Scarlett2}},
    ModelEntry{0x8216, {"Vocaster One", Family::Scarlett2}},
    ModelEntry{0x8217, {"Vocaster Two", Family::Scarlett2}},
    ModelEntry{0x8218, {"Scarlett Solo 4th Gen", Family::Scarlett2}},
    ModelEntry{0x8219, {"Scarlett 2i2 4th Gen", Family::Scarlett2}},
    ModelEntry{0x821a, {"Scarlett 4i4 4th Gen", Family::Scarlett2}},
    ModelEntry{0x821b, {"Scarlett 16i16 4th Gen", Family::Fcp}},
    ModelEntry{0x821c, {"Scarlett 18i16 4th Gen", Family::Fcp}},
    ModelEntry{0x821d, {"Scarlett 18i20 4th Gen", Family::Fcp}},
    ModelEntry{0x8206, {"Clarett 2Pre USB", Family::Scarlett2}},
    ModelEntry{0x8207, {"Clarett 4Pre USB", Family::Scarlett2}},
    ModelEntry{0x8208, {"Clarett 8Pre USB", Family::Scarlett2}},
    ModelEntry{0x820a, {"Clarett+ 2Pre", Family::Scarlett2}},
    ModelEntry{0x820b, {"Clarett+ 4Pre", Family::Scarlett2}},
    ModelEntry{0x820c, {"Clarett+ 8Pre", Family::Scarlett2}},
};

std::optional<uint16_t> ParseHex16(std::string_view s) noexcept {
    if (s.size() != 4) return std::nullopt;
    uint16_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

std::string Hex4(uint16_t v) {
    static constexpr char DIGITS[] = "0123456789abcdef";
    std::string s(4, '0');
    for (int i = 3; i >= 0; --i, v = static_cast<uint16_t>(v >> 4))
        s[static_cast<size_t>(i)] = DIGITS[v & 0xf];
    return s;
}

std::string_view Trim(std::string_view s) noexcept {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool IsUsbDeviceDir(const fs::path& dir) {
    std::error_code ec;
    return fs::exists(dir / "idVendor", ec);
}

/*
 * The USB device (not interface) a card belongs to. snd-usb-audio creates the card
 * on the USB *interface*, so cardN/device is e.g. .../1-2.3/1-2.3:1.0 and its parent
 * is the device with "serial"; controlCN/device is the card itself, hence
 * alsa-scarlett-gui's controlCN/device/device/../serial. Symlinks are resolved
 * before "..", as the kernel does for such paths.
 */
std::optional<fs::path> FindUsbDevice(const fs::path& sys_root, int card) {
    const fs::path sound = sys_root / "class" / "sound";
    const std::string n = std::to_string(card);
    for (const fs::path& link :
         {sound / ("card" + n) / "device", sound / ("controlC" + n) / "device" / "device"}) {
        std::error_code ec;
        const fs::path dir = fs::canonical(link, ec);
        if (ec) continue;
        if (IsUsbDeviceDir(dir.parent_path())) return dir.parent_path();
        if (IsUsbDeviceDir(dir)) return dir;
    }
    return std::nullopt;
}

/* One card's entry of /proc/asound/cards:
 *  "%2i [%-15s]: %s - %s\n" (index, id, driver, name), then the long name indented. */
bool ParseProcCards(std::string_view text, int card, CardIdentity& identity) {
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);

        line = Trim(line);
        int index = -1;
        const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), index);
        if (ec != std::errc{} || index != card) continue;
        std::string_view rest = line.substr(static_cast<size_t>(ptr - line.data()));
        const size_t open = rest.find('[');
        const size_t close = rest.find("]: ");
        if (open == std::string_view::npos || close == std::string_view::npos || close < open)
            return false;
        identity.card_id = Trim(rest.substr(open + 1, close - open - 1));
        rest = rest.substr(close + 3);
        const size_t dash = rest.find(" - ");
        if (dash == std::string_view::npos) {
            identity.name = Trim(rest);
        } else {
            identity.driver = Trim(rest.substr(0, dash));
            identity.name = Trim(rest.substr(dash + 3));
        }
        const size_t next = text.find('\n');
        identity.longname = Trim(text.substr(0, next));
        return true;
    }
    return false;
}

}  // namespace

std::string SanitiseId(std::string_view s) {
    if (s.empty()) return "_";
    std::string out(s);
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok = (u < 0x80 && std::isalnum(u)) || c == '.' || c == '_' || c == '-';
        if (!ok) c = '_';
    }
    return out;
}

std::string MakeDeviceId(const CardIdentity& identity) {
    if (identity.card < 0) return "ctl-" + SanitiseId(identity.ctl);
    if (identity.usb) {
        const UsbIdentity& usb = *identity.usb;
        const std::string prefix =
            "usb-" + SanitiseId(usb.vendor) + "-" + SanitiseId(usb.product) + "-";
        if (!usb.serial.empty()) return prefix + SanitiseId(usb.serial);
        if (!usb.path.empty()) return prefix + "port-" + SanitiseId(usb.path);
    }
    if (!identity.card_id.empty()) return "card-" + SanitiseId(identity.card_id);
    /* Only when proc could not be read: not stable, but unique now. */
    return "card-" + std::to_string(identity.card);
}

std::optional<ModelInfo> LookupModel(std::string_view vendor, std::string_view product) noexcept {
    const auto v = ParseHex16(vendor);
    const auto p = ParseHex16(product);
    if (!v || !p || *v != 0x1235) return std::nullopt;
    for (const auto& entry : MODELS)
        if (entry.product == *p) return entry.info;
    return std::nullopt;
}

bool IsFocusriteName(std::string_view card_name) noexcept {
    for (std::string_view prefix : {"Scarlett", "Clarett", "Vocaster"})
        if (card_name.starts_with(prefix)) return true;
    return false;
}

bool IsFocusrite(const CardIdentity& identity) noexcept {
    return IsFocusriteName(identity.name) ||
           (identity.usb && identity.usb->vendor == FOCUSRITE_VENDOR);
}

std::optional<int> ParseControlNode(std::string_view name) noexcept {
    constexpr std::string_view PREFIX = "controlC";
    if (!name.starts_with(PREFIX)) return std::nullopt;
    name.remove_prefix(PREFIX.size());
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name.front())))
        return std::nullopt;
    int card = -1;
    const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), card);
    if (ec != std::errc{} || ptr != name.data() + name.size()) return std::nullopt;
    return card;
}

std::optional<UsbIdentity> ParseUsbId(std::string_view text) {
    text = Trim(text);
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto vendor = ParseHex16(text.substr(0, colon));
    const auto product = ParseHex16(text.substr(colon + 1));
    if (!vendor || !product) return std::nullopt;
    UsbIdentity usb;
    usb.vendor = Hex4(*vendor);
    usb.product = Hex4(*product);
    return usb;
}

CardIdentity ReadCardIdentity(int card, const std::string& proc_root, const std::string& sys_root) {
    CardIdentity identity;
    identity.card = card;
    identity.ctl = "hw:" + std::to_string(card);

    const fs::path asound = fs::path(proc_root) / "asound";
    const fs::path card_dir = asound / ("card" + std::to_string(card));
    const auto cards = ReadSmallFile(asound / "cards");
    if (!cards || !ParseProcCards(*cards, card, identity)) {
        if (const auto id = ReadSmallFile(card_dir / "id")) identity.card_id = Trim(*id);
    }

    const auto device = FindUsbDevice(sys_root, card);
    if (const auto usbid = ReadSmallFile(card_dir / "usbid")) {
        identity.usb = ParseUsbId(*usbid);
    } else if (device) {
        /* snd_card_register() makes the control node and cardN/id before the card's
         * other proc files: usbid may not be there yet; sysfs has had the USB device
         * since before the card. */
        const auto vendor = ReadSmallFile(*device / "idVendor");
        const auto product = ReadSmallFile(*device / "idProduct");
        if (vendor && product)
            identity.usb =
                ParseUsbId(std::string(Trim(*vendor)) + ":" + std::string(Trim(*product)));
    }
    if (identity.usb) {
        if (device) {
            identity.usb->path = device->filename().string();
            if (const auto serial = ReadSmallFile(*device / "serial"))
                identity.usb->serial = Trim(*serial);
        }
        if (const auto model = LookupModel(identity.usb->vendor, identity.usb->product)) {
            identity.model = model->name;
            identity.family = model->family;
        }
    }

    identity.id = MakeDeviceId(identity);
    return identity;
}

bool IsCardRegistered(int card, const std::string& proc_root) {
    const auto id =
        ReadSmallFile(fs::path(proc_root) / "asound" / ("card" + std::to_string(card)) / "id");
    return id && !Trim(*id).empty();
}

CardIdentity MakeCtlIdentity(const std::string& ctl_name) {
    CardIdentity identity;
    identity.card = -1;
    identity.ctl = ctl_name;
    identity.name = ctl_name;
    identity.id = MakeDeviceId(identity);
    return identity;
}

std::optional<std::string> ReadSmallFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(out).str();
}

}  // namespace Alsa
