// SPDX-License-Identifier: Apache-2.0
#include "relay_core.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "core/payload.hpp"
#include "format/formatter.hpp"
#include "format/json_text.hpp"

namespace tsmqtt::relay {
namespace {

struct PublishTopic {
    std::uint64_t channel = 0;
    int field = 0;  // 0: channel feed
    std::string key;
};

// channels/ID/publish[/KEY] and channels/ID/publish/fields/fieldN[/KEY]
bool parse_publish_topic(std::string_view topic, PublishTopic& out) {
    if (!topic.starts_with("channels/")) return false;
    topic.remove_prefix(9);
    const auto slash = topic.find('/');
    if (slash == std::string_view::npos) return false;
    try {
        out.channel = parse_channel_id(topic.substr(0, slash)).value;
    } catch (const Error&) {
        return false;
    }
    topic.remove_prefix(slash + 1);
    if (!topic.starts_with("publish")) return false;
    topic.remove_prefix(7);
    if (topic.starts_with("/fields/field")) {
        topic.remove_prefix(13);
        if (topic.empty() || topic[0] < '1' || topic[0] > '8') return false;
        out.field = topic[0] - '0';
        topic.remove_prefix(1);
    }
    if (topic.empty()) return true;
    if (topic[0] != '/' || topic.size() == 1 || topic.find('/', 1) != std::string_view::npos)
        return false;
    out.key = std::string(topic.substr(1));
    return true;
}

void set_entry_value(FeedEntry& entry, Param param, std::string value) {
    const auto index = static_cast<int>(param);
    if (index < 8) {
        entry.fields[static_cast<std::size_t>(index)] = std::move(value);
        return;
    }
    switch (param) {
        case Param::lat:
            entry.latitude = std::move(value);
            break;
        case Param::long_:
            entry.longitude = std::move(value);
            break;
        case Param::elevation:
            entry.elevation = std::move(value);
            break;
        case Param::status:
            entry.status = std::move(value);
            break;
        case Param::created_at:
            entry.created_at = std::move(value);
            break;
        default:
            break;
    }
}

// ThingSpeak takes only its own names; anything else makes the message invalid.
FeedEntry parse_form(std::string_view payload) {
    FeedEntry entry;
    std::size_t start = 0;
    while (start < payload.size()) {
        auto end = payload.find('&', start);
        if (end == std::string_view::npos) end = payload.size();
        const auto pair = payload.substr(start, end - start);
        start = end + 1;
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) usage_error(fmt::format("'{}' is not name=value", pair));
        const auto name = form_urldecode(pair.substr(0, eq));
        const auto param = find_param(name);
        if (!param || name != param_name(*param))
            usage_error(fmt::format("unknown name '{}'", name));
        auto value = form_urldecode(pair.substr(eq + 1));
        validate_param_value(*param, value);
        set_entry_value(entry, *param, std::move(value));
    }
    return entry;
}

bool has_values(const FeedEntry& entry) {
    for (const auto& field : entry.fields) {
        if (field) return true;
    }
    return entry.latitude || entry.longitude || entry.elevation || entry.status;
}

}  // namespace

Outcome Relay::handle(std::string_view topic, std::string_view payload,
                      std::chrono::system_clock::time_point now,
                      std::chrono::steady_clock::time_point steady_now) {
    Outcome outcome;
    PublishTopic target;
    if (!parse_publish_topic(topic, target)) {
        outcome.dropped = "not a ThingSpeak publish topic";
        return outcome;
    }
    if (!only_.empty() && only_.count(target.channel) == 0) {
        outcome.dropped = "channel not handled by this relay";
        return outcome;
    }
    const auto& rules = rules_[target.channel];
    if (target.key != rules.write_key) {
        outcome.dropped = "write key does not match";
        return outcome;
    }
    if (payload.size() > kMaxMessageBytes) {
        outcome.dropped = "message longer than 3000 bytes";
        return outcome;
    }
    FeedEntry entry;
    try {
        if (target.field == 0) {
            entry = parse_form(payload);
        } else {
            validate_field_value(payload);
            entry.fields[static_cast<std::size_t>(target.field - 1)] = std::string(payload);
        }
    } catch (const Error& e) {
        outcome.dropped = e.what();
        return outcome;
    }
    if (!has_values(entry)) {
        outcome.dropped = "no values";
        return outcome;
    }
    auto& state = state_[target.channel];
    if (entry.created_at && state.created_at.count(*entry.created_at) > 0) {
        outcome.dropped = "the channel already has an entry with this created_at";
        return outcome;
    }
    if (state.any && steady_now - state.last_accepted < rules.min_interval) {
        outcome.dropped = "faster than the channel's update interval";
        return outcome;
    }
    state.any = true;
    state.last_accepted = steady_now;
    entry.channel_id = target.channel;
    entry.entry_id = ++state.last_entry_id;
    if (!entry.created_at) entry.created_at = iso8601_utc(now);
    state.created_at.insert(*entry.created_at);

    const auto json = feed_entry_to_json(entry);
    const auto base = fmt::format("channels/{}/subscribe", target.channel);
    outcome.messages.push_back({base, json});
    if (!rules.read_key.empty())
        outcome.messages.push_back({fmt::format("{}/json/{}", base, rules.read_key), json});
    for (std::size_t i = 0; i < entry.fields.size(); ++i) {
        if (!entry.fields[i]) continue;
        const auto field_topic = fmt::format("{}/fields/field{}", base, i + 1);
        outcome.messages.push_back({field_topic, *entry.fields[i]});
        if (!rules.read_key.empty())
            outcome.messages.push_back(
                {fmt::format("{}/{}", field_topic, rules.read_key), *entry.fields[i]});
    }
    return outcome;
}

}  // namespace tsmqtt::relay
