// SPDX-License-Identifier: GPL-3.0-or-later
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli/Meters.hpp"
#include "cli/Output.hpp"

using Cli::MeterFrame;
using Cli::RenderBar;
using Cli::RenderMeters;

namespace {

MeterFrame Frame(size_t channels, bool unicode = false) {
    MeterFrame frame;
    frame.title = "meters";
    frame.unicode = unicode;
    for (size_t i = 0; i < channels; ++i) frame.levels.push_back(-6.0 * static_cast<double>(i));
    return frame;
}

void CheckFits(const std::vector<std::string>& lines, int columns, int rows) {
    CHECK(lines.size() <= static_cast<size_t>(rows));
    for (const auto& line : lines) CHECK_MESSAGE(Cli::DisplayWidth(line) <= size_t(columns), line);
}

}  // namespace

TEST_CASE("RenderBar is linear in dB from -60 to 0 dBFS") {
    CHECK(RenderBar(0.0, 10, false) == "##########");
    CHECK(RenderBar(-30.0, 10, false) == "#####-----");
    CHECK(RenderBar(-60.0, 4, false) == "----");
    CHECK(RenderBar(-90.0, 4, false) == "----");
    CHECK(RenderBar(std::nullopt, 4, false) == "----");
    CHECK(RenderBar(6.0, 4, false) == "####");
    CHECK(RenderBar(-30.0, 0, false).empty());
    SUBCASE("unicode eighths") {
        CHECK(RenderBar(0.0, 2, true) == "\u2588\u2588");
        /* -45 dB is a quarter of 2 columns: 4 eighths, half a block. */
        CHECK(RenderBar(-45.0, 2, true) == "\u258c\u00b7");
        CHECK(Cli::DisplayWidth(RenderBar(-13.0, 17, true)) == 17);
    }
}

TEST_CASE("RenderMeters draws a title and one labelled bar per channel") {
    MeterFrame frame = Frame(2);
    frame.labels = {"Analogue 1"};
    const auto lines = RenderMeters(frame, 40, 10);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "meters");
    /* Label column as wide as the longest label (up to a third of the width). */
    CHECK(lines[1] == "Analogue 1 #######################   0.0");
    CHECK(lines[2] == "2          #####################--  -6.0");
    CheckFits(lines, 40, 10);
}

TEST_CASE("RenderMeters shows silence as -inf") {
    MeterFrame frame;
    frame.title = "t";
    frame.unicode = false;
    frame.levels = {std::nullopt};
    const auto lines = RenderMeters(frame, 20, 5);
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == "1 ------------  -inf");
}

TEST_CASE("RenderMeters uses side-by-side columns when the rows run out") {
    const MeterFrame frame = Frame(10);
    const auto lines = RenderMeters(frame, 80, 6);
    REQUIRE(lines.size() == 6);
    CheckFits(lines, 80, 6);
    /* 5 rows for meters: two columns; channel 6 starts the second column. */
    CHECK(lines[1].starts_with("1 "));
    CHECK(lines[1].find("  6 ") != std::string::npos);
    CHECK(lines[5].find(" 10 ") != std::string::npos);
}

TEST_CASE("RenderMeters never overflows the terminal and says what it left out") {
    for (int columns : {1, 5, 13, 20, 33, 80, 200})
        for (int rows : {1, 2, 3, 24}) {
            CAPTURE(columns);
            CAPTURE(rows);
            for (bool unicode : {false, true}) {
                MeterFrame frame = Frame(26, unicode);
                frame.labels = {"A very long label indeed", "\xC3\xA9t\xC3\xA9"};
                CheckFits(RenderMeters(frame, columns, rows), columns, rows);
            }
        }
    const auto lines = RenderMeters(Frame(26), 30, 5);
    CHECK(lines[0] == "meters  (8 of 26 channels show");
    CHECK(RenderMeters(Frame(3), 0, 10).empty());
}

TEST_CASE("RenderMeters before the first reading") {
    MeterFrame frame;
    frame.title = "scarlettctl meters";
    CHECK(RenderMeters(frame, 40, 5) ==
          std::vector<std::string>{"scarlettctl meters", "waiting for readings"});
}
