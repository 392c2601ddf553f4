// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <unistd.h>

#include "Parts.hpp"
#include "daemon/JsonCodec.hpp"
#include "daemon/methods/Table.hpp"
#include "ipc/Json.hpp"

using nlohmann::json;
using TestData::Parts;

namespace {

const std::string ID = "usb-1235-8215-NOTIFY";

/** A subscription made as `subscribe` makes it, on the last connected session. */
uint64_t Subscribe(Parts& parts, json params = json::object()) {
    params["snapshot"] = false;
    return Methods::Dispatch(*parts.context, *parts.last, "subscribe", params)["subscription"];
}

std::vector<json> Named(const std::vector<json>& messages, const std::string& method) {
    std::vector<json> out;
    for (const auto& m : messages)
        if (m.value("method", "") == method) out.push_back(m);
    return out;
}

}  // namespace

TEST_CASE("Notifier: a round's changes reach each subscription once, with the latest values") {
    Parts parts({TestData::MakeSmallDevice("NOTIFY", 1)});
    parts.cards->Start();
    auto a = parts.Connect();
    const uint64_t sub_a = Subscribe(parts);
    auto b = parts.Connect();
    const uint64_t sub_b = Subscribe(parts, {{"controls", {"Mix*"}}});
    parts.Pump();
    a.Take();
    b.Take();

    /* Two changes of numid 1 and one of numid 2 before the loop runs. */
    auto& device = *parts.cards_in_memory.devices[0].fake;
    device.ExternalSet(1, {{100}, {}});
    device.ExternalSet(2, {{1}, {}});
    device.ExternalSet(1, {{120}, {}});
    parts.Pump();

    const auto got_a = Named(a.Take(), "controls.changed");
    const auto got_b = Named(b.Take(), "controls.changed");
    REQUIRE(got_a.size() == 1);
    REQUIRE(got_b.size() == 1);
    CHECK(got_a[0]["params"]["subscription"] == sub_a);
    CHECK(got_a[0]["params"]["controls"].size() == 2);
    CHECK(got_a[0]["params"]["controls"][0]["value"] == json::array({120}));
    /* b only wants Mix*: the same controls.changed without the switch. */
    CHECK(got_b[0]["params"]["subscription"] == sub_b);
    REQUIRE(got_b[0]["params"]["controls"].size() == 1);
    CHECK(got_b[0]["params"]["controls"][0]["numid"] == 1);
    CHECK(got_b[0]["params"]["seq"] == got_a[0]["params"]["seq"]);

    /* Nothing changed since: nothing more, however long the loop runs. */
    parts.RunFor(50);
    CHECK(a.Take().empty());
}

TEST_CASE("Notifier: a subscriber over its output cap keeps its dirty set, then gets the latest") {
    Ipc::Limits limits;
    limits.max_output = 256;
    Parts parts({TestData::MakeSmallDevice("NOTIFY", 1)}, limits);
    parts.cards->Start();
    auto slow = parts.Connect();
    Subscribe(parts);
    int buffer = 4096;
    REQUIRE(setsockopt(slow.fd.Get(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer)) == 0);
    parts.Pump();
    slow.Take();

    /* Fill the kernel buffers and the connection's output: the next changes wait. */
    auto& device = *parts.cards_in_memory.devices[0].fake;
    for (int v = 0; v < 400; ++v) {
        device.ExternalSet(4, {{v % 170, v % 170}, {}});
        parts.Pump();
    }
    device.ExternalSet(1, {{42}, {}});
    parts.Pump();
    /* The reader catches up: what was pending arrives, ending at the latest values. */
    std::vector<json> all;
    for (int i = 0; i < 200; ++i) {
        auto more = slow.Take();
        all.insert(all.end(), more.begin(), more.end());
        parts.Pump();
    }
    json last_volume, last_stereo;
    for (const auto& m : Named(all, "controls.changed"))
        for (const auto& c : m["params"]["controls"]) {
            if (c["numid"] == 1) last_volume = c["value"];
            if (c["numid"] == 4) last_stereo = c["value"];
        }
    CHECK(last_volume == json::array({42}));
    CHECK(last_stereo == json::array({399 % 170, 399 % 170}));
    /* Coalesced: far fewer notifications than changes. */
    CHECK(Named(all, "controls.changed").size() < 400);
}

TEST_CASE("Notifier: an events-socket session starts with a snapshot and has no subscription ids") {
    Parts parts({TestData::MakeSmallDevice("NOTIFY", 1)});
    parts.cards->Start();
    auto events = parts.Connect(Ipc::SocketKind::Events);
    parts.Pump();
    auto first = events.Take();
    REQUIRE(first.size() == 1);
    CHECK(first[0]["method"] == "snapshot");
    CHECK(first[0]["params"]["snapshot"]["controls"][ID].size() == 6 + TestData::DAEMON_CONTROLS);
    parts.cards_in_memory.devices[0].fake->ExternalSet(2, {{1}, {}});
    parts.Pump();
    auto changed = Named(events.Take(), "controls.changed");
    REQUIRE(changed.size() == 1);
    CHECK_FALSE(changed[0]["params"].contains("subscription"));
    /* A session that goes away is detached: later changes are not encoded for it. */
    parts.server.reset();
    parts.cards_in_memory.devices[0].fake->ExternalSet(2, {{0}, {}});
    parts.Pump();
}

TEST_CASE("Controls in full form are encoded once, and never served stale") {
    Parts parts({TestData::MakeSmallDevice("NOTIFY", 1)});
    parts.cards->Start();
    auto client = parts.Connect();
    const auto list = [&] {
        auto result =
            Methods::Dispatch(*parts.context, *parts.last, "controls.list", json::object());
        /* What the client is sent: the encoded parts spliced in. */
        return json::parse(Ipc::Encode(result))["controls"];
    };
    const json before = list();
    CHECK(list() == before);
    auto& device = *parts.cards_in_memory.devices[0].fake;
    device.ExternalSet(1, {{77}, {}});
    parts.Pump();
    const json after = list();
    CHECK(after[0]["numid"] == 1);
    CHECK(after[0]["value"] == json::array({77}));
    CHECK(after[1] == before[1]);
    /* Its write access changes: the info is new too. */
    device.SetWritable(1, false);
    parts.Pump();
    CHECK(list()[0]["writable"] == false);
}

TEST_CASE("A volatile control is read afresh for every listing") {
    Parts parts({TestData::MakeDevice(TestData::ScarlettIdentity("usb-1235-8215-METER", "METER", 1),
                                      {TestData::LevelMeter(1, 2)})});
    parts.cards->Start();
    auto client = parts.Connect();
    /* Through the socket: the read runs on the card's thread, the answer comes later. */
    const auto value = [&] {
        const std::string line = R"({"jsonrpc":"2.0","id":1,"method":"controls.list"})"
                                 "\n";
        REQUIRE(write(client.fd.Get(), line.data(), line.size()) ==
                static_cast<ssize_t>(line.size()));
        parts.Pump();
        const auto replies = client.Take();
        REQUIRE(replies.size() == 1);
        return replies[0]["result"]["controls"][0]["value"];
    };
    CHECK(value() == json::array({0, 0}));
    /* A meter moves without an event. */
    parts.cards_in_memory.devices[0].fake->SetSilently(1, {{100, 200}, {}});
    CHECK(value() == json::array({100, 200}));
}

TEST_CASE("Notifier: snapshots and listings written as text are what the codec's tree encodes") {
    /* Every control type, TLVs, enum items and a volatile meter: the 18i20 3rd Gen. */
    const std::string state =
        std::string(SCARLETTD_SHARED_DIR) + "/fixtures/alsa-state/scarlett-gen3-18i20.state";
    Parts parts({TestData::MakeStateDevice(state, "", 0), TestData::MakeSmallDevice("NOTIFY", 1)});
    parts.cards->Start();
    parts.Pump();
    REQUIRE(parts.cache.GetDevices().size() == 2);

    /* What the text must equal, byte for byte: the tree of Codec's parts, encoded. */
    auto tree = [&](const std::optional<std::string>& only, const std::string& glob) {
        json devices = json::array();
        json controls = json::object();
        for (const auto& [id, device] : parts.cache.GetDevices()) {
            if (only && id != *only) continue;
            devices.push_back(Codec::DeviceToJson(device));
            json list = json::array();
            for (const auto& [numid, c] : device.controls)
                if (glob.empty() || c.info.id.name.find(glob) != std::string::npos)
                    list.push_back(Codec::ControlToJson(device, c));
            controls[id] = std::move(list);
        }
        return json{{"devices", devices}, {"controls", controls}};
    };

    auto peer = parts.Connect();
    const std::string gen3 = parts.cache.GetDevices().begin()->first;
    SUBCASE("every device, every control") {
        const json result =
            Methods::Dispatch(*parts.context, *parts.last, "subscribe", json::object());
        CHECK(Ipc::Encode(result["snapshot"]) == Ipc::Encode(tree(std::nullopt, "")));
    }
    SUBCASE("one device, some controls, twice (the second from the kept encodings)") {
        const json params = {{"devices", {gen3}}, {"controls", {"*Volume*"}}};
        for (int i = 0; i < 2; ++i) {
            const json result = Methods::Dispatch(*parts.context, *parts.last, "subscribe", params);
            CHECK(Ipc::Encode(result["snapshot"]) == Ipc::Encode(tree(gen3, "Volume")));
        }
    }
    SUBCASE("controls.list, the meter read from the device") {
        const std::string request =
            R"({"jsonrpc":"2.0","id":7,"method":"controls.list","params":{"device":")" + gen3 +
            "\"}}\n";
        REQUIRE(write(peer.fd.Get(), request.data(), request.size()) ==
                static_cast<ssize_t>(request.size()));
        std::vector<std::string> lines;
        for (int i = 0; i < 200 && lines.empty(); ++i) {
            parts.RunFor(5);
            lines = peer.TakeLines();
        }
        REQUIRE(lines.size() == 1);
        const json list = tree(gen3, "")["controls"][gen3];
        const json expected = {{"device", gen3}, {"seq", parts.cache.GetSeq()}, {"controls", list}};
        CHECK(lines[0] == Ipc::EncodeResponse(7, expected));
    }
}
