// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "Fixtures.hpp"
#include "daemon/core/DaemonControls.hpp"

using TestData::Integer;

namespace {

Alsa::Control Boolean(unsigned numid, const std::string& name, bool on) {
    Alsa::Control c;
    c.info.id.numid = numid;
    c.info.id.iface = Alsa::Iface::Daemon;
    c.info.id.name = name;
    c.info.type = Alsa::ElemType::Boolean;
    c.info.count = 1;
    c.value.numbers = {on ? 1 : 0};
    return c;
}

}  // namespace

TEST_CASE("CheckText takes up to 128 bytes of UTF-8 without NUL") {
    CHECK(Core::CheckText("").empty());
    CHECK(Core::CheckText("Vocal mic \xe2\x80\x93 left \xf0\x9f\x8e\xa4").empty());
    CHECK(Core::CheckText(std::string(128, 'x')).empty());
    CHECK(Core::CheckText(std::string(129, 'x')).find("129 bytes") != std::string::npos);
    CHECK(Core::CheckText(std::string("a\0b", 3)) == "holds a NUL byte");
    for (const char* bad : {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xff"})
        CHECK(Core::CheckText(bad) == "is not valid UTF-8");
}

TEST_CASE("GangPartner: the other channel of a linked pair, by the kind of control") {
    std::map<unsigned, Alsa::Control> controls;
    auto add = [&](Alsa::Control c) { controls.emplace(c.info.id.numid, std::move(c)); };
    add(Integer(1, "Matrix 01 Mix A Playback Volume", 0)); /* 1st Gen mixer */
    add(Integer(2, "Matrix 02 Mix A Playback Volume", 0));
    add(Integer(3, "Matrix 01 Mix B Playback Volume", 0));
    add(Integer(4, "Matrix 02 Mix B Playback Volume", 0));
    add(Integer(5, "Line In 3 Gain Capture Volume", 0));
    add(Integer(6, "Line In 4 Gain Capture Volume", 0));
    add(Integer(7, "Line 03 Playback Volume", 0));
    add(Integer(8, "Line 04 Playback Volume", 0));
    add(Boolean(Core::DAEMON_NUMID_BASE, "Mixer In 1-2 Link", false));
    add(Boolean(Core::DAEMON_NUMID_BASE + 1, "Mixer Out 1-2 Link", false));
    add(Boolean(Core::DAEMON_NUMID_BASE + 2, "Analogue In 3-4 Link", true));
    auto partner = [&](unsigned numid) -> unsigned {
        const auto* p = Core::GangPartner(controls, controls.at(numid));
        return p ? p->info.id.numid : 0;
    };
    auto link = [&](unsigned k, bool on) {
        controls.at(Core::DAEMON_NUMID_BASE + k).value.numbers = {on};
    };
    CHECK(partner(1) == 0);
    CHECK(partner(6) == 5);
    CHECK(partner(7) == 0); /* Analogue Out 3-4 has no Link here */
    link(0, true);          /* mixer inputs 1-2: same mix, other input */
    CHECK(partner(1) == 2);
    CHECK(partner(4) == 3);
    link(1, true); /* and mixes A-B: the diagonal */
    CHECK(partner(1) == 4);
    CHECK(partner(2) == 3);
    link(0, false); /* mixes only: same input, other mix */
    CHECK(partner(1) == 3);
    CHECK(Core::GangPartner(controls, controls.at(Core::DAEMON_NUMID_BASE)) == nullptr);
}
