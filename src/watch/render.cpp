// SPDX-License-Identifier: Apache-2.0
#include "watch/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "format/formatter.hpp"
#include "watch/chart.hpp"

namespace tsmqtt::watch {

namespace {

constexpr int kPanelMinHeight = 5;  // title, statistics, two chart rows, the time axis

struct HelpLine {
    const char* keys;
    const char* what;
};
constexpr std::array<HelpLine, 6> kHelp{{
    {"q  Esc  Ctrl-C", "quit"},
    {"+  -", "wider or narrower span"},
    {"space", "pause or resume"},
    {"Tab  arrows", "next or previous panel"},
    {"Enter", "one panel alone, or all"},
    {"?", "show or hide these keys"},
}};

// "1 entry", "2 entries": a count and its noun, singular or plural.
std::string count_of(std::size_t count, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
}

std::string ago(std::optional<TimePoint> last, TimePoint now) {
    if (!last) return "none yet";
    const auto seconds = std::max<long long>(
        0, std::chrono::duration_cast<std::chrono::seconds>(now - *last).count());
    if (seconds < 120) return fmt::format("last {}s ago", seconds);
    if (seconds < 7200) return fmt::format("last {}m ago", seconds / 60);
    return fmt::format("last {}h ago", seconds / 3600);
}

std::string connection_text(const WatchModel& model) {
    switch (model.connection()) {
        case ConnectionState::connecting:
            return "connecting";
        case ConnectionState::connected:
            return "connected";
        case ConnectionState::lost:
            return "reconnecting";
        case ConnectionState::reconnected:
            return "reconnected";
    }
    return "";
}

void fill_row(Grid& grid, int row, std::uint8_t attr) {
    for (int col = 0; col < grid.cols(); ++col) grid.at(col, row) = Cell{U' ', attr};
}

void draw_header(Grid& grid, const WatchModel& model, const ViewState& view, TimePoint now) {
    fill_row(grid, 0, kReverse);
    const auto left = fmt::format(" tsmqtt watch  {}  {}  {}", escape_for_terminal(view.broker),
                                  escape_for_terminal(view.watching), connection_text(model));
    const auto right =
        fmt::format("span {}{} ", format_span(view.span), view.paused ? "  PAUSED" : "");
    const int right_width = static_cast<int>(right.size());
    grid.put(0, 0, left, kReverse | kBold, grid.cols() - right_width - 1);
    grid.put(grid.cols() - right_width, 0, right, kReverse | kBold);

    auto counts = " " + count_of(model.entries(), "entry", "entries");
    if (model.history_entries() > 0)
        counts += fmt::format(" (+{} from history)", model.history_entries());
    counts += fmt::format(", {}   ", ago(model.last_entry(), now));
    const int used = grid.put(0, 1, counts, kPlain);
    if (!model.last_note().empty()) {
        grid.put(used, 1, escape_for_terminal(model.last_note()), kWarn);
    } else {
        grid.put(used, 1, "? keys  q quit  +/- span  space pause", kDim);
    }
}

void draw_footer(Grid& grid, const WatchModel& model, std::size_t first, std::size_t shown) {
    const int row = grid.rows() - 1;
    std::string text =
        fmt::format(" status: {}", model.status().empty() ? std::string("-")
                                                          : escape_for_terminal(model.status()));
    if (const auto& where = model.location()) {
        text += fmt::format("   location: {}, {}", escape_for_terminal(where->latitude),
                            escape_for_terminal(where->longitude));
        if (!where->elevation.empty())
            text += fmt::format("  elevation {}", escape_for_terminal(where->elevation));
    }
    const auto total = model.store().series().size();
    if (shown == 1 && total > 1) {
        text += fmt::format("   panel {} of {}", first + 1, total);
    } else if (shown < total) {
        text += fmt::format("   panels {}-{} of {}", first + 1, first + shown, total);
    }
    if (const auto ignored = model.store().ignored_values(); ignored > 0)
        text += fmt::format("   {} of further topics not charted",
                            count_of(ignored, "value", "values"));
    grid.put(0, row, text, kPlain);
}

void draw_panel(Grid& grid, Rect area, const Series& series, bool selected, TimePoint end,
                Span span) {
    const int title = grid.put(area.col, area.row, escape_for_terminal(series.label()),
                               selected ? (kReverse | kBold) : (kTitle | kBold), area.width / 2);
    grid.put(area.col + title + 2, area.row, escape_for_terminal(series.latest_text()), kBold,
             area.width - title - 2);
    if (!series.numeric()) {
        grid.put(area.col, area.row + 1, "latest values (not numbers):", kDim, area.width);
        int row = area.row + 2;
        for (const auto& text : series.texts()) {
            if (row >= area.row + area.height) break;
            grid.put(area.col + 2, row++, escape_for_terminal(text), kPlain, area.width - 2);
        }
        return;
    }
    const auto stats = series.stats(end - span, end);
    const auto line = stats.count == 0
                          ? fmt::format("no values in the last {}", format_span(span))
                          : fmt::format("min {}  max {}  mean {}", format_value(stats.min),
                                        format_value(stats.max), format_value(stats.mean));
    grid.put(area.col, area.row + 1, line, kPlain, area.width);
    draw_chart(grid, Rect{area.col, area.row + 2, area.width, area.height - 2}, series, end, span);
}

void draw_help(Grid& grid) {
    const int width = 50;
    const int height = static_cast<int>(kHelp.size()) + 4;
    const int col = (grid.cols() - width) / 2;
    const int row = (grid.rows() - height) / 2;
    const bool unicode = grid.unicode();
    for (int r = 0; r < height; ++r) {
        for (int c = 0; c < width; ++c) {
            char32_t glyph = U' ';
            const bool top = r == 0, bottom = r == height - 1, left = c == 0,
                       right = c == width - 1;
            if ((top || bottom) && (left || right)) {
                glyph = !unicode ? U'+' : top ? (left ? U'┌' : U'┐') : (left ? U'└' : U'┘');
            } else if (top || bottom) {
                glyph = unicode ? U'─' : U'-';
            } else if (left || right) {
                glyph = unicode ? U'│' : U'|';
            }
            grid.at(col + c, row + r) = Cell{glyph, kBold};
        }
    }
    grid.put(col + 2, row + 1, "keys", kBold | kTitle);
    for (std::size_t i = 0; i < kHelp.size(); ++i) {
        const int r = row + 2 + static_cast<int>(i);
        grid.put(col + 2, r, kHelp[i].keys, kBold, 18);
        grid.put(col + 20, r, kHelp[i].what, kPlain, width - 22);
    }
}

}  // namespace

bool ViewState::apply(Key key, std::size_t panels, TimePoint now) {
    switch (key) {
        case Key::quit:
            return false;
        case Key::wider:
            span = wider_span(span);
            break;
        case Key::narrower:
            span = narrower_span(span);
            break;
        case Key::pause:
            paused = !paused;
            paused_at = now;
            break;
        case Key::next:
            if (panels > 0) selected = (selected + 1) % panels;
            break;
        case Key::previous:
            if (panels > 0) selected = (selected + panels - 1) % panels;
            break;
        case Key::zoom:
            zoomed = !zoomed;
            break;
        case Key::help:
            help = !help;
            break;
        case Key::other:
            break;
    }
    return true;
}

Grid render(const WatchModel& model, const ViewState& view, int cols, int rows, TimePoint now) {
    Grid grid(std::max(cols, 0), std::max(rows, 0));
    grid.set_unicode(view.unicode);
    if (cols < kMinCols || rows < kMinRows) {
        const std::string note =
            fmt::format("window too small: needs at least {}x{}", kMinCols, kMinRows);
        grid.put(std::max(0, (cols - static_cast<int>(note.size())) / 2), rows / 2, note, kBold);
        return grid;
    }
    draw_header(grid, model, view, now);
    const auto& all = model.store().series();
    const auto end = view.paused ? view.paused_at : now;
    const Rect area{0, 2, cols, rows - 3};
    std::size_t first = 0;
    std::size_t shown = 0;
    if (all.empty()) {
        grid.put(2, area.row + area.height / 2, "waiting for the first value...", kDim);
    } else if (view.zoomed) {
        first = std::min(view.selected, all.size() - 1);
        shown = 1;
        draw_panel(grid, area, all[first], true, end, view.span);
    } else {
        const int columns = all.size() <= 3 ? 1 : 2;
        const int fit_rows = std::max(1, area.height / kPanelMinHeight);
        const auto per_page = static_cast<std::size_t>(columns * fit_rows);
        const auto selected = std::min(view.selected, all.size() - 1);
        first = selected / per_page * per_page;
        shown = std::min(per_page, all.size() - first);
        const int panel_rows = static_cast<int>((shown + static_cast<std::size_t>(columns) - 1) /
                                                static_cast<std::size_t>(columns));
        const int height = area.height / panel_rows;
        const int width = cols / columns;
        for (std::size_t i = 0; i < shown; ++i) {
            const int col = static_cast<int>(i) % columns;
            const int row = static_cast<int>(i) / columns;
            // A blank column and a blank row keep neighbouring panels apart.
            const Rect panel{col * width, area.row + row * height, width - 1,
                             height - (row + 1 < panel_rows ? 1 : 0)};
            draw_panel(grid, panel, all[first + i], first + i == selected && all.size() > 1, end,
                       view.span);
        }
    }
    draw_footer(grid, model, first, shown);
    if (view.help) draw_help(grid);
    return grid;
}

}  // namespace tsmqtt::watch
