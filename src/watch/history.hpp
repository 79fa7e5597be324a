// SPDX-License-Identifier: Apache-2.0
#pragma once
// --history FILE: the CSV that `subscribe --format csv` writes (channel-feed or field rows),
// loaded into the model before live data so the chart starts with the past.
#include <istream>

#include "watch/model.hpp"

namespace tsmqtt::watch {

// Reads record by record, so a long file costs no more memory than its points. Returns how many
// rows were loaded. Throws Error(usage) naming the line for a file that is
// not such a CSV (no known header row, a row of the wrong width, a bad time).
std::size_t load_history(std::istream& in, WatchModel& model);

}  // namespace tsmqtt::watch
