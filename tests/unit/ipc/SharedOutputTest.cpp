// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <string>

#include "TestSupport.hpp"
#include "ipc/Json.hpp"
#include "ipc/OutputQueue.hpp"
#include "ipc/SharedText.hpp"

using Ipc::OutputLine;
using Ipc::OutputQueue;
using Ipc::SharedText;
using IpcTest::Harness;

TEST_CASE("SharedText: copies share the bytes, and a released text's memory is reused") {
    SharedText a = SharedText::Make();
    a.Edit() = std::string(1000, 'x');
    const char* bytes = a.View().data();
    {
        const SharedText b = a;  // NOLINT(performance-unnecessary-copy-initialization)
        CHECK(b.View().data() == bytes);
        CHECK(b.Size() == 1000);
    }
    CHECK(a.View().data() == bytes);

    /* The last holder gone, the next text made on this thread gets that body back,
     * emptied, with its capacity: filling it again allocates nothing. */
    a = SharedText();
    SharedText c = SharedText::Make();
    CHECK(c.Size() == 0);
    CHECK(c.Edit().capacity() >= 1000);
    c.Edit().assign(900, 'y');
    CHECK(c.View().data() == bytes);

    /* A big text is freed, not kept. */
    SharedText big = SharedText::Make();
    big.Edit().assign(SharedText::POOL_MAX_BYTES + 1, 'z');
    big = SharedText();
    CHECK(SharedText::Make().Edit().capacity() <= SharedText::POOL_MAX_BYTES);
}

TEST_CASE("OutputQueue: lines come out in order across wrap-around and growth") {
    OutputQueue queue;
    int pushed = 0;
    int popped = 0;
    auto push = [&] { queue.Push(OutputLine(SharedText::Of(std::to_string(pushed++)), "\n")); };
    auto pop = [&] {
        REQUIRE(!queue.Empty());
        CHECK(queue.Front().head.View() == std::to_string(popped++));
        queue.PopFront();
    };
    /* Keep 5 queued while 20 pass: the ring of 8 wraps around twice. */
    for (int i = 0; i < 5; ++i) push();
    for (int i = 0; i < 20; ++i) {
        push();
        pop();
    }
    /* Grow while wrapped: 5 + 100 queued, then all out in order. */
    for (int i = 0; i < 100; ++i) push();
    CHECK(queue.Count() == 105);
    for (size_t i = 0; i < queue.Count(); ++i)
        CHECK(queue.At(i).head.View() == std::to_string(popped + static_cast<int>(i)));
    while (!queue.Empty()) pop();
    CHECK(popped == pushed);
}

TEST_CASE("OutputQueue: a line's tail is its own, its head shared") {
    const SharedText head = SharedText::Of(R"({"method":"m","params":{"a":1)");
    OutputLine one(head, Ipc::NotificationTail("subscription", 7));
    OutputLine two(head, Ipc::NotificationTail());
    CHECK(one.head.View().data() == two.head.View().data());
    CHECK(one.Tail() == R"(,"subscription":7}})");
    CHECK(two.Tail() == "}}");
    CHECK(one.Size() == head.Size() + one.Tail().size());
    CHECK(Ipc::NotificationTail("subscription", UINT64_MAX).View() ==
          R"(,"subscription":18446744073709551615}})");
}

TEST_CASE(
    "Connection: a shared head and each connection's tail arrive whole through short "
    "writes") {
    Harness h;
    Ipc::Connection* slow = nullptr;
    Ipc::Connection* quick = nullptr;
    auto slow_client = h.Connect(Ipc::SocketKind::Control, &slow);
    auto quick_client = h.Connect(Ipc::SocketKind::Control, &quick);
    REQUIRE(slow);
    REQUIRE(quick);
    /* A small send buffer on the daemon's side: every sendmsg() stops part-way, inside
     * heads and inside tails. */
    int small = 4096;
    REQUIRE(setsockopt(slow_client.fd.Get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) == 0);

    std::vector<std::string> expected_slow;
    std::vector<std::string> expected_quick;
    for (int i = 0; i < 300; ++i) {
        SharedText head = SharedText::Make();
        const std::string n = std::to_string(i);
        const std::string pad = '"' + std::string(static_cast<size_t>(i % 97), 'p') + '"';
        const std::string subscription = std::to_string(1000 + i);
        std::vector<Ipc::EncodedMember> members = {{"n", n}, {"pad", pad}};
        Ipc::AppendNotificationHead(head.Edit(), "test.line", members);
        const Ipc::NotificationTail tail("subscription", static_cast<uint64_t>(1000 + i));
        slow->SendShared(head, tail);
        quick->SendShared(head, Ipc::NotificationTail());
        /* The same as the one-piece encoder writes. */
        members.push_back({"subscription", subscription});
        expected_slow.push_back(Ipc::EncodeNotification("test.line", members));
        expected_quick.push_back(std::string(head.View()) + "}}");
        if (i % 50 == 0) slow->SendLine(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + "}");
        if (i % 50 == 0)
            expected_slow.push_back(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + "}");
    }
    CHECK(slow->GetPendingOutput() > 0);

    std::vector<std::string> got_slow;
    std::vector<std::string> got_quick;
    REQUIRE(h.RunUntil([&] {
        for (auto& line : slow_client.TakeLines()) got_slow.push_back(line);
        for (auto& line : quick_client.TakeLines()) got_quick.push_back(line);
        return got_slow.size() == expected_slow.size() && got_quick.size() == expected_quick.size();
    }));
    CHECK(got_slow == expected_slow);
    CHECK(got_quick == expected_quick);
    CHECK(slow->GetPendingOutput() == 0);
    CHECK(h.server->GetTotalOutput() == 0);
}
