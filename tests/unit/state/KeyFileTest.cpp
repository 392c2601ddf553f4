// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>

#include "daemon/state/KeyFile.hpp"

using State::KeyFile;
using State::KeyFileError;

namespace {

size_t ErrorLine(const std::string& text) {
    try {
        KeyFile::Parse(text);
    } catch (const KeyFileError& e) {
        return e.GetLine();
    }
    return 0;
}

}  // namespace

TEST_CASE("Key files: groups, keys with spaces, comments, blank lines, CRLF") {
    const KeyFile f = KeyFile::Parse(
        "# a preset\n"
        "\n"
        "[device]\r\n"
        "serial=P9ABCDEF\n"
        "model = Scarlett 2i2 USB\n"
        "[controls]\n"
        "Line In 1-2 Phantom Power Capture Switch=false\n"
        "  Line Out 1 Volume   =  -20,-20\n");
    REQUIRE(f.GetGroups().size() == 2);
    CHECK(f.Get("device", "serial") == "P9ABCDEF");
    CHECK(f.Get("device", "model") == "Scarlett 2i2 USB");
    CHECK(f.Get("controls", "Line In 1-2 Phantom Power Capture Switch") == "false");
    CHECK(f.Get("controls", "Line Out 1 Volume") == "-20,-20");
    CHECK(f.Get("controls", "nope") == std::nullopt);
    CHECK(f.Get("nope", "serial") == std::nullopt);
    CHECK(f.GetGroups()[1].entries[1].line == 8);
}

TEST_CASE("Key files: escapes round-trip, a leading space is kept") {
    for (const std::string value : {"plain", " leading", "two  spaces ", "tab\there", "line\nbreak",
                                    "back\\slash", "", "Ünïcode ✓"}) {
        KeyFile f;
        f.Set("controls", "PCM Out 1 Name", value);
        const KeyFile back = KeyFile::Parse(f.Serialize({"written by a test"}));
        CHECK(back.Get("controls", "PCM Out 1 Name") == value);
    }
    CHECK(State::EscapeValue(" a\\b\n") == "\\sa\\\\b\\n");
    CHECK(State::UnescapeValue("\\sx\\t") == " x\t");
}

TEST_CASE("Key files: what cannot be parsed names its line, never its text") {
    CHECK(ErrorLine("[device]\nserial=1\njust some words\n") == 3);
    CHECK(ErrorLine("key=before any group\n") == 1);
    CHECK(ErrorLine("[unclosed\n") == 1);
    CHECK(ErrorLine("[a]\n=no key\n") == 2);
    CHECK(ErrorLine("[a]\nk=trailing backslash\\\n") == 2);
    CHECK(ErrorLine("[a]\nk=bad \\q escape\n") == 2);
    CHECK(ErrorLine(std::string("[a]\nk=v\n\0\n", 10)) == 3);
    try {
        KeyFile::Parse("[a]\nsecret words here\n");
    } catch (const KeyFileError& e) {
        CHECK(std::string(e.what()).find("secret") == std::string::npos);
    }
}

TEST_CASE("Key files: a repeated key keeps its last value and is reported") {
    const KeyFile f = KeyFile::Parse("[controls]\nA=1\nB=2\nA=3\n[controls]\nB=4\n");
    CHECK(f.Get("controls", "A") == "3");
    CHECK(f.Get("controls", "B") == "4");
    CHECK(f.GetGroups().size() == 1);
    CHECK(f.GetDuplicates() == std::vector<std::string>{"controls/A", "controls/B"});
}

TEST_CASE("Key files: a large group keeps file order; Set and Get find each key") {
    /* A large device's preset: over a thousand keys in one group. */
    std::string text = "[device]\nserial=1\n[controls]\n";
    for (int i = 0; i < 1500; ++i)
        text += "Control " + std::to_string(i) + "=" + std::to_string(i) + "\n";
    KeyFile f = KeyFile::Parse(text);
    for (int i = 0; i < 1500; i += 7) f.Set("controls", "Control " + std::to_string(i), "set");
    f.Set("controls", "Control 1500", "new");
    f.Set("device", "serial", "2");
    const auto& entries = f.GetGroups()[1].entries;
    REQUIRE(entries.size() == 1501);
    for (int i = 0; i < 1500; ++i) {
        CAPTURE(i);
        CHECK(entries[i].key == "Control " + std::to_string(i));
        CHECK(f.Get("controls", entries[i].key) == (i % 7 == 0 ? "set" : std::to_string(i)));
    }
    CHECK(entries.back().key == "Control 1500");
    CHECK(f.Get("controls", "Control 1500") == "new");
    CHECK(f.Get("device", "serial") == "2");
    CHECK(f.Get("controls", "serial") == std::nullopt);
    CHECK(f.Get("nothing", "serial") == std::nullopt);
}

TEST_CASE("Key files: Set replaces in place, keys are checked") {
    KeyFile f;
    f.Set("device", "serial", "1");
    f.Set("controls", "A", "x");
    f.Set("device", "serial", "2");
    CHECK(f.Serialize() == "[device]\nserial=2\n\n[controls]\nA=x\n");
    CHECK_THROWS_AS(f.Set("controls", "a=b", "x"), std::invalid_argument);
    CHECK_THROWS_AS(f.Set("controls", " lead", "x"), std::invalid_argument);
    CHECK(KeyFile::IsValidKey("Analogue In 1-2 Link"));
    CHECK_FALSE(KeyFile::IsValidKey("[x]"));
}
