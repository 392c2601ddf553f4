// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/Client.hpp"
#include "cli/Commands.hpp"
#include "cli/Options.hpp"

namespace Cli {

/** The quietest level a bar shows; quieter readings and silence (null) draw none. */
inline constexpr double METER_FLOOR_DB = -60.0;

/** One screen of meters to draw. */
struct MeterFrame {
    std::string title;
    /** Channel names from the daemon; channels without one are numbered from 1. */
    std::vector<std::string> labels;
    /** dBFS per channel; nullopt is silence (raw 0). */
    std::vector<std::optional<double>> levels;
    /** Block characters with eighths; otherwise ASCII '#' and '-'. */
    bool unicode = true;
};

/**
 * One bar of @p width columns for @p level, linear in dB from METER_FLOOR_DB to
 * 0 dBFS. Pure.
 */
std::string RenderBar(std::optional<double> level, int width, bool unicode);

/**
 * Lays @p frame out for a terminal of @p columns x @p rows: the title, then one
 * "label bar level" cell per channel, in as many side-by-side columns as the rows
 * require. No line is wider than @p columns (display columns) and there are at most
 * @p rows lines; channels that do not fit are counted in the title. Pure.
 */
std::vector<std::string> RenderMeters(const MeterFrame& frame, int columns, int rows);

/**
 * meters: meters.subscribe, then draw live bars on a terminal (alternate screen,
 * redrawn in place and after a resize, restored on exit), or print one line per
 * reading (NDJSON with --json) when stdout is not a terminal. Returns when
 * @p environment asks to stop. Throws DaemonError or std::runtime_error.
 */
void RunMeters(const Options& options, Client& client, std::ostream& out,
               const Environment& environment);

}  // namespace Cli
