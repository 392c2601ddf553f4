// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Replays the examples of docs/PROTOCOL.md against a daemon on the small fake device:
 * each ```transcript block runs on a fresh daemon; "→" lines are sent as they are,
 * "←" lines are what must come back, in order. In an expected line, the string "…"
 * matches any value. SCARLETTD_GOLDEN_PRINT=1 prints what actually came back.
 */
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "Harness.hpp"

using nlohmann::json;

namespace {

struct Transcript {
    int line = 0;  // in PROTOCOL.md
    std::string socket = "control.sock";
    std::vector<std::pair<bool, std::string>> steps;  // (sent, text)
};

std::vector<Transcript> ReadTranscripts(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in, "cannot read " << path);
    std::vector<Transcript> out;
    std::string line;
    bool inside = false;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!inside && line.rfind("```transcript", 0) == 0) {
            inside = true;
            out.push_back(
                {n, line.find("events") != std::string::npos ? "events.sock" : "control.sock", {}});
        } else if (inside && line.rfind("```", 0) == 0) {
            inside = false;
        } else if (inside && line.rfind("→ ", 0) == 0) {
            out.back().steps.emplace_back(true, line.substr(std::strlen("→ ")));
        } else if (inside && line.rfind("← ", 0) == 0) {
            out.back().steps.emplace_back(false, line.substr(std::strlen("← ")));
        }
    }
    return out;
}

/** Whether @p actual matches @p expected, where "…" in expected matches anything. */
bool Matches(const json& expected, const json& actual) {
    if (expected == "…") return true;
    if (expected.is_object()) {
        if (!actual.is_object() || actual.size() != expected.size()) return false;
        for (const auto& [k, v] : expected.items())
            if (!actual.contains(k) || !Matches(v, actual[k])) return false;
        return true;
    }
    if (expected.is_array()) {
        if (!actual.is_array() || actual.size() != expected.size()) return false;
        for (size_t i = 0; i < expected.size(); ++i)
            if (!Matches(expected[i], actual[i])) return false;
        return true;
    }
    if (expected.is_number_float() || actual.is_number_float())
        return expected.is_number() && actual.is_number() &&
               std::abs(expected.get<double>() - actual.get<double>()) < 0.005;
    return expected == actual;
}

}  // namespace

TEST_CASE("the examples of docs/PROTOCOL.md replay as golden transcripts") {
    const auto transcripts =
        ReadTranscripts(std::string(SCARLETTD_SOURCE_DIR) + "/docs/PROTOCOL.md");
    REQUIRE(transcripts.size() >= 5);
    const bool print = std::getenv("SCARLETTD_GOLDEN_PRINT") != nullptr;
    for (const auto& t : transcripts) {
        CAPTURE(t.line);
        /* Settings are kept beside the presets, in the daemon's temporary directory. */
        TestData::Daemon d(
            {{TestData::SMALL_ID, TestData::SmallDevice()}}, {},
            [](Options& options) { options.state_dir = options.presets_dir + "/../state"; });
        auto c = d.Connect(t.socket.c_str());
        if (print) std::cout << "--- PROTOCOL.md:" << t.line << "\n";
        for (const auto& [sent, text] : t.steps) {
            if (sent) {
                c.SendRaw(text + "\n");
                continue;
            }
            auto line = c.ReadLine(3000);
            REQUIRE_MESSAGE(line, "no reply, expected " << text);
            if (print) std::cout << "← " << *line << "\n";
            const json expected = json::parse(text);
            const json actual = json::parse(*line);
            CHECK_MESSAGE(Matches(expected, actual),
                          "expected " << text << "\n   actual " << *line);
        }
        /* Nothing more than the transcript says. */
        CHECK_FALSE(c.ReadLine(150));
    }
}
