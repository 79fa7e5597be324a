#pragma once
// What a subscriber receives, already classified by topic.
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

#include "core/feed_entry.hpp"

namespace tsmqtt {

using Clock = std::chrono::system_clock;

struct ChannelUpdate {
    std::string topic;
    FeedEntry entry;
    Clock::time_point received_at;
};

struct FieldUpdate {
    std::string topic;
    std::uint64_t channel_id = 0;
    int field = 1;  // 1..8
    std::string value;
    Clock::time_point received_at;
};

struct RawUpdate {
    std::string topic;
    std::string payload;  // any bytes
    int qos = 0;
    bool retained = false;
    Clock::time_point received_at;
};

using Update = std::variant<ChannelUpdate, FieldUpdate, RawUpdate>;

enum class UpdateKind { channel, field, raw };

}  // namespace tsmqtt
