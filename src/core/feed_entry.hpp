// SPDX-License-Identifier: Apache-2.0
#pragma once
// A channel-feed update as delivered to subscribers, in every form seen in the wild:
// values as strings, numbers or null, and keys missing altogether (docs/thingspeak.md).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tsmqtt {

// The keys of the eight fields, in order.
inline constexpr std::array<std::string_view, 8> kFeedFieldNames{
    "field1", "field2", "field3", "field4", "field5", "field6", "field7", "field8"};

struct FeedEntry {
    std::optional<std::uint64_t> channel_id;
    std::optional<std::uint64_t> entry_id;
    std::optional<std::string> created_at;
    std::array<std::optional<std::string>, 8> fields{};  // field1..field8
    std::optional<std::string> latitude;
    std::optional<std::string> longitude;
    std::optional<std::string> elevation;
    std::optional<std::string> status;

    friend bool operator==(const FeedEntry&, const FeedEntry&) = default;
};

// The text keys after the fields, in ThingSpeak's order, and the member each is kept in.
struct FeedTextKey {
    std::string_view name;
    std::optional<std::string> FeedEntry::*member;
};
inline constexpr std::array<FeedTextKey, 4> kFeedTailKeys{{{"latitude", &FeedEntry::latitude},
                                                           {"longitude", &FeedEntry::longitude},
                                                           {"elevation", &FeedEntry::elevation},
                                                           {"status", &FeedEntry::status}}};

// Parses one channel-feed JSON message. Numbers are kept as their shortest text; integers
// given as strings ("797") are accepted for channel_id/entry_id. Unknown keys are ignored.
// Throws Error(ExitCode::usage) whose message says why the message is not a feed entry
// (not JSON, not an object, wrong type for a key, ...).
FeedEntry parse_feed_entry(std::string_view json);

// The same with the full JSON parser alone, which parse_feed_entry falls back to for messages
// out of the common shape (core/flat_json.hpp); the tests compare the two.
FeedEntry parse_feed_entry_fully(std::string_view json);

}  // namespace tsmqtt
