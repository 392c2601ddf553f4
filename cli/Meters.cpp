// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/Meters.hpp"

#include <langinfo.h>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ostream>

#include "cli/Output.hpp"

namespace Cli {

namespace {

using nlohmann::json;

/** Columns of the level text: "-12.3", " -inf". */
constexpr int LEVEL_WIDTH = 6;
/** Blank columns between side-by-side meter columns. */
constexpr int GAP = 2;
/** The narrowest cell worth a column of its own. */
constexpr int MIN_CELL = 14;
/** How long to wait for a reading before checking for Ctrl-C and resizes. */
constexpr int POLL_MS = 50;
constexpr int DEFAULT_RATE_HZ = 20;

/* U+2588 FULL BLOCK and the left eighths U+258F..U+2589. */
constexpr const char* FULL_BLOCK = "\u2588";
constexpr const char* EIGHTHS[8] = {"",       "\u258f", "\u258e", "\u258d",
                                    "\u258c", "\u258b", "\u258a", "\u2589"};
constexpr const char* TRACK = "\u00b7";

/** Cuts @p text to @p width display columns, or pads it with spaces. */
std::string Fit(std::string_view text, int width) {
    std::string result;
    int used = 0;
    for (size_t i = 0; i < text.size();) {
        size_t length = 1;
        while (i + length < text.size() &&
               (static_cast<unsigned char>(text[i + length]) & 0xc0) == 0x80)
            ++length;
        if (used + 1 > width) break;
        result.append(text.substr(i, length));
        ++used;
        i += length;
    }
    result.append(static_cast<size_t>(std::max(0, width - used)), ' ');
    return result;
}

std::string RightTrim(std::string text) {
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

std::string FormatLevel(std::optional<double> level) {
    if (!level || !std::isfinite(*level)) return " -inf";
    char buffer[32];
    /* Rounded first, and + 0.0 turns -0 into 0: no "-0.0" just below full scale. */
    const double tenths = std::round(std::max(*level, -99.9) * 10.0) / 10.0 + 0.0;
    std::snprintf(buffer, sizeof(buffer), "%5.1f", tenths);
    return buffer;
}

/** The daemon's name for @p channel, else its number from 1. */
std::string GetLabel(const MeterFrame& frame, size_t channel) {
    if (channel < frame.labels.size() && !frame.labels[channel].empty())
        return frame.labels[channel];
    return std::to_string(channel + 1);
}

std::string RenderCell(const MeterFrame& frame, size_t channel, int label_width, int width) {
    const std::string label = GetLabel(frame, channel);
    const std::optional<double> level =
        channel < frame.levels.size() ? frame.levels[channel] : std::nullopt;
    int bar_width = width - label_width - 1 - LEVEL_WIDTH;
    std::string cell;
    if (label_width > 0 && bar_width >= 1) {
        cell = Fit(label, label_width) + " ";
    } else {
        bar_width = width - LEVEL_WIDTH;
    }
    if (bar_width >= 1) cell += RenderBar(level, bar_width, frame.unicode);
    cell += Fit(" " + FormatLevel(level), LEVEL_WIDTH);
    return Fit(cell, width);
}

bool IsUtf8Locale() {
    std::setlocale(LC_CTYPE, "");
    const char* codeset = nl_langinfo(CODESET);
    return codeset && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

/**
 * The alternate screen with a hidden cursor while it lives; the terminal is restored
 * however RunMeters ends (Ctrl-C, an error, the daemon going away).
 */
class AlternateScreen {
  public:
    explicit AlternateScreen(std::ostream& out) : out_(out) {
        out_ << "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J" << std::flush;
    }
    ~AlternateScreen() { out_ << "\x1b[?25h\x1b[?1049l" << std::flush; }
    AlternateScreen(const AlternateScreen&) = delete;
    AlternateScreen& operator=(const AlternateScreen&) = delete;

  private:
    std::ostream& out_;
};

/** Draws @p lines from the top left, clearing what the previous frame left. */
void Draw(std::ostream& out, const std::vector<std::string>& lines) {
    std::string text = "\x1b[H";
    for (size_t i = 0; i < lines.size(); ++i) {
        text += lines[i] + "\x1b[K";
        /* No newline after the last line: on the bottom row it would scroll. */
        if (i + 1 < lines.size()) text += "\r\n";
    }
    text += "\x1b[J";
    out << text << std::flush;
}

bool IsMetersNotification(const std::optional<json>& notification) {
    if (!notification) return false;
    const auto it = notification->find("method");
    return it != notification->end() && *it == "meters";
}

std::vector<std::optional<double>> ReadLevels(const json& params) {
    std::vector<std::optional<double>> levels;
    if (const auto it = params.find("levels"); it != params.end() && it->is_array())
        for (const auto& level : *it)
            levels.push_back(level.is_number() ? std::optional(level.get<double>()) : std::nullopt);
    return levels;
}

}  // namespace

std::string RenderBar(std::optional<double> level, int width, bool unicode) {
    if (width <= 0) return "";
    double fraction = 0;
    if (level && std::isfinite(*level))
        fraction = std::clamp((*level - METER_FLOOR_DB) / -METER_FLOOR_DB, 0.0, 1.0);
    const int resolution = unicode ? 8 : 1;
    const long units = std::lround(fraction * width * resolution);
    const long full = units / resolution;
    const long partial = units % resolution;
    std::string bar;
    for (long i = 0; i < full; ++i) bar += unicode ? FULL_BLOCK : "#";
    if (partial) bar += EIGHTHS[partial];
    for (long i = full + (partial ? 1 : 0); i < width; ++i) bar += unicode ? TRACK : "-";
    return bar;
}

std::vector<std::string> RenderMeters(const MeterFrame& frame, int columns, int rows) {
    std::vector<std::string> lines;
    if (columns <= 0 || rows <= 0) return lines;
    const int count = static_cast<int>(frame.levels.size());
    if (count == 0 || rows == 1) {
        lines.push_back(RightTrim(Fit(frame.title, columns)));
        if (count == 0 && rows > 1)
            lines.push_back(RightTrim(Fit("waiting for readings", columns)));
        return lines;
    }

    const int meter_rows = rows - 1;
    const int max_grid_columns = std::max(1, (columns + GAP) / (MIN_CELL + GAP));
    const int grid_columns = std::clamp((count + meter_rows - 1) / meter_rows, 1, max_grid_columns);
    const int per_column = std::min(meter_rows, (count + grid_columns - 1) / grid_columns);
    const int shown = std::min(count, per_column * grid_columns);
    const int cell_width = (columns - GAP * (grid_columns - 1)) / grid_columns;

    int label_width = 0;
    for (int channel = 0; channel < shown; ++channel)
        label_width =
            std::max(label_width,
                     static_cast<int>(DisplayWidth(GetLabel(frame, static_cast<size_t>(channel)))));
    label_width = std::min(label_width, cell_width / 3);

    std::string title = frame.title;
    if (shown < count)
        title +=
            "  (" + std::to_string(shown) + " of " + std::to_string(count) + " channels shown)";
    lines.push_back(RightTrim(Fit(title, columns)));
    for (int row = 0; row < per_column; ++row) {
        std::string line;
        for (int column = 0; column < grid_columns; ++column) {
            const int channel = column * per_column + row;
            if (channel >= shown) break;
            if (column) line.append(GAP, ' ');
            line += RenderCell(frame, static_cast<size_t>(channel), label_width, cell_width);
        }
        lines.push_back(RightTrim(std::move(line)));
    }
    return lines;
}

void RunMeters(const Options& options, Client& client, std::ostream& out,
               const Environment& environment) {
    const int rate_hz = options.rate_hz.value_or(DEFAULT_RATE_HZ);
    json params = json::object();
    if (options.device) params["device"] = *options.device;
    params["rate_hz"] = rate_hz;
    const json result = CallChecked(client, "meters.subscribe", params);
    const json subscription = result.contains("subscription") ? result["subscription"] : json();

    MeterFrame frame;
    if (const auto it = result.find("labels"); it != result.end() && it->is_array())
        for (const auto& label : *it)
            frame.labels.push_back(label.is_string() ? label.get<std::string>() : "");
    std::string device = options.device.value_or("");
    /* Most important first: a narrow terminal cuts the end. */
    auto make_title = [&](bool stale) {
        return "scarlettctl meters" + (device.empty() ? "" : ": " + device) +
               (stale ? "  no readings" : "") + "  " + std::to_string(rate_hz) + " Hz  dBFS " +
               FormatDb(METER_FLOOR_DB) + "..0  (Ctrl-C quits)";
    };

    const auto size =
        !options.json && environment.terminal_size ? environment.terminal_size() : std::nullopt;
    if (!size) {
        /* Not a terminal (or --json): a plain stream of readings, for pipes. */
        while (!environment.IsStopRequested()) {
            const auto notification = client.NextNotification(POLL_MS * 5);
            if (!IsMetersNotification(notification)) continue;
            if (options.json)
                out << notification->dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
            else
                for (const auto& line : FormatNotification(*notification)) out << line << "\n";
            out.flush();
        }
        return;
    }

    frame.unicode = IsUtf8Locale();
    TerminalSize terminal = *size;
    AlternateScreen screen(out);
    frame.title = make_title(false);
    Draw(out, RenderMeters(frame, terminal.columns, terminal.rows));

    /* Readings stop when the device is unplugged; say so rather than freeze. */
    using Clock = std::chrono::steady_clock;
    const auto stale_after =
        std::max(std::chrono::milliseconds(1000), std::chrono::milliseconds(3000 / rate_hz));
    auto last_reading = Clock::now();
    bool stale = false;
    while (!environment.IsStopRequested()) {
        bool redraw = false;
        if (environment.take_resize && environment.take_resize()) {
            if (const auto now = environment.terminal_size()) terminal = *now;
            redraw = true;
        }
        const auto notification = client.NextNotification(POLL_MS);
        if (IsMetersNotification(notification)) {
            const auto it = notification->find("params");
            const bool ours = it != notification->end() && it->is_object() &&
                              (subscription.is_null() || !it->contains("subscription") ||
                               (*it)["subscription"] == subscription);
            if (ours) {
                if (const auto id = it->find("device"); id != it->end() && id->is_string())
                    device = id->get<std::string>();
                frame.levels = ReadLevels(*it);
                last_reading = Clock::now();
                stale = false;
                frame.title = make_title(false);
                redraw = true;
            }
        }
        if (!stale && !frame.levels.empty() && Clock::now() - last_reading > stale_after) {
            stale = true;
            frame.title = make_title(true);
            redraw = true;
        }
        if (redraw) Draw(out, RenderMeters(frame, terminal.columns, terminal.rows));
    }
}

}  // namespace Cli
