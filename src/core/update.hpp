// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a subscriber receives, already classified by topic, and the interface of whatever
// consumes it: the formatting sink of subscribe (format/formatting_sink.hpp) or a live view.
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

#include "core/feed_entry.hpp"
#include "core/session.hpp"
#include "core/thingspeak.hpp"

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
    FieldNumber field;
    std::string value;
    Clock::time_point received_at;
};

struct RawUpdate {
    std::string topic;
    std::string payload;  // any bytes
    int qos = 0;
    bool retained = false;
    Clock::time_point received_at;
    MessageProperties properties{};  // MQTT 5: shown in JSON output
};

using Update = std::variant<ChannelUpdate, FieldUpdate, RawUpdate>;

enum class UpdateKind { channel, field, raw };

enum class ConnectionState { lost, back };

class UpdateSink {
  public:
    virtual ~UpdateSink() = default;
    // Once, before the first update, with the kind of updates this run produces. Each call
    // returns false when the consumer has gone (a closed pipe): the run ends there.
    virtual bool on_start(UpdateKind kind) = 0;
    virtual bool on_update(const Update& update) = 0;
    // The connection dropped, or came back and the subscriptions were made again.
    virtual void on_connection(ConnectionState state) = 0;
};

}  // namespace tsmqtt
