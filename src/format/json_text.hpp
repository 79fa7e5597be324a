// SPDX-License-Identifier: Apache-2.0
#pragma once
// Hand-written JSON output: one pass, no DOM per message, and always valid JSON.
#include <string>
#include <string_view>

#include "core/feed_entry.hpp"

namespace tsmqtt {

// Appends text as a quoted JSON string. Bytes that are not UTF-8 become U+FFFD, so the
// output is valid JSON whatever arrived; C0, DEL and C1 controls are written as \u00NN escapes so
// that a line shown on a terminal cannot steer it.
void append_json_string(std::string& out, std::string_view text);

// The entry as ThingSpeak sends it: every key present, null where no value, channel_id and
// entry_id as integers, values as strings. Keys in ThingSpeak's order.
std::string feed_entry_to_json(const FeedEntry& entry);

}  // namespace tsmqtt
