// SPDX-License-Identifier: Apache-2.0
#pragma once
// ThingSpeak's vocabulary: channel IDs, field numbers, the feed parameters and their topics.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tsmqtt {

inline constexpr int kFieldCount = 8;
inline constexpr std::size_t kMaxValueBytes = 255;
inline constexpr std::size_t kMaxMessageBytes = 3000;
inline constexpr std::string_view kDefaultHost = "mqtt3.thingspeak.com";

struct ChannelId {
    std::uint64_t value = 0;
    friend bool operator==(ChannelId, ChannelId) = default;
};
ChannelId parse_channel_id(std::string_view text);  // positive integer, throws Error(usage)

// A channel's field, 1..8: made only by of() or parse_field_number, so whoever holds one need
// not check it again.
class FieldNumber {
  public:
    constexpr FieldNumber() = default;  // field 1
    static constexpr std::optional<FieldNumber> of(int number) {
        if (number < 1 || number > 8) return std::nullopt;
        return FieldNumber(number);
    }
    constexpr int value() const { return value_; }
    constexpr std::size_t index() const { return static_cast<std::size_t>(value_ - 1); }  // 0..7
    friend bool operator==(FieldNumber, FieldNumber) = default;

  private:
    explicit constexpr FieldNumber(int number) : value_(number) {}
    int value_ = 1;
};
FieldNumber parse_field_number(std::string_view text);  // "1".."8" or "field1".."field8"

// The parameters of one channel-feed entry, in the stable order of docs/cli-contract.md:
// field1..field8, lat, long, elevation, status, created_at.
enum class Param : int {
    field1,
    field2,
    field3,
    field4,
    field5,
    field6,
    field7,
    field8,
    lat,
    long_,
    elevation,
    status,
    created_at,
};
inline constexpr int kParamCount = 13;

std::string_view param_name(Param param);  // "field1", "lat", "long", ...
// Accepts field1..field8, 1..8, lat, long, elevation, status, created_at (and the aliases
// latitude, longitude). Returns nullopt for anything else.
std::optional<Param> find_param(std::string_view name);
Param parse_param(std::string_view name);  // throws Error(usage) listing the valid names
inline Param field_param(FieldNumber field) {
    return static_cast<Param>(field.index());
}

// Topics, current and legacy broker (docs/thingspeak.md).
std::string publish_topic(ChannelId channel, const std::string& write_key = {});
std::string publish_field_topic(ChannelId channel, FieldNumber field,
                                const std::string& write_key = {});
std::string subscribe_topic(ChannelId channel, const std::string& read_key = {});
std::string subscribe_field_topic(ChannelId channel, std::optional<FieldNumber> field /*all*/,
                                  const std::string& read_key = {});

// What a subscribe topic means: channel feed or field feed, and which channel and field.
struct TopicMeaning {
    enum class Kind { channel_feed, field_feed, other } kind = Kind::other;
    ChannelId channel;
    std::optional<FieldNumber> field;
};
TopicMeaning classify_subscribe_topic(std::string_view topic);

}  // namespace tsmqtt
