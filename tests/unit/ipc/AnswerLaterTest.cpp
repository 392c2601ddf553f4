// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Answers given later (Session::AnswerLater): a request whose work goes on elsewhere
 * (a write on a card's own thread) holds only its own client's later requests, which
 * keep their order; a batch around it stays whole and in order; a client that leaves
 * meanwhile still has the rest of what it asked done.
 */
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "TestSupport.hpp"

using namespace IpcTest;

namespace {

/** "later" is answered when the test says (pending); everything else as usual. */
struct Later {
    std::vector<std::shared_ptr<Ipc::Answer>> pending;
    std::vector<std::string> acted;

    explicit Later(Harness& h) {
        h.handler.on_call = [this](Ipc::Connection& connection, const std::string& method,
                                   const json& params) -> json {
            if (method == "later") {
                pending.push_back(connection.GetSession().AnswerLater());
                return nullptr;
            }
            if (method == "act") acted.push_back(params.value("n", ""));
            if (method == "fail")
                throw Ipc::RpcError(Ipc::ErrorCode::DeviceNotFound, "no such device");
            return params;
        };
    }
};

}  // namespace

TEST_CASE("A request answered later holds its own client's next requests, no one else's") {
    Harness h;
    Later later(h);
    Client a = h.Connect();
    Client b = h.Connect();
    a.Write(R"({"jsonrpc":"2.0","method":"later","id":1})"
            "\n"
            R"({"jsonrpc":"2.0","method":"echo","id":2,"params":{"n":2}})"
            "\n");
    h.Pump();
    REQUIRE(later.pending.size() == 1);
    CHECK(a.TakeLines().empty());
    /* The request after it has not even run: it might depend on the first. */
    CHECK(h.handler.calls == std::vector<std::string>{"later"});

    const auto other = h.Exchange(b, R"({"jsonrpc":"2.0","method":"echo","id":9})"
                                     "\n");
    CHECK(other.size() == 1);
    CHECK(a.TakeLines().empty());

    later.pending[0]->Resolve({{"done", true}});
    h.Pump();
    const auto replies = a.TakeMessages();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0]["id"] == 1);
    CHECK(replies[0]["result"] == json{{"done", true}});
    CHECK(replies[1]["id"] == 2);
    CHECK(replies[1]["result"] == json{{"n", 2}});

    /* Given twice, or after the fact: nothing more is sent. */
    later.pending[0]->Resolve({{"done", false}});
    h.Pump();
    CHECK(a.TakeLines().empty());
}

TEST_CASE("A batch waits for the answer in its middle and stays in order") {
    Harness h;
    Later later(h);
    Client a = h.Connect();
    a.Write(R"([{"jsonrpc":"2.0","method":"echo","id":1},)"
            R"({"jsonrpc":"2.0","method":"later","id":2},)"
            R"({"jsonrpc":"2.0","method":"later"},)"
            R"({"jsonrpc":"2.0","method":"echo","id":4}])"
            "\n");
    h.Pump();
    REQUIRE(later.pending.size() == 1);
    CHECK(a.TakeLines().empty());
    later.pending[0]->Reject(Ipc::RpcError(Ipc::ErrorCode::DeviceBusy, "busy"));
    h.Pump();
    /* The notification in the batch is answered later too: nothing of it is sent, but
     * the request after it waits for it. */
    REQUIRE(later.pending.size() == 2);
    CHECK(a.TakeLines().empty());
    later.pending[1]->Resolve(nullptr);
    h.Pump();
    const auto replies = a.TakeMessages();
    REQUIRE(replies.size() == 1);
    REQUIRE(replies[0].is_array());
    REQUIRE(replies[0].size() == 3);
    CHECK(replies[0][0]["id"] == 1);
    CHECK(replies[0][1]["id"] == 2);
    CHECK(replies[0][1]["error"]["code"] == -32008);
    CHECK(replies[0][2]["id"] == 4);
}

TEST_CASE("A client that leaves while a request waits: the rest of what it asked is done") {
    Harness h;
    Later later(h);
    Client other = h.Connect();
    {
        Client a = h.Connect();
        a.Write(R"({"jsonrpc":"2.0","method":"later","id":1})"
                "\n"
                R"({"jsonrpc":"2.0","method":"act","params":{"n":"after"}})"
                "\n");
        h.Pump();
        REQUIRE(later.pending.size() == 1);
    }
    h.Pump();
    CHECK(later.acted.empty());
    CHECK(h.handler.disconnected.empty());
    /* Others are served meanwhile. */
    CHECK(h.Exchange(other, R"({"jsonrpc":"2.0","method":"echo","id":1})"
                            "\n")
              .size() == 1);
    later.pending[0]->Resolve(nullptr);
    h.Pump();
    CHECK(later.acted == std::vector<std::string>{"after"});
    CHECK(h.handler.disconnected.size() == 1);
}

TEST_CASE("Requests read together with the hangup: the one that waits, and those after it, run") {
    Harness h;
    Later later(h);
    {
        Client a = h.Connect();
        a.Write(R"({"jsonrpc":"2.0","method":"later","id":1})"
                "\n"
                R"({"jsonrpc":"2.0","method":"act","params":{"n":"after"}})"
                "\n");
    }
    /* The first read brings the requests and the hangup at once. */
    h.Pump();
    REQUIRE(later.pending.size() == 1);
    CHECK(h.handler.disconnected.empty());
    later.pending[0]->Resolve(nullptr);
    h.Pump();
    CHECK(later.acted == std::vector<std::string>{"after"});
    CHECK(h.handler.disconnected.size() == 1);
}

TEST_CASE("An answer for a connection already closed is dropped") {
    Harness h;
    Later later(h);
    Ipc::Connection* connection = nullptr;
    Client a = h.Connect(Ipc::SocketKind::Control, &connection);
    a.Write(R"({"jsonrpc":"2.0","method":"later","id":1})"
            "\n");
    h.Pump();
    REQUIRE(later.pending.size() == 1);
    connection->Close();
    h.Pump();
    CHECK(h.handler.disconnected.size() == 1);
    later.pending[0]->Resolve({{"late", true}});
    h.Pump();
    a.Drain();
    CHECK(a.received.empty());
}

TEST_CASE("A method that throws after asking to answer later is answered at once") {
    Harness h;
    Client a = h.Connect();
    std::shared_ptr<Ipc::Answer> kept;
    h.handler.on_call = [&](Ipc::Connection& connection, const std::string&, const json&) -> json {
        kept = connection.GetSession().AnswerLater();
        throw Ipc::RpcError(Ipc::ErrorCode::DeviceBusy, "busy");
    };
    const auto replies = h.Exchange(a, R"({"jsonrpc":"2.0","method":"x","id":1})"
                                       "\n"
                                       R"({"jsonrpc":"2.0","method":"x","id":2})"
                                       "\n");
    REQUIRE(replies.size() == 2);
    CHECK(json::parse(replies[0])["error"]["code"] == -32008);
    CHECK(json::parse(replies[1])["id"] == 2);
    kept->Resolve(nullptr);
    h.Pump();
    CHECK(a.TakeLines().empty());
}

TEST_CASE("Batches waiting for answers that come together stay within the output budget") {
    /* Many clients' batches of requests answered later, all answered at once (as one
     * refresh of a card answers every listing waiting for it), none read: only the
     * batches holding a slot may be under way, so the answers add one reply each past
     * the budget for at most those, not for every client. */
    Ipc::Limits limits;
    limits.max_output = 64 * 1024;
    limits.max_output_total = 128 * 1024;
    Harness h(limits);
    Later later(h);
    std::vector<Client> clients;
    std::string batch = "[";
    for (int i = 0; i < 20; ++i)
        batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","method":"later","id":)" +
                 std::to_string(i) + "}";
    batch += "]\n";
    for (int i = 0; i < 30; ++i) {
        clients.push_back(h.Connect());
        int small = 4096;
        REQUIRE(setsockopt(clients.back().fd.Get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) ==
                0);
        clients.back().Write(batch);
    }
    const json reply = {{"text", std::string(8 * 1024, 'x')}};
    size_t most = 0;
    size_t most_waiting = 0;
    for (int round = 0; round < 200; ++round) {
        h.Pump();
        most_waiting = std::max(most_waiting, later.pending.size());
        auto pending = std::move(later.pending);
        later.pending.clear();
        for (auto& answer : pending) answer->Resolve(reply);
        most = std::max(most, h.server->GetTotalOutput());
    }
    CHECK(most_waiting >= 1);
    CHECK(most_waiting <= 4);
    /* The budget, plus one reply (and the slack of its growth) per slot. */
    CHECK(most <= limits.max_output_total + 4 * 2 * reply.dump().size() + 4 * 1024);
}
