// SPDX-License-Identifier: Apache-2.0
#include "core/thingspeak.hpp"

#include <fmt/format.h>

#include <charconv>

#include "core/error.hpp"
#include "core/quote.hpp"

namespace tsmqtt {
namespace {

struct ParamName {
    std::string_view name;
    Param param;
};
// Canonical names first (param_name reads the first kParamCount rows), aliases after.
constexpr ParamName kParamNames[] = {
    {"field1", Param::field1},
    {"field2", Param::field2},
    {"field3", Param::field3},
    {"field4", Param::field4},
    {"field5", Param::field5},
    {"field6", Param::field6},
    {"field7", Param::field7},
    {"field8", Param::field8},
    {"lat", Param::lat},
    {"long", Param::long_},
    {"elevation", Param::elevation},
    {"status", Param::status},
    {"created_at", Param::created_at},
    {"1", Param::field1},
    {"2", Param::field2},
    {"3", Param::field3},
    {"4", Param::field4},
    {"5", Param::field5},
    {"6", Param::field6},
    {"7", Param::field7},
    {"8", Param::field8},
    {"latitude", Param::lat},
    {"longitude", Param::long_},
};

bool parse_u64(std::string_view text, std::uint64_t& out) {
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return !text.empty() && ec == std::errc() && ptr == end;
}

std::string with_key(std::string topic, const std::string& key) {
    if (!key.empty()) {
        topic += '/';
        topic += key;
    }
    return topic;
}

}  // namespace

ChannelId parse_channel_id(std::string_view text) {
    std::uint64_t value = 0;
    if (!parse_u64(text, value) || value == 0) {
        usage_error(
            fmt::format("invalid channel ID '{}': expected a positive whole number such as 1587079",
                        bounded(text)));
    }
    return ChannelId{value};
}

FieldNumber parse_field_number(std::string_view text) {
    auto digits = text;
    if (digits.starts_with("field")) digits.remove_prefix(5);
    if (digits.size() == 1 && digits[0] >= '1' && digits[0] <= '8')
        return *FieldNumber::of(digits[0] - '0');
    usage_error(
        fmt::format("invalid field '{}': expected a field number from 1 to 8", bounded(text)));
}

std::string_view param_name(Param param) {
    return kParamNames[static_cast<std::size_t>(param)].name;
}

std::optional<Param> find_param(std::string_view name) {
    for (const auto& row : kParamNames) {
        if (row.name == name) return row.param;
    }
    return std::nullopt;
}

Param parse_param(std::string_view name) {
    if (auto param = find_param(name)) return *param;
    usage_error(
        fmt::format("unknown parameter '{}': expected field1..field8 (or 1..8), lat, long, "
                    "elevation, status or created_at",
                    bounded(name)));
}

std::string publish_topic(ChannelId channel, const std::string& write_key) {
    return with_key(fmt::format("channels/{}/publish", channel.value), write_key);
}

std::string publish_field_topic(ChannelId channel, FieldNumber field,
                                const std::string& write_key) {
    return with_key(fmt::format("channels/{}/publish/fields/field{}", channel.value, field.value()),
                    write_key);
}

std::string subscribe_topic(ChannelId channel, const std::string& read_key) {
    // The legacy broker wants a format segment before the read key.
    if (read_key.empty()) return fmt::format("channels/{}/subscribe", channel.value);
    return fmt::format("channels/{}/subscribe/json/{}", channel.value, read_key);
}

std::string subscribe_field_topic(ChannelId channel, std::optional<FieldNumber> field,
                                  const std::string& read_key) {
    const std::string last = field ? fmt::format("field{}", field->value()) : std::string("+");
    return with_key(fmt::format("channels/{}/subscribe/fields/{}", channel.value, last), read_key);
}

TopicMeaning classify_subscribe_topic(std::string_view topic) {
    TopicMeaning meaning;
    if (!topic.starts_with("channels/")) return meaning;
    auto rest = topic.substr(9);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return meaning;
    std::uint64_t id = 0;
    if (!parse_u64(rest.substr(0, slash), id) || id == 0) return meaning;
    rest = rest.substr(slash + 1);
    if (!rest.starts_with("subscribe")) return meaning;
    rest = rest.substr(9);
    meaning.channel = ChannelId{id};
    if (rest.empty() || rest.starts_with("/json")) {
        meaning.kind = TopicMeaning::Kind::channel_feed;
        return meaning;
    }
    if (rest.starts_with("/fields/field") && rest.size() >= 14) {
        const char digit = rest[13];
        const bool end_ok = rest.size() == 14 || rest[14] == '/';
        if (digit >= '1' && digit <= '8' && end_ok) {
            meaning.kind = TopicMeaning::Kind::field_feed;
            meaning.field = FieldNumber::of(digit - '0');
        }
    }
    return meaning;
}

}  // namespace tsmqtt
