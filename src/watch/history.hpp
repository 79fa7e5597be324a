#pragma once
// --history FILE: the CSV that `subscribe --format csv` writes (channel-feed or field rows),
// loaded into the model before live data so the chart starts with the past.
#include <string_view>

#include "watch/model.hpp"

namespace tsmqtt::watch {

// Returns how many rows were loaded. Throws Error(usage) naming the line for a file that is
// not such a CSV (no known header row, a row of the wrong width, a bad time).
std::size_t load_history(std::string_view csv, WatchModel& model);

}  // namespace tsmqtt::watch
