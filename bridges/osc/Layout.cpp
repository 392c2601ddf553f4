// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The session format is Open Stage Control 1.x's, as its own sources read it; checked
 * in github.com/jean-emmanuel/open-stage-control (moved to
 * framagit.org/jean-emmanuel/open-stage-control in 2025) at commit 8c77ab7c
 * (2024-01-17, package.json 1.25.7, CHANGELOG up to 1.25.6), and again in its later
 * .mjs port (package.json 1.30.0-beta4), where none of this changed:
 *   * src/client/managers/session/session.js: a session file is {createdWith,
 *     version, type: "session", content: <the root widget>}. Its version picks the
 *     converters that upgrade older files (content was "session" up to 1.8.15,
 *     scripts were a "script" property up to 1.13.2; the last converter is for
 *     1.24.2), so a file of 1.25.6 is read as written. A file without a version is
 *     taken for 0.0.0 and converted from the 0.x format: the version is required.
 *   * src/client/widgets/containers/{root,panel,tab}.js: the root is a panel; a panel
 *     (and a tab) holds "widgets" or "tabs", never both; "layout" (vertical,
 *     horizontal, grid), "gridTemplate", "contain"; a tab's "label".
 *   * src/client/widgets/common/widget.js: every widget's "address", "target"
 *     ("host:port" or a list of them), "typeTags", "decimals", "bypass", "html"
 *     (shown above the widget: the 0.x converter moves a fader's or a panel's label
 *     there), "width", "height", "expand", and the scripts "onCreate", "onValue".
 *   * src/client/widgets/basics/button.js: 0.x's toggle is a button of mode
 *     "toggle", "on"/"off" the values it sends and matches; dropdown.js and
 *     menu-base.js: "values" as {labels, values} (labels may repeat), a value
 *     matched whole (deepEqual), "label" where %key is the selected label.
 *   * src/client/widgets/sliders/fader.js: "range" {min, max}.
 *   * src/client/widgets/scripts/script-vm.js, resources/docs/docs/widgets/scripting.md:
 *     send(target, address, ...args), {type, value} for a typed argument; it does
 *     nothing unless the script runs from a user action or onCreate (and timers
 *     started there); setInterval(id, callback, ms), clearInterval(id).
 *   * src/client/managers/widgets.js getWidgetByAddressAndArgs, src/client/osc.js:
 *     a message's arguments after preArgs are the widget's value, an array when
 *     there are several.
 */
#include "bridges/osc/Layout.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "bridges/osc/AddressSpace.hpp"
#include "bridges/osc/Values.hpp"

namespace Osc {

using nlohmann::json;

namespace {

/** The Open Stage Control version whose format the session is written in. */
constexpr const char* FORMAT_VERSION = "1.25.6";
/** The bridge keeps a registration 10 s (Peers::LIFETIME): renewed twice as often. */
constexpr int SUBSCRIBE_EVERY_MS = 5000;
/** The queries of the values at load, paced well under the bridge's 200 messages a
 *  second per peer. */
constexpr int QUERIES_PER_TICK = 20;
constexpr int QUERY_TICK_MS = 250;

/* Geometry, in Open Stage Control's pixels. */
constexpr int ROW = 40;
constexpr int HEADING = 30;

/**
 * @p text for a property Open Stage Control shows as HTML (html, label): escaped, its
 * braces too (they open its advanced syntaxes, @{...}, #{...}), '%' (a label's
 * %key, %value) and '^' (a label's icon prefix).
 */
std::string Text(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '{':
                out += "&#123;";
                break;
            case '}':
                out += "&#125;";
                break;
            case '%':
                out += "&#37;";
                break;
            case '^':
                out += "&#94;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::vector<std::string> Split(std::string_view path) {
    std::vector<std::string> parts;
    size_t start = 1;
    while (start <= path.size()) {
        const size_t slash = std::min(path.find('/', start), path.size());
        parts.emplace_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

std::optional<unsigned> Number(const std::string& part) {
    if (part.empty() || part.size() > 6 ||
        part.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return static_cast<unsigned>(std::stoul(part));
}

/** One semantic address and what it shows. */
struct Item {
    std::string address;
    const json* control = nullptr;
    /** Its last part, or the part a family sorts and labels it by. */
    std::string what;
};

/** The semantic addresses of a device, by family (docs/OSC.md). */
struct Families {
    std::map<unsigned, std::vector<Item>> inputs, outputs;
    std::map<std::string, std::map<unsigned, Item>> mixes;
    std::vector<Item> monitor, routes, talkback, other;

    void Add(const std::vector<std::string>& parts, Item item);
};

void Families::Add(const std::vector<std::string>& p, Item item) {
    const auto n = p.size() >= 2 ? Number(p[1]) : std::nullopt;
    if (p.size() == 3 && p[0] == "input" && n) {
        item.what = p[2];
        inputs[*n].push_back(std::move(item));
    } else if (p.size() == 3 && p[0] == "output" && n) {
        item.what = p[2];
        outputs[*n].push_back(std::move(item));
    } else if (p.size() == 4 && p[0] == "mix" && p[2] == "input" && Number(p[3])) {
        mixes[p[1]][*Number(p[3])] = std::move(item);
    } else if (p.size() == 2 && p[0] == "monitor") {
        item.what = p[1];
        monitor.push_back(std::move(item));
    } else if (p.size() == 2 && p[0] == "route") {
        item.what = UnescapeName(p[1]).value_or(p[1]);
        routes.push_back(std::move(item));
    } else if (p[0] == "talkback" && (p.size() == 2 || (p.size() == 3 && p[1] == "mix"))) {
        item.what = p.size() == 2 ? p[1] : "mix " + p[2];
        talkback.push_back(std::move(item));
    } else {
        item.what = item.address;
        other.push_back(std::move(item));
    }
}

/** Sorts @p items by where their `what` is in @p order (the rest after, as they were). */
void Order(std::vector<Item>& items, const std::vector<std::string_view>& order) {
    const auto rank = [&](const Item& i) {
        return std::find(order.begin(), order.end(), i.what) - order.begin();
    };
    std::stable_sort(items.begin(), items.end(),
                     [&](const Item& a, const Item& b) { return rank(a) < rank(b); });
}

std::string Label(const std::string& what) {
    static const std::map<std::string, std::string, std::less<>> LABELS = {
        {"gain", "Gain"}, {"air", "Air"}, {"phantom", "48V"}, {"inst", "Inst"},      {"pad", "Pad"},
        {"mute", "Mute"}, {"volume", ""}, {"dim", "Dim"},     {"enable", "Talkback"}};
    if (const auto it = LABELS.find(what); it != LABELS.end()) return it->second;
    if (what.rfind("mix ", 0) == 0) return "Mix " + what.substr(4);
    return what;
}

/** Makes the widgets, and remembers their addresses for the queries at load. */
class Builder {
  public:
    explicit Builder(std::string target) : target_(std::move(target)) {}

    /** The widget for @p item (none for a control without an OSC form), labelled
     *  @p label; a fader stretches along its panel, the others are a row high. */
    std::optional<json> Widget(const Item& item, const std::string& label);

    json Tab(const LayoutDevice& device);
    const std::vector<std::string>& Queries() const noexcept { return queries_; }

  private:
    json Strip(const std::string& heading, const std::vector<Item>& items);

    std::string target_;
    std::vector<std::string> queries_;
};

std::optional<json> Builder::Widget(const Item& item, const std::string& label) {
    const json& c = *item.control;
    const std::string type = c.at("type").get<std::string>();
    json w;
    if (type == "boolean") {
        /* i 0/1 both ways (docs/OSC.md "Values"). */
        w = {{"type", "button"}, {"mode", "toggle"},     {"on", 1},      {"off", 0},
             {"typeTags", "i"},  {"label", Text(label)}, {"height", ROW}};
    } else if (type == "enumerated") {
        /* The bridge answers a choice with i and s (index and label): the widget's
         * value is then the pair, so the values are the pairs, or feedback would
         * match none and blank the dropdown. The bridge takes one argument: the
         * widget itself sends nothing (bypass) and its onValue sends the index,
         * which send() does only when the user picked it. */
        json labels = json::array(), values = json::array();
        int index = 0;
        for (const auto& i : c.value("items", json::array())) {
            labels.push_back(i);
            values.push_back({index++, i});
        }
        w = {{"type", "dropdown"},
             {"bypass", true},
             {"label", (label.empty() ? "" : Text(label) + ": ") + "%key"},
             {"values", {{"labels", labels}, {"values", values}}},
             {"onValue", "if (Array.isArray(value)) send(" + json(target_).dump() + ", " +
                             json(item.address).dump() + ", {type: \"i\", value: value[0]})"},
             {"height", ROW}};
    } else if (type == "integer" || type == "integer64") {
        w = {{"type", "fader"}};
        const json db = c.value("db", json());
        if (db.is_object() && db.value("min", json()).is_number() &&
            db.value("max", json()).is_number()) {
            /* A level in dB: f over the control's dB range. */
            w["range"] = {{"min", db["min"]}, {"max", db["max"]}};
            w["typeTags"] = "f";
            w["decimals"] = 1;
        } else {
            w["range"] = {{"min", c.value("min", json(0))}, {"max", c.value("max", json(0))}};
            w["typeTags"] = "i";
            w["decimals"] = 0;
        }
        if (!label.empty()) w["html"] = Text(label);
        w["expand"] = true;
    } else {
        return std::nullopt;
    }
    w["address"] = item.address;
    w["target"] = target_;
    queries_.push_back(item.address);
    return w;
}

json Panel(const std::string& heading, const char* layout, json widgets) {
    return {{"type", "panel"}, {"html", Text(heading)}, {"layout", layout}, {"widgets", widgets}};
}

/** A vertical strip: its fader stretches, the switches and choices under it. */
json Builder::Strip(const std::string& heading, const std::vector<Item>& items) {
    json widgets = json::array();
    for (const auto& i : items)
        if (auto w = Widget(i, Label(i.what))) widgets.push_back(std::move(*w));
    json strip = Panel(heading, "vertical", std::move(widgets));
    strip["width"] = 90;
    return strip;
}

json Builder::Tab(const LayoutDevice& device) {
    std::map<unsigned, const json*> by_numid;
    const json& controls = device.controls.is_array() ? device.controls : json::array();
    for (const auto& c : controls) by_numid[c.at("numid").get<unsigned>()] = &c;
    /* The bridge's own addresses for these controls. */
    const AddressSpace space = SpaceFor(controls);
    Families f;
    for (const auto& e : space.Entries())
        if (e.semantic)
            f.Add(Split(e.path), {device.prefix + e.path, by_numid.at(e.target.numid), {}});

    json sections = json::array();
    const auto add = [&](json section, int height) {
        if (section["widgets"].empty()) return;
        section["height"] = height;
        sections.push_back(std::move(section));
    };
    json strips = json::array();
    for (auto& [n, items] : f.inputs) {
        Order(items, {"gain", "air", "phantom", "inst", "pad", "mute"});
        strips.push_back(Strip("Input " + std::to_string(n), items));
    }
    add(Panel("Inputs", "horizontal", std::move(strips)), 420);
    strips = json::array();
    for (auto& [n, items] : f.outputs) {
        Order(items, {"volume", "mute"});
        strips.push_back(Strip("Output " + std::to_string(n), items));
    }
    add(Panel("Outputs", "horizontal", std::move(strips)), 320);
    if (!f.monitor.empty()) {
        Order(f.monitor, {"volume", "dim", "mute"});
        add(Panel("Monitor", "horizontal", json::array({Strip("", f.monitor)})), 320);
    }
    for (const auto& [mix, inputs] : f.mixes) {
        json faders = json::array();
        for (const auto& [n, item] : inputs)
            if (auto w = Widget(item, std::to_string(n))) faders.push_back(std::move(*w));
        add(Panel("Mix " + mix, "horizontal", std::move(faders)), 260);
    }
    constexpr int COLUMNS = 4;
    json choices = json::array();
    for (const auto& item : f.routes)
        if (auto w = Widget(item, item.what)) choices.push_back(std::move(*w));
    const int rows = static_cast<int>((choices.size() + COLUMNS - 1) / COLUMNS);
    json routing = Panel("Routing", "grid", std::move(choices));
    routing["gridTemplate"] = COLUMNS;
    add(std::move(routing), HEADING + rows * (ROW + 8) + 10);
    json switches = json::array();
    Order(f.talkback, {"enable"});
    for (const auto& item : f.talkback)
        if (auto w = Widget(item, Label(item.what))) switches.push_back(std::move(*w));
    add(Panel("Talkback", "horizontal", std::move(switches)), HEADING + ROW + 20);
    /* A family added to docs/OSC.md after this generator: shown, not lost. */
    json others = json::array();
    for (const auto& item : f.other)
        if (auto w = Widget(item, item.what)) others.push_back(std::move(*w));
    add(Panel("Other", "horizontal", std::move(others)), 260);

    /* The tab scrolls through its sections (contain: false keeps their heights). */
    return {{"type", "tab"},
            {"label", Text(device.title)},
            {"layout", "vertical"},
            {"contain", false},
            {"widgets", std::move(sections)}};
}

/** The root's onCreate: feedback lasts 10 s after a /subscribe; the values at load. */
std::string Script(const std::string& target, const std::vector<std::string>& queries) {
    const std::string every = std::to_string(SUBSCRIBE_EVERY_MS);
    std::string s;
    s += "// scarlett-osc sends feedback for 10 s after each /subscribe: renewed\n";
    s += "var bridge = " + json(target).dump() + "\n";
    s += "send(bridge, \"/subscribe\")\n";
    s +=
        "setInterval(\"subscribe\", function () { send(bridge, \"/subscribe\") }, " + every + ")\n";
    s += "// the current values: each address queried (no argument), a few at a time\n";
    s += "var queries = " + json(queries).dump() + "\n";
    s += "var next = 0\n";
    s += "setInterval(\"query\", function () {\n";
    s += "    for (var k = 0; k < " + std::to_string(QUERIES_PER_TICK) +
         " && next < queries.length; k++)\n";
    s += "        send(bridge, queries[next++])\n";
    s += "    if (next >= queries.length) clearInterval(\"query\")\n";
    s += "}, " + std::to_string(QUERY_TICK_MS) + ")\n";
    return s;
}

}  // namespace

json OpenStageControlSession(const std::vector<LayoutDevice>& devices,
                             const std::string& bridge_host, unsigned bridge_port) {
    const std::string target = bridge_host + ":" + std::to_string(bridge_port);
    Builder builder(target);
    json tabs = json::array();
    for (const auto& device : devices) tabs.push_back(builder.Tab(device));
    json root = {{"type", "root"},
                 {"tabs", std::move(tabs)},
                 {"onCreate", Script(target, builder.Queries())}};
    return {{"createdWith", "scarlett-osc"},
            {"version", FORMAT_VERSION},
            {"type", "session"},
            {"content", std::move(root)}};
}

}  // namespace Osc
