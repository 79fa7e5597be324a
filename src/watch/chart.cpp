// SPDX-License-Identifier: Apache-2.0
#include "watch/chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace tsmqtt::watch {

namespace {

constexpr int kAxisWidth = 9;  // value labels, then a space

// Braille dot bits, by row (0-3) and column (0-1) within a cell (Unicode 2800-28FF).
constexpr std::uint8_t kBrailleBits[4][2] = {
    {0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

struct Column {
    double min = 0;
    double max = 0;
    double first = 0;   // the value of the column's oldest point
    double latest = 0;  // and of its newest
    TimePoint since{};  // when its oldest point came
    TimePoint until{};  // and its newest
    bool filled = false;
};

class Dots {
  public:
    Dots(int cells_wide, int cells_high, bool braille)
        : braille_(braille),
          per_col_(braille ? 2 : 1),
          per_row_(braille ? 4 : 2),
          cells_wide_(cells_wide),
          bits_(static_cast<std::size_t>(cells_wide * cells_high), 0) {}
    int width() const { return cells_wide_ * per_col_; }
    int height() const {
        return static_cast<int>(bits_.size()) / std::max(cells_wide_, 1) * per_row_;
    }
    void set(int x, int y) {
        const auto cell = static_cast<std::size_t>((y / per_row_) * cells_wide_ + x / per_col_);
        if (braille_) {
            bits_[cell] |= kBrailleBits[y % 4][x % 2];
        } else {
            bits_[cell] |= static_cast<std::uint8_t>(y % 2 == 0 ? 1 : 2);
        }
    }
    char32_t glyph(int col, int row) const {
        const auto bits = bits_[static_cast<std::size_t>(row * cells_wide_ + col)];
        if (bits == 0) return U' ';
        if (braille_) return static_cast<char32_t>(0x2800 + bits);
        return bits == 3 ? U'\u2588' : bits == 1 ? U'\u2580' : U'\u2584';
    }

  private:
    bool braille_;
    int per_col_;
    int per_row_;
    int cells_wide_;
    std::vector<std::uint8_t> bits_;
};

std::vector<Column> columns_of(const Series& series, TimePoint start, Span span, int count) {
    std::vector<Column> columns(static_cast<std::size_t>(count));
    const auto span_ms = std::chrono::duration_cast<std::chrono::milliseconds>(span).count();
    for (const auto& bucket : series.buckets()) {
        const auto offset =
            std::chrono::duration_cast<std::chrono::milliseconds>(bucket.last - start).count();
        if (offset < 0 || offset > span_ms) continue;
        const auto index =
            std::min<long long>(offset * count / std::max<long long>(span_ms, 1), count - 1);
        auto& column = columns[static_cast<std::size_t>(index)];
        if (!column.filled) {
            column = Column{bucket.min,   bucket.max,  bucket.latest, bucket.latest,
                            bucket.first, bucket.last, true};
            continue;
        }
        column.min = std::min(column.min, bucket.min);
        column.max = std::max(column.max, bucket.max);
        column.latest = bucket.latest;
        column.until = bucket.last;
    }
    return columns;
}

// Points closer in time than this are joined by a line; further apart, the gap shows. Three
// times the usual interval, so a sensor that reports every ten minutes is a line too.
TimePoint::duration join_limit(const std::vector<Column>& columns, Span span) {
    std::vector<TimePoint::duration> intervals;
    const Column* before = nullptr;
    for (const auto& column : columns) {
        if (!column.filled) continue;
        if (before != nullptr) intervals.push_back(column.since - before->until);
        before = &column;
    }
    TimePoint::duration limit = span / 10;
    if (!intervals.empty()) {
        const auto middle = intervals.begin() + static_cast<std::ptrdiff_t>(intervals.size() / 2);
        std::nth_element(intervals.begin(), middle, intervals.end());
        limit = std::max(limit, *middle * 3);
    }
    return limit;
}

}  // namespace

std::string format_value(double value, std::size_t width) {
    for (int digits = 6; digits > 1; --digits) {
        auto text = fmt::format("{:.{}g}", value, digits);
        if (text.size() <= width) return text;
    }
    return fmt::format("{:.1e}", value);
}

void draw_chart(Grid& grid, Rect area, const Series& series, TimePoint end, Span span) {
    const int chart_rows = area.height - 1;
    const int chart_cols = area.width - kAxisWidth;
    if (chart_rows < 1 || chart_cols < 8) return;
    const auto start = end - span;
    Dots dots(chart_cols, chart_rows, grid.unicode());
    const auto columns = columns_of(series, start, span, dots.width());
    const auto stats = series.stats(start, end);
    double low = stats.min;
    double high = stats.max;
    if (!(high > low)) {  // one value (or none): centre it
        low -= 1;
        high += 1;
    }
    const auto to_dot = [&](double value) {
        // Halved first, so that huge values of both signs do not overflow the difference.
        const double scaled = (high / 2 - value / 2) / (high / 2 - low / 2) * (dots.height() - 1);
        return std::clamp(static_cast<int>(std::lround(scaled)), 0, dots.height() - 1);
    };
    const auto joined = join_limit(columns, span);
    const auto vertical = [&](int x, double a, double b) {
        for (int y = to_dot(std::max(a, b)); y <= to_dot(std::min(a, b)); ++y) dots.set(x, y);
    };
    int previous = -1;
    for (int x = 0; x < dots.width(); ++x) {
        const auto& column = columns[static_cast<std::size_t>(x)];
        if (!column.filled) continue;
        if (previous >= 0) {
            const auto& before = columns[static_cast<std::size_t>(previous)];
            if (column.since - before.until <= joined) {
                const double step = (column.first - before.latest) / (x - previous);
                for (int between = previous + 1; between < x; ++between) {
                    const double from = before.latest + step * (between - previous - 1);
                    vertical(between, from, from + step);
                }
                vertical(x, before.latest + step * (x - previous - 1), column.first);
            }
        }
        vertical(x, column.min, column.max);
        previous = x;
    }
    for (int row = 0; row < chart_rows; ++row) {
        for (int col = 0; col < chart_cols; ++col) {
            const auto glyph = dots.glyph(col, row);
            if (glyph != U' ')
                grid.at(area.col + kAxisWidth + col, area.row + row) = {glyph, kChart};
        }
    }
    if (stats.count > 0) {
        const auto label = [&](int row, double value) {
            const auto text = format_value(value, kAxisWidth - 1);
            grid.put(area.col + kAxisWidth - 1 - static_cast<int>(text.size()), area.row + row,
                     text, kDim);
        };
        label(0, high);
        label(chart_rows - 1, low);
        if (chart_rows >= 5) label(chart_rows / 2, (high + low) / 2);
    }
    const int axis_row = area.row + chart_rows;
    const auto left = fmt::format("-{}", format_span(span));
    const auto middle = fmt::format("-{}", format_span(span / 2));
    grid.put(area.col + kAxisWidth, axis_row, left, kDim);
    grid.put(area.col + kAxisWidth + (chart_cols - static_cast<int>(middle.size())) / 2, axis_row,
             middle, kDim);
    grid.put(area.col + area.width - 3, axis_row, "now", kDim);
}

}  // namespace tsmqtt::watch
