// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>

#include "daemon/ChangedHeads.hpp"
#include "daemon/core/IdSet.hpp"

namespace {

/** A key as Notifier writes them: device id, NUL, numids. */
std::string Key(int i) {
    std::string key = "dev";
    key += '\0';
    return key + std::to_string(i) + ",|";
}

}  // namespace

TEST_CASE("ChangedHeads: each key finds its own head, across growth and clearing") {
    ChangedHeads heads;
    CHECK(heads.Find("a") == nullptr);
    /* Enough keys to grow the table several times; keys that differ in one byte. */
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 500; ++i) {
            const std::string key = Key(i);
            REQUIRE(heads.Find(key) == nullptr);
            heads.Insert(key, Ipc::SharedText::Of("head " + std::to_string(i)));
        }
        CHECK(heads.Size() == 500);
        for (int i = 0; i < 500; ++i) {
            const auto* head = heads.Find(Key(i));
            REQUIRE(head != nullptr);
            CHECK(head->View() == "head " + std::to_string(i));
        }
        CHECK(heads.Find(Key(500)) == nullptr);
        heads.Clear();
        CHECK(heads.Size() == 0);
        CHECK(heads.Find(Key(1)) == nullptr);
    }
    /* A null head (nothing left to send) is remembered as such. */
    heads.Insert("empty", Ipc::SharedText());
    REQUIRE(heads.Find("empty") != nullptr);
    CHECK_FALSE(*heads.Find("empty"));
}

TEST_CASE("IdSet: ordered, each id once, erase tells whether it was there") {
    Core::IdSet ids;
    for (unsigned id : {5u, 1u, 9u, 5u, 3u}) ids.insert(id);
    CHECK(std::vector<unsigned>(ids.begin(), ids.end()) == std::vector<unsigned>{1, 3, 5, 9});
    CHECK(ids.contains(9));
    CHECK_FALSE(ids.contains(4));
    CHECK(ids.erase(3) == 1);
    CHECK(ids.erase(3) == 0);
    CHECK(ids == Core::IdSet{1, 5, 9});
    ids.clear();
    CHECK(ids.empty());
}
