// SPDX-License-Identifier: Apache-2.0
#pragma once
// The whole watch screen as a grid of cells, from the model and the view's state: pure, so
// golden tests pin it down without a terminal.
#include <cstddef>
#include <optional>
#include <string>

#include "watch/grid.hpp"
#include "watch/model.hpp"

namespace tsmqtt::watch {

constexpr int kMinCols = 80;
constexpr int kMinRows = 24;

enum class Key { quit, wider, narrower, pause, next, previous, zoom, help, other };

struct ViewState {
    std::string broker;    // host:port as the header shows it
    std::string watching;  // "channel 1587079", "topics sensors/#"
    Span span{3600};
    bool paused = false;
    TimePoint paused_at{};  // the chart's right edge while paused
    std::size_t selected = 0;
    bool zoomed = false;
    bool help = false;
    bool unicode = true;  // braille and box drawing; off: ASCII and half blocks

    // Applies one key; false for quit. `panels`: how many the screen has.
    bool apply(Key key, std::size_t panels, TimePoint now);
};

// `now` is the wall clock: the chart ends there unless paused.
Grid render(const WatchModel& model, const ViewState& view, int cols, int rows, TimePoint now);

}  // namespace tsmqtt::watch
