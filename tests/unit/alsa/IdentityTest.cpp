// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "FakeSystem.hpp"
#include "alsa/Discovery.hpp"
#include "alsa/Identity.hpp"

using namespace Alsa;

namespace {

FakeSystem::CardSpec Scarlett18i20(int index, std::optional<std::string> serial = "P9EAC6K0B2F37F",
                                   std::string path = "1-2.3") {
    FakeSystem::CardSpec card;
    card.index = index;
    card.id = "USB";
    card.name = "Scarlett 18i20 USB";
    card.longname = "Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-2.3, high speed";
    card.usb = FakeSystem::Usb{"1235", "8215", std::move(serial), std::move(path)};
    return card;
}

FakeSystem::CardSpec Dummy(int index) {
    FakeSystem::CardSpec card;
    card.index = index;
    card.id = "Dummy";
    card.driver = "Dummy";
    card.name = "Dummy";
    card.longname = "Dummy 1";
    return card;
}

FakeSystem::CardSpec Hda(int index) {
    FakeSystem::CardSpec card;
    card.index = index;
    card.id = "PCH";
    card.driver = "HDA-Intel";
    card.name = "HDA Intel PCH";
    card.longname = "HDA Intel PCH at 0xf7f10000 irq 33";
    return card;
}

FakeSystem::CardSpec Webcam(int index) {
    FakeSystem::CardSpec card;
    card.index = index;
    card.id = "U0x46d0x825";
    card.name = "USB Device 0x46d:0x825";
    card.longname = "USB Device 0x46d:0x825 at usb-0000:00:14.0-4, high speed";
    card.usb = FakeSystem::Usb{"046d", "0825", std::nullopt, "1-4"};
    return card;
}

CardIdentity Read(const FakeSystem& system, int card) {
    return ReadCardIdentity(card, system.Proc(), system.Sys());
}

std::vector<CardIdentity> Select(const FakeSystem& system, std::vector<int> cards,
                                 DiscoveryOptions options = {}) {
    options.proc_root = system.Proc();
    options.sys_root = system.Sys();
    std::vector<CardIdentity> present;
    for (int card : cards)
        present.push_back(ReadCardIdentity(card, options.proc_root, options.sys_root));
    return SelectCards(present, options);
}

std::vector<std::string> Ids(const std::vector<CardIdentity>& cards) {
    std::vector<std::string> ids;
    for (const auto& card : cards) ids.push_back(card.id);
    return ids;
}

}  // namespace

TEST_CASE("SanitiseId keeps [A-Za-z0-9._-] and replaces every other byte") {
    CHECK(SanitiseId("P9EAC6K0B2F37F") == "P9EAC6K0B2F37F");
    CHECK(SanitiseId("a.b_c-D9") == "a.b_c-D9");
    CHECK(SanitiseId("AB C/1:2") == "AB_C_1_2");
    CHECK(SanitiseId("\xc3\xa9t\xff") == "__t_");
    CHECK(SanitiseId("sysdefault:CARD=USB") == "sysdefault_CARD_USB");
    CHECK(SanitiseId("") == "_");
}

TEST_CASE("MakeDeviceId follows the documented scheme") {
    CardIdentity identity;
    identity.card = 3;
    identity.ctl = "hw:3";
    identity.card_id = "USB";
    SUBCASE("USB with a serial") {
        identity.usb = UsbIdentity{"1235", "8215", "P9 EA/C6", "1-2.3"};
        CHECK(MakeDeviceId(identity) == "usb-1235-8215-P9_EA_C6");
    }
    SUBCASE("USB without a serial") {
        identity.usb = UsbIdentity{"1235", "8210", "", "1-2.3"};
        CHECK(MakeDeviceId(identity) == "usb-1235-8210-port-1-2.3");
    }
    SUBCASE("USB whose sysfs device was not found") {
        identity.usb = UsbIdentity{"1235", "8210", "", ""};
        CHECK(MakeDeviceId(identity) == "card-USB");
    }
    SUBCASE("not USB") {
        identity.card_id = "Dummy";
        CHECK(MakeDeviceId(identity) == "card-Dummy");
    }
    SUBCASE("plugin ctl") {
        identity.card = -1;
        identity.ctl = "sysdefault:CARD=USB";
        CHECK(MakeDeviceId(identity) == "ctl-sysdefault_CARD_USB");
        CHECK(MakeCtlIdentity("my ctl").id == "ctl-my_ctl");
        CHECK(MakeCtlIdentity("my ctl").card == -1);
        CHECK(MakeCtlIdentity("my ctl").ctl == "my ctl");
    }
}

TEST_CASE("ParseControlNode") {
    CHECK(ParseControlNode("controlC0") == 0);
    CHECK(ParseControlNode("controlC7") == 7);
    CHECK(ParseControlNode("controlC31") == 31);
    CHECK_FALSE(ParseControlNode("controlC"));
    CHECK_FALSE(ParseControlNode("controlCx"));
    CHECK_FALSE(ParseControlNode("controlC7x"));
    CHECK_FALSE(ParseControlNode("controlC-1"));
    CHECK_FALSE(ParseControlNode("controlC+1"));
    CHECK_FALSE(ParseControlNode("controlC 1"));
    CHECK_FALSE(ParseControlNode("controlC99999999999999"));
    CHECK_FALSE(ParseControlNode("pcmC0D0p"));
    CHECK_FALSE(ParseControlNode("hwC0D0"));
    CHECK_FALSE(ParseControlNode(""));
}

TEST_CASE("LookupModel and ParseUsbId") {
    auto model = LookupModel("1235", "8215");
    REQUIRE(model);
    CHECK(std::string(model->name) == "Scarlett 18i20 3rd Gen");
    CHECK(model->family == Family::Scarlett2);

    model = LookupModel("1235", "821D");
    REQUIRE(model);
    CHECK(std::string(model->name) == "Scarlett 18i20 4th Gen");
    CHECK(model->family == Family::Fcp);

    CHECK(std::string(LookupModel("1235", "800c")->name) == "Scarlett 18i20 1st Gen");
    CHECK(LookupModel("1235", "800c")->family == Family::Gen1);
    CHECK(std::string(LookupModel("1235", "820b")->name) == "Clarett+ 4Pre");
    CHECK(std::string(LookupModel("1235", "8208")->name) == "Clarett 8Pre USB");
    CHECK(std::string(LookupModel("1235", "8217")->name) == "Vocaster Two");
    CHECK(LookupModel("1235", "8217")->family == Family::Scarlett2);
    CHECK_FALSE(LookupModel("1235", "821e"));
    CHECK_FALSE(LookupModel("046d", "8215"));
    CHECK_FALSE(LookupModel("1235", "82150"));

    const auto usb = ParseUsbId("1235:821D\n");
    REQUIRE(usb);
    CHECK(usb->vendor == "1235");
    CHECK(usb->product == "821d");
    CHECK_FALSE(ParseUsbId("garbage"));
    CHECK_FALSE(ParseUsbId("12345:0001"));
    CHECK_FALSE(ParseUsbId("1235:"));
}

TEST_CASE("ReadCardIdentity on a recorded tree") {
    FakeSystem system;

    SUBCASE("Focusrite USB card with a serial") {
        system.AddCard(Dummy(0));
        system.AddCard(Scarlett18i20(1));
        const CardIdentity identity = Read(system, 1);
        CHECK(identity.id == "usb-1235-8215-P9EAC6K0B2F37F");
        CHECK(identity.card == 1);
        CHECK(identity.ctl == "hw:1");
        CHECK(identity.card_id == "USB");
        CHECK(identity.name == "Scarlett 18i20 USB");
        CHECK(identity.driver == "USB-Audio");
        CHECK(identity.longname ==
              "Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-2.3, high speed");
        CHECK(identity.model == "Scarlett 18i20 3rd Gen");
        CHECK(identity.family == Family::Scarlett2);
        REQUIRE(identity.usb);
        CHECK(identity.usb->vendor == "1235");
        CHECK(identity.usb->product == "8215");
        CHECK(identity.usb->serial == "P9EAC6K0B2F37F");
        CHECK(identity.usb->path == "1-2.3");
        CHECK(IsFocusrite(identity));
    }
    SUBCASE("USB card without a serial is keyed by its port") {
        system.AddCard(Scarlett18i20(0, std::nullopt, "3-1"));
        const CardIdentity identity = Read(system, 0);
        CHECK(identity.id == "usb-1235-8215-port-3-1");
        REQUIRE(identity.usb);
        CHECK(identity.usb->serial.empty());
        CHECK(identity.usb->path == "3-1");
    }
    SUBCASE("serials are sanitised in the id and kept as they are otherwise") {
        system.AddCard(Scarlett18i20(0, "S/N 12:34"));
        const CardIdentity identity = Read(system, 0);
        CHECK(identity.id == "usb-1235-8215-S_N_12_34");
        CHECK(identity.usb->serial == "S/N 12:34");
    }
    SUBCASE("only controlCN/device/device leads to the USB device") {
        auto card = Scarlett18i20(2);
        card.only_control_link = true;
        system.AddCard(card);
        const CardIdentity identity = Read(system, 2);
        CHECK(identity.id == "usb-1235-8215-P9EAC6K0B2F37F");
        CHECK(identity.usb->path == "1-2.3");
    }
    SUBCASE("not USB") {
        system.AddCard(Dummy(0));
        const CardIdentity identity = Read(system, 0);
        CHECK(identity.id == "card-Dummy");
        CHECK_FALSE(identity.usb);
        CHECK_FALSE(identity.model);
        CHECK(identity.family == Family::Other);
        CHECK_FALSE(IsFocusrite(identity));
    }
    SUBCASE("unknown USB device") {
        system.AddCard(Webcam(0));
        const CardIdentity identity = Read(system, 0);
        CHECK(identity.id == "usb-046d-0825-port-1-4");
        CHECK_FALSE(identity.model);
        CHECK(identity.family == Family::Other);
        CHECK_FALSE(IsFocusrite(identity));
    }
    SUBCASE("a card is registered once its proc directory has an id") {
        system.AddCard(Dummy(0));
        CHECK(IsCardRegistered(0, system.Proc()));
        CHECK_FALSE(IsCardRegistered(1, system.Proc()));
        std::filesystem::remove(std::filesystem::path(system.Proc()) / "asound/card0/id");
        CHECK_FALSE(IsCardRegistered(0, system.Proc()));
    }
    SUBCASE("registered before its usbid: the USB identity comes from sysfs") {
        /* snd_card_register() makes the control node and /proc/asound/cardN/id
         * before the card's other proc files (usbid): a daemon that sees the node
         * can be quicker than usbid (seen with the real driver in the VM). */
        system.AddCard(Scarlett18i20(1));
        std::filesystem::remove(std::filesystem::path(system.Proc()) / "asound/card1/usbid");
        const CardIdentity identity = Read(system, 1);
        CHECK(identity.id == "usb-1235-8215-P9EAC6K0B2F37F");
        CHECK(identity.model == "Scarlett 18i20 3rd Gen");
        REQUIRE(identity.usb);
        CHECK(identity.usb->path == "1-2.3");
    }
    SUBCASE("a card proc does not list falls back to cardN/id") {
        system.AddCard(Dummy(0));
        const CardIdentity identity = Read(system, 5);
        CHECK(identity.card_id.empty());
        CHECK(identity.id == "card-5");
    }
    SUBCASE("the id survives replug as another card number and in another port") {
        system.AddCard(Scarlett18i20(1));
        const std::string before = Read(system, 1).id;
        system.RemoveCard(1);
        system.AddCard(Hda(1));
        system.AddCard(Scarlett18i20(4, "P9EAC6K0B2F37F", "2-1"));
        const CardIdentity after = Read(system, 4);
        CHECK(after.id == before);
        CHECK(after.card == 4);
        CHECK(after.ctl == "hw:4");
        CHECK(after.usb->path == "2-1");
    }
    SUBCASE("without a serial the id survives renumbering in the same port") {
        system.AddCard(Scarlett18i20(1, std::nullopt));
        const std::string before = Read(system, 1).id;
        system.RemoveCard(1);
        system.AddCard(Scarlett18i20(3, std::nullopt));
        CHECK(Read(system, 3).id == before);
    }
}

TEST_CASE("ParseHwCtlName") {
    CHECK(ParseHwCtlName("hw:0") == "0");
    CHECK(ParseHwCtlName("hw:12") == "12");
    CHECK(ParseHwCtlName("hw:USB") == "USB");
    CHECK(ParseHwCtlName("hw:CARD=USB") == "USB");
    CHECK(ParseHwCtlName("hw:CARD=1") == "1");
    CHECK_FALSE(ParseHwCtlName("hw:"));
    CHECK_FALSE(ParseHwCtlName("hw:0,0"));
    CHECK_FALSE(ParseHwCtlName("default"));
    CHECK_FALSE(ParseHwCtlName("sysdefault:CARD=USB"));
    CHECK_FALSE(ParseHwCtlName("1"));
}

TEST_CASE("Card selection on a recorded tree") {
    FakeSystem system;
    system.AddCard(Hda(0));
    system.AddCard(Scarlett18i20(1));
    system.AddCard(Webcam(2));
    system.AddCard(Dummy(3));

    SUBCASE("Focusrite by name only by default") {
        CHECK(Ids(Select(system, {0, 1, 2, 3})) ==
              std::vector<std::string>{"usb-1235-8215-P9EAC6K0B2F37F"});
    }
    SUBCASE("Focusrite by USB vendor when the name does not say so") {
        auto card = Scarlett18i20(4, "X1");
        card.name = "USB Audio";
        card.usb->product = "821d";
        system.AddCard(card);
        const auto selected = Select(system, {0, 4});
        REQUIRE(selected.size() == 1);
        CHECK(selected[0].id == "usb-1235-821d-X1");
        CHECK(selected[0].family == Family::Fcp);
        CHECK(selected[0].model == "Scarlett 18i20 4th Gen");
    }
    SUBCASE("Clarett and Vocaster names") {
        CardIdentity identity;
        identity.name = "Clarett+ 8Pre";
        CHECK(IsFocusrite(identity));
        identity.name = "Vocaster Two";
        CHECK(IsFocusrite(identity));
        identity.name = "Scarlett 2i2 4th Gen";
        CHECK(IsFocusrite(identity));
        identity.name = "USB Audio Device";
        CHECK_FALSE(IsFocusrite(identity));
    }
    SUBCASE("--all-cards takes every card") {
        DiscoveryOptions options;
        options.all_cards = true;
        CHECK(Ids(Select(system, {0, 1, 2, 3}, options)) ==
              std::vector<std::string>{"card-PCH", "usb-1235-8215-P9EAC6K0B2F37F",
                                       "usb-046d-0825-port-1-4", "card-Dummy"});
    }
    SUBCASE("--card by index, id and CARD=id") {
        for (const char* name : {"hw:3", "hw:Dummy", "hw:CARD=Dummy", "hw:CARD=3"}) {
            CAPTURE(name);
            DiscoveryOptions options;
            options.extra_ctls = {name};
            const auto selected = Select(system, {0, 1, 2, 3}, options);
            REQUIRE(selected.size() == 2);
            CHECK(selected[1].id == "card-Dummy");
            CHECK(selected[1].card == 3);
            CHECK(selected[1].ctl == "hw:3");
        }
    }
    SUBCASE("a card named twice, or also a Focusrite, is taken once") {
        DiscoveryOptions options;
        options.extra_ctls = {"hw:1", "hw:CARD=USB", "hw:3", "hw:Dummy"};
        CHECK(Ids(Select(system, {0, 1, 2, 3}, options)) ==
              std::vector<std::string>{"usb-1235-8215-P9EAC6K0B2F37F", "card-Dummy"});
    }
    SUBCASE("plugin ctls are taken as they are, once each, after the cards") {
        DiscoveryOptions options;
        options.extra_ctls = {"sysdefault:CARD=PCH", "hw:3", "sysdefault:CARD=PCH", "myctl"};
        const auto selected = Select(system, {0, 1, 2, 3}, options);
        CHECK(Ids(selected) == std::vector<std::string>{"usb-1235-8215-P9EAC6K0B2F37F",
                                                        "card-Dummy", "ctl-sysdefault_CARD_PCH",
                                                        "ctl-myctl"});
        CHECK(selected[2].card == -1);
        CHECK(selected[2].ctl == "sysdefault:CARD=PCH");
        CHECK_FALSE(selected[2].usb);
    }
    SUBCASE("hw names that match no card are reported") {
        DiscoveryOptions options;
        options.extra_ctls = {"hw:3", "hw:7", "hw:Nope", "myctl"};
        options.proc_root = system.Proc();
        options.sys_root = system.Sys();
        std::vector<CardIdentity> present;
        for (int card : {0, 1, 2, 3})
            present.push_back(ReadCardIdentity(card, options.proc_root, options.sys_root));
        CHECK(FindMissingCtls(present, options) == std::vector<std::string>{"hw:7", "hw:Nope"});
        CHECK(Select(system, {0, 1, 2, 3}, options).size() == 3);
    }
    SUBCASE("IsWanted for one hotplugged card") {
        DiscoveryOptions options;
        CHECK(IsWanted(Read(system, 1), options));
        CHECK_FALSE(IsWanted(Read(system, 2), options));
        options.extra_ctls = {"hw:U0x46d0x825"};
        CHECK(IsWanted(Read(system, 2), options));
    }
}

TEST_CASE("DiscoverCards runs without sound cards") {
    /* The build machines have no cards: enumeration must simply find none (or some). */
    DiscoveryOptions options;
    options.extra_ctls = {"hw:99"};
    for (const CardIdentity& identity : DiscoverCards(options)) CHECK_FALSE(identity.id.empty());
}
