// SPDX-License-Identifier: Apache-2.0
#pragma once
// A line chart of one series in a rectangle of the grid: value axis on the left, time axis
// below, dots in braille cells (2x4 per cell) or, without Unicode, half blocks (1x2).
#include <string>

#include "watch/grid.hpp"
#include "watch/series.hpp"

namespace tsmqtt::watch {

struct Rect {
    int col = 0;
    int row = 0;
    int width = 0;
    int height = 0;
};

// The chart's last `height - 1` rows hold the dots, the bottom row the time axis; the window
// shown is (end - span, end].
void draw_chart(Grid& grid, Rect area, const Series& series, TimePoint end, Span span);

// A value in at most `width` characters: 6 significant digits, fewer when it would not fit.
std::string format_value(double value, std::size_t width = 10);

}  // namespace tsmqtt::watch
