// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include "cli/ControlRef.hpp"
#include "cli/Options.hpp"

using Cli::ParseControlRef;
using Cli::UsageError;
using nlohmann::json;

TEST_CASE("ParseControlRef: numid, name, and name with index") {
    CHECK(ParseControlRef("125") == json(125));
    CHECK(ParseControlRef("Line In 1 Air Capture Switch") == json("Line In 1 Air Capture Switch"));
    CHECK(ParseControlRef("Mic Capture Volume,1") ==
          json{{"name", "Mic Capture Volume"}, {"index", 1}});
    CHECK(ParseControlRef("Mic Capture Volume,0") ==
          json{{"name", "Mic Capture Volume"}, {"index", 0}});
}

TEST_CASE("ParseControlRef keeps commas that are not followed by an index") {
    CHECK(ParseControlRef("Odd, Name") == json("Odd, Name"));
    CHECK(ParseControlRef("Odd,1,Name") == json("Odd,1,Name"));
    CHECK(ParseControlRef("A,B,2") == json{{"name", "A,B"}, {"index", 2}});
    CHECK(ParseControlRef("Level 1") == json("Level 1"));
}

TEST_CASE("ParseControlRef understands amixer-style keys") {
    CHECK(ParseControlRef("numid=7") == json{{"numid", 7}});
    CHECK(ParseControlRef("name='Mic Capture Volume',index=1") ==
          json{{"name", "Mic Capture Volume"}, {"index", 1}});
    CHECK(ParseControlRef("iface=MIXER,name=\"A, B\"") ==
          json{{"iface", "mixer"}, {"name", "A, B"}});
    CHECK(ParseControlRef("NAME=Foo") == json{{"name", "Foo"}});
}

TEST_CASE("ParseControlRef rejects malformed references") {
    CHECK_THROWS_WITH_AS(ParseControlRef(""), "empty control name", UsageError);
    CHECK_THROWS_AS(ParseControlRef(",1"), UsageError);
    CHECK_THROWS_WITH_AS(ParseControlRef("numid=x"), "control 'numid=x': numid must be a number",
                         UsageError);
    CHECK_THROWS_AS(ParseControlRef("numid=1,name=A"), UsageError);
    CHECK_THROWS_AS(ParseControlRef("index=1"), UsageError);
    CHECK_THROWS_AS(ParseControlRef("name='open"), UsageError);
    CHECK_THROWS_WITH_AS(ParseControlRef("name=A,colour=red"),
                         "control 'name=A,colour=red': unknown key 'colour'", UsageError);
}
