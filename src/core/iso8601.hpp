// SPDX-License-Identifier: Apache-2.0
#pragma once
// ISO 8601 UTC with seconds (2021-12-11T05:35:31Z): received_at in every output format, and the
// created_at that a stamped publish adds.
#include <chrono>
#include <string>

namespace tsmqtt {

std::string iso8601_utc(std::chrono::system_clock::time_point when);
// The same, appended without a temporary string (the formatters' per-update path).
void append_iso8601_utc(std::string& out, std::chrono::system_clock::time_point when);

}  // namespace tsmqtt
