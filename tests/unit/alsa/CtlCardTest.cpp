// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <poll.h>

#include <cerrno>
#include <string>

#include "FakeCtl.hpp"
#include "alsa/Card.hpp"
#include "alsa/CtlCard.hpp"
#include "alsa/Tlv.hpp"

using namespace Alsa;

namespace {

struct Event {
    enum Kind { VALUE, INFO, ADDED, REMOVED } kind;
    ControlInfo info;
    Value value;
};

class RecordingListener final : public CardListener {
  public:
    void OnControlValue(const ControlInfo& info, const Value& value) noexcept override {
        events.push_back({Event::VALUE, info, value});
    }
    void OnControlInfo(const ControlInfo& info, const Value& value) noexcept override {
        events.push_back({Event::INFO, info, value});
    }
    void OnControlAdded(const ControlInfo& info, const Value& value) noexcept override {
        events.push_back({Event::ADDED, info, value});
    }
    void OnControlRemoved(const ControlId& id) noexcept override {
        ControlInfo info;
        info.id = id;
        events.push_back({Event::REMOVED, info, {}});
    }
    std::vector<Event> events;
};

/* SNDRV_CTL_ELEM_ACCESS_LOCK (sound/asound.h, not exported by asoundlib.h). */
constexpr unsigned ACCESS_LOCK = 1U << 9;

const std::vector<unsigned> VOLUME_TLV{TLV_DB_MINMAX, 8, static_cast<unsigned>(-12700), 0};

/* A small Scarlett-like control set. */
void Populate(FakeCtl& fake) {
    FakeCtl::Elem volume;
    volume.name = "Line 01 Playback Volume";
    volume.count = 2;
    volume.max = 127;
    volume.step = 1;
    volume.values = {100, 90};
    volume.tlv = VOLUME_TLV;
    fake.Add(volume);

    FakeCtl::Elem phantom;
    phantom.name = "Line In 1-4 Phantom Power Capture Switch";
    phantom.type = SND_CTL_ELEM_TYPE_BOOLEAN;
    phantom.values = {1};
    fake.Add(phantom);

    FakeCtl::Elem source;
    source.name = "PCM 01 Capture Enum";
    source.type = SND_CTL_ELEM_TYPE_ENUMERATED;
    source.items = {"Off", "Analogue 1", "Analogue 2"};
    source.values = {2};
    fake.Add(source);

    FakeCtl::Elem meter;
    meter.name = "Level Meter";
    meter.iface = SND_CTL_ELEM_IFACE_PCM;
    meter.access = SND_CTL_EXT_ACCESS_READ | SND_CTL_EXT_ACCESS_VOLATILE;
    meter.count = 4;
    meter.max = 4095;
    meter.values = {1, 2, 3, 4};
    fake.Add(meter);

    FakeCtl::Elem bytes;
    bytes.name = "Custom Bytes";
    bytes.type = SND_CTL_ELEM_TYPE_BYTES;
    bytes.count = 3;
    bytes.bytes = {7, 8, 9};
    fake.Add(bytes);
}

bool Handle(Card& card, short revents = POLLIN) {
    auto fds = card.GetPollFds();
    REQUIRE(fds.size() == 1);
    fds[0].revents = revents;
    return card.HandleEvents(fds);
}

}  // namespace

TEST_CASE("Alsa::Error carries the negative errno and says what failed") {
    const Error error(-ENODEV, "snd_ctl_elem_read Line 01 Volume");
    CHECK(error.err == -ENODEV);
    CHECK(error.GetErrno() == ENODEV);
    CHECK(std::string(error.what()) == "snd_ctl_elem_read Line 01 Volume: No such device");
}

TEST_CASE("OpenCard throws Alsa::Error for a card that does not exist") {
    RecordingListener listener;
    for (const char* name : {"hw:99", "no_such_ctl_plugin"}) {
        CAPTURE(name);
        try {
            OpenCard(name, listener);
            FAIL("OpenCard succeeded");
        } catch (const Error& error) {
            CHECK(error.err < 0);
            CHECK(std::string(error.what()).find(name) != std::string::npos);
        }
    }
}

TEST_CASE("CtlCard loads every element with info, dB TLV and value") {
    FakeCtl fake;
    Populate(fake);
    RecordingListener listener;
    auto card = OpenCard(fake.Open(), listener);
    CHECK(fake.subscribed);
    CHECK(listener.events.empty());

    const auto controls = card->GetControls();
    REQUIRE(controls.size() == 5);
    for (unsigned i = 0; i < controls.size(); ++i) CHECK(controls[i].info.id.numid == i + 1);

    const ControlInfo& volume = controls[0].info;
    CHECK(volume.id.name == "Line 01 Playback Volume");
    CHECK(volume.id.iface == Iface::Mixer);
    CHECK(volume.type == ElemType::Integer);
    CHECK(volume.count == 2);
    CHECK(volume.min == 0);
    CHECK(volume.max == 127);
    CHECK(volume.step == 1);
    CHECK(volume.access.read);
    CHECK(volume.access.write);
    CHECK(volume.access.tlv_read);
    CHECK_FALSE(volume.access.is_volatile);
    CHECK(volume.access.IsWritable());
    CHECK(volume.db_tlv == VOLUME_TLV);
    CHECK(controls[0].value.numbers == std::vector<int64_t>{100, 90});

    CHECK(controls[1].info.type == ElemType::Boolean);
    CHECK(controls[1].info.db_tlv.empty());
    CHECK(controls[1].value.numbers == std::vector<int64_t>{1});

    CHECK(controls[2].info.type == ElemType::Enumerated);
    CHECK(controls[2].info.items == std::vector<std::string>{"Off", "Analogue 1", "Analogue 2"});
    CHECK(controls[2].value.numbers == std::vector<int64_t>{2});

    const ControlInfo& meter = controls[3].info;
    CHECK(meter.id.iface == Iface::Pcm);
    CHECK(meter.access.is_volatile);
    CHECK_FALSE(meter.access.write);
    CHECK(controls[3].value.numbers == std::vector<int64_t>{1, 2, 3, 4});

    CHECK(controls[4].info.type == ElemType::Bytes);
    CHECK(controls[4].value.bytes == std::vector<uint8_t>{7, 8, 9});
    CHECK(controls[4].value.numbers.empty());

    card.reset();
    CHECK(fake.closed);
    CHECK(listener.events.empty());  // closing is not a removal to report
}

TEST_CASE("CtlCard keeps one copy of each distinct item list, shared by every copy") {
    /* A Scarlett's routing enums all list the same sources: one list in memory. */
    FakeCtl fake;
    for (const char* name : {"PCM 01 Capture Enum", "PCM 02 Capture Enum", "Level Enum"}) {
        FakeCtl::Elem e;
        e.name = name;
        e.type = SND_CTL_ELEM_TYPE_ENUMERATED;
        e.items = std::string(name) == "Level Enum"
                      ? std::vector<std::string>{"Line", "Inst"}
                      : std::vector<std::string>{"Off", "Analogue 1", "Analogue 2"};
        e.values = {1};
        fake.Add(e);
    }
    RecordingListener listener;
    auto card = OpenCard(fake.Open(), listener);
    const auto controls = card->GetControls();
    REQUIRE(controls.size() == 3);
    CHECK(controls[0].info.items == std::vector<std::string>{"Off", "Analogue 1", "Analogue 2"});
    CHECK(controls[0].info.items.SharesWith(controls[1].info.items));
    CHECK(controls[2].info.items == std::vector<std::string>{"Line", "Inst"});
    CHECK_FALSE(controls[2].info.items.SharesWith(controls[0].info.items));
    /* Another copy of the card's controls shares the same lists. */
    CHECK(card->GetControls()[1].info.items.SharesWith(controls[0].info.items));
}

TEST_CASE("ItemList reads like a vector; equal lists compare equal whether shared or not") {
    const ItemList a{"Off", "On"};
    const ItemList b = std::vector<std::string>{"Off", "On"};
    const ItemList copy = a;
    CHECK(a.size() == 2);
    CHECK(a[1] == "On");
    CHECK(a.at(0) == "Off");
    CHECK(std::vector<std::string>(a.begin(), a.end()) == std::vector<std::string>{"Off", "On"});
    CHECK(a == b);
    CHECK_FALSE(a.SharesWith(b));
    CHECK(copy.SharesWith(a));
    CHECK_FALSE(a == ItemList{"Off"});
    const ItemList none;
    CHECK(none.empty());
    CHECK(none == ItemList(std::vector<std::string>{}));
    CHECK_THROWS_AS(none.at(0), std::out_of_range);
}

TEST_CASE("CtlCard misses no element created while it loads") {
    /* The card subscribes before it lists: an element created meanwhile is listed, or
     * announced by ADD, or both; each is reported once at most. */
    FakeCtl fake;
    Populate(fake);
    FakeCtl::Elem late;
    late.name = "Created By fcp-server";
    late.max = 10;
    late.values = {3};
    bool announce = false;
    fake.on_subscribe = [&](FakeCtl& f) {
        const unsigned numid = f.Add(late);
        if (announce) f.Push(numid, SND_CTL_EVENT_MASK_ADD);
    };
    RecordingListener listener;

    SUBCASE("listed") {}
    SUBCASE("listed and announced") {
        announce = true;
    }

    auto card = OpenCard(fake.Open(), listener);
    auto controls = card->GetControls();
    REQUIRE(controls.size() == 6);
    CHECK(controls[5].info.id.name == "Created By fcp-server");
    CHECK(controls[5].value.numbers == std::vector<int64_t>{3});
    CHECK(Handle(*card, announce ? POLLIN : 0));
    CHECK(listener.events.empty());
    CHECK(card->GetControls().size() == 6);
    CHECK(fake.events.empty());
}

TEST_CASE("CtlCard reports events") {
    FakeCtl fake;
    Populate(fake);
    RecordingListener listener;
    auto card = OpenCard(fake.Open(), listener);

    SUBCASE("nothing readable: no work") {
        CHECK(Handle(*card, 0));
        CHECK(listener.events.empty());
    }
    SUBCASE("VALUE re-reads the value, once per merged event") {
        fake.At(1).values = {50, 60};
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::VALUE);
        CHECK(listener.events[0].info.id.numid == 1);
        CHECK(listener.events[0].value.numbers == std::vector<int64_t>{50, 60});
        CHECK(card->GetControls()[0].value.numbers == std::vector<int64_t>{50, 60});
    }
    SUBCASE("INFO merged with VALUE re-reads both") {
        fake.At(2).access = SND_CTL_EXT_ACCESS_READ | SND_CTL_EXT_ACCESS_INACTIVE;
        fake.At(2).values = {0};
        fake.Push(2, SND_CTL_EVENT_MASK_VALUE | SND_CTL_EVENT_MASK_INFO);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::INFO);
        CHECK_FALSE(listener.events[0].info.access.write);
        CHECK(listener.events[0].info.access.inactive);
        CHECK_FALSE(listener.events[0].info.access.IsWritable());
        CHECK(listener.events[0].value.numbers == std::vector<int64_t>{0});
        CHECK(card->GetControls()[1].info.access.inactive);
    }
    SUBCASE("a changed dB TLV is noticed with its TLV event, alone or merged with VALUE") {
        const std::vector<unsigned> tlv{TLV_DB_SCALE, 8, static_cast<unsigned>(-6350), 50};
        fake.At(1).tlv = tlv;
        fake.Push(1, SND_CTL_EVENT_MASK_TLV);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::INFO);
        CHECK(listener.events[0].info.db_tlv == tlv);

        listener.events.clear();
        fake.At(1).tlv = VOLUME_TLV;
        fake.At(1).values = {5, 6};
        fake.Push(1, SND_CTL_EVENT_MASK_TLV | SND_CTL_EVENT_MASK_VALUE);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::INFO);
        CHECK(listener.events[0].info.db_tlv == VOLUME_TLV);
        CHECK(listener.events[0].value.numbers == std::vector<int64_t>{5, 6});

        listener.events.clear();
        fake.Push(1, SND_CTL_EVENT_MASK_TLV);
        CHECK(Handle(*card));
        CHECK(listener.events.empty());  // same TLV: nothing to tell
    }
    SUBCASE("a VALUE event reads the value and the access flags, not the TLV") {
        fake.At(1).values = {7, 8};
        fake.tlv_reads = 0;
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::VALUE);
        CHECK(fake.tlv_reads == 0);
    }
    SUBCASE("more events than one round takes: the rest wait for the next round") {
        for (int i = 0; i < 100; ++i) {
            fake.At(1).values = {i, i};
            fake.Push(1 + static_cast<unsigned>(i % 3), SND_CTL_EVENT_MASK_VALUE);
        }
        CHECK(Handle(*card));
        CHECK(listener.events.size() == 64);
        CHECK(fake.events.size() == 36);
        CHECK(Handle(*card));
        CHECK(listener.events.size() == 100);
        CHECK(fake.events.empty());
        CHECK(listener.events.back().value.numbers == std::vector<int64_t>{99, 99});
    }
    SUBCASE("a lock released without an event is noticed by the checks after a VALUE") {
        /* The kernel locks user elements for their creator and unlocks them silently
         * when it closes its file; only value changes come as events. The value is
         * reported first; the access check runs when the owner asks for it. */
        fake.At(1).access = SND_CTL_EXT_ACCESS_READWRITE | ACCESS_LOCK;
        CHECK(card->ReadInfo(1).access.locked);
        CHECK_FALSE(card->GetControls()[0].info.access.IsWritable());
        CHECK_FALSE(card->HasChecks());
        fake.At(1).access = SND_CTL_EXT_ACCESS_READWRITE;
        fake.At(1).values = {1, 2};
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 2);
        CHECK(listener.events[0].kind == Event::VALUE);
        CHECK(listener.events[0].value.numbers == std::vector<int64_t>{1, 2});
        CHECK(card->HasChecks());
        card->RunChecks();
        CHECK_FALSE(card->HasChecks());
        REQUIRE(listener.events.size() == 3);  // one check per element, not per event
        CHECK(listener.events[2].kind == Event::INFO);
        CHECK_FALSE(listener.events[2].info.access.locked);
        CHECK(listener.events[2].info.db_tlv == VOLUME_TLV);
        CHECK(listener.events[2].value.numbers == std::vector<int64_t>{1, 2});
        CHECK(card->GetControls()[0].info.access.IsWritable());

        listener.events.clear();
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        CHECK(Handle(*card));
        card->RunChecks();
        REQUIRE(listener.events.size() == 1);  // access unchanged: nothing more
        CHECK(listener.events[0].kind == Event::VALUE);
    }
    SUBCASE("an INFO event that changes nothing is not reported") {
        fake.Push(2, SND_CTL_EVENT_MASK_INFO);
        CHECK(Handle(*card));
        CHECK(listener.events.empty());
    }
    SUBCASE("several events in one go") {
        fake.At(2).access = SND_CTL_EXT_ACCESS_READ;
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        fake.Push(3, SND_CTL_EVENT_MASK_VALUE);
        fake.Push(2, SND_CTL_EVENT_MASK_INFO);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 3);
        CHECK(listener.events[0].info.id.numid == 1);
        CHECK(listener.events[1].info.id.numid == 3);
        CHECK(listener.events[2].kind == Event::INFO);
        CHECK(fake.events.empty());
    }
    SUBCASE("ADD and REMOVE") {
        FakeCtl::Elem added;
        added.name = "Talkback Playback Switch";
        added.type = SND_CTL_ELEM_TYPE_BOOLEAN;
        added.values = {1};
        const unsigned numid = fake.Add(added);
        fake.Push(numid, SND_CTL_EVENT_MASK_ADD);
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::ADDED);
        CHECK(listener.events[0].info.id.name == "Talkback Playback Switch");
        CHECK(listener.events[0].value.numbers == std::vector<int64_t>{1});
        CHECK(card->GetControls().size() == 6);
        CHECK(card->Read(numid).numbers == std::vector<int64_t>{1});

        listener.events.clear();
        fake.Push(numid, SND_CTL_EVENT_MASK_REMOVE);
        fake.elems.pop_back();
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::REMOVED);
        CHECK(listener.events[0].info.id.numid == numid);
        CHECK(listener.events[0].info.id.name == "Talkback Playback Switch");
        CHECK(card->GetControls().size() == 5);
    }
    SUBCASE("a read error other than ENODEV resynchronises and reports what changed") {
        fake.At(3).values = {1};  // changed without an event
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        fake.read_event_error = -EIO;
        CHECK(Handle(*card));
        REQUIRE(listener.events.size() == 1);
        CHECK(listener.events[0].kind == Event::VALUE);
        CHECK(listener.events[0].info.id.numid == 3);
        CHECK(fake.subscribed);
        CHECK(card->GetControls().size() == 5);
        /* Events still work after the reload. */
        listener.events.clear();
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        CHECK(Handle(*card));
        CHECK(listener.events.size() == 1);
    }
    SUBCASE("ENODEV ends the card") {
        fake.Push(1, SND_CTL_EVENT_MASK_VALUE);
        fake.read_event_error = -ENODEV;
        CHECK_FALSE(Handle(*card));
        CHECK_FALSE(Handle(*card));
    }
    SUBCASE("POLLERR, POLLHUP and POLLNVAL end the card") {
        for (short revents :
             {short(POLLERR), short(POLLHUP), short(POLLNVAL), short(POLLIN | POLLERR)}) {
            FakeCtl other;
            Populate(other);
            auto c = OpenCard(other.Open(), listener);
            CHECK_FALSE(Handle(*c, revents));
        }
    }
    card.reset();
}

TEST_CASE("CtlCard reads and writes every channel") {
    FakeCtl fake;
    Populate(fake);
    RecordingListener listener;
    auto card = OpenCard(fake.Open(), listener);

    card->Write(1, Value{{10, 20}, {}});
    CHECK(fake.last_write == std::vector<long>{10, 20});
    CHECK(card->Read(1).numbers == std::vector<int64_t>{10, 20});

    card->Write(2, Value{{0}, {}});
    CHECK(fake.last_write == std::vector<long>{0});
    card->Write(3, Value{{1}, {}});
    CHECK(fake.last_write == std::vector<long>{1});
    card->Write(5, Value{{}, {1, 2, 3}});
    CHECK(fake.last_write_bytes == std::vector<unsigned char>{1, 2, 3});
    CHECK(card->Read(5).bytes == std::vector<uint8_t>{1, 2, 3});

    fake.At(4).values = {9, 9, 9, 9};
    CHECK(card->Read(4).numbers == std::vector<int64_t>{9, 9, 9, 9});
    CHECK(card->GetControls()[3].value.numbers == std::vector<int64_t>{9, 9, 9, 9});

    fake.At(1).max = 100;
    CHECK(card->ReadInfo(1).max == 100);
    CHECK(card->GetControls()[0].info.max == 100);

    auto errno_of = [](auto&& f) {
        try {
            f();
        } catch (const Error& e) {
            return e.GetErrno();
        }
        return 0;
    };
    CHECK(errno_of([&] { card->Write(1, Value{{10}, {}}); }) == EINVAL);
    CHECK(errno_of([&] { card->Write(3, Value{{-1}, {}}); }) == EINVAL);
    CHECK(errno_of([&] { card->Write(5, Value{{}, {1}}); }) == EINVAL);
    CHECK(errno_of([&] { card->Write(99, Value{{1}, {}}); }) == ENOENT);
    CHECK(errno_of([&] { card->Read(99); }) == ENOENT);
    CHECK(errno_of([&] { card->ReadInfo(99); }) == ENOENT);
    fake.write_result = -EPERM;
    CHECK(errno_of([&] { card->Write(1, Value{{1, 2}, {}}); }) == EPERM);

    CHECK(listener.events.empty());
}
