// SPDX-License-Identifier: Apache-2.0
#include "cli/subscription.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "cli/io.hpp"
#include "cli/validators.hpp"
#include "core/error.hpp"

namespace tsmqtt::cli {
namespace {

// MQTT 3.1.1, 4.7.1: a wildcard fills a whole level, and # only the last one. A broker answers
// a bad filter by closing the connection, which would say nothing about the filter.
void check_topic_filter(std::string_view filter) {
    const auto bad = [&](std::string_view why) {
        usage_error(fmt::format("invalid --topic '{}': {}", filter, why));
    };
    if (filter.empty()) bad("a topic filter is not empty");
    if (filter.find('\0') != std::string_view::npos) bad("a topic filter holds no NUL character");
    std::size_t start = 0;
    for (;;) {
        const auto end = std::min(filter.find('/', start), filter.size());
        const auto level = filter.substr(start, end - start);
        if (level.find_first_of("+#") != std::string_view::npos && level.size() > 1) {
            bad("+ and # stand alone in their level, as in a/+/c or a/#");
        }
        if (level == "#" && end != filter.size()) bad("# is the last level, as in a/#");
        if (end == filter.size()) return;
        start = end + 1;
    }
}

}  // namespace

SubscribePlan plan_subscription(const SubscriptionArgs& args, const Settings& settings) {
    SubscribePlan plan;
    plan.qos = args.qos;
    if (!args.topics.empty()) {  // CLI11 has refused -c and --field beside it
        for (const auto& topic : args.topics) check_topic_filter(topic);
        plan.filters = args.topics;
        plan.raw = true;
        plan.kind = UpdateKind::raw;
        return plan;
    }
    if (args.qos != 0)
        usage_error(fmt::format(
            "--qos {}: ThingSpeak delivers QoS 0 only; use --topic for raw MQTT", args.qos));
    if (settings.mqtt_version != MqttVersion::v311) {
        usage_error(
            "--mqtt-version 5: ThingSpeak speaks MQTT 3.1.1 only; use --topic for raw MQTT");
    }
    // Repeats and fields that "all" already covers are dropped: overlapping subscriptions
    // would make the broker deliver (and tsmqtt print) one update twice.
    std::vector<ChannelId> channels;
    for (const auto& text : args.channels) {
        const auto channel = parse_channel_id(text);
        if (std::find(channels.begin(), channels.end(), channel) == channels.end())
            channels.push_back(channel);
    }
    if (channels.empty() && settings.channel) channels.push_back(*settings.channel);
    if (channels.empty())
        usage_error("no channel: give -c CHANNEL (or a profile with a channel), or --topic FILTER");
    std::vector<std::optional<FieldNumber>> fields;  // nullopt: all
    for (const auto& text : args.fields) {
        const auto field = text == "all" ? std::nullopt : std::optional(parse_field_number(text));
        if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.push_back(field);
    }
    if (std::find(fields.begin(), fields.end(), std::nullopt) != fields.end())
        fields = {std::nullopt};
    for (const auto channel : channels) {
        if (fields.empty()) plan.filters.push_back(subscribe_topic(channel, settings.read_key));
        for (const auto& field : fields)
            plan.filters.push_back(subscribe_field_topic(channel, field, settings.read_key));
    }
    plan.kind = args.fields.empty() ? UpdateKind::channel : UpdateKind::field;
    return plan;
}

void add_subscription_options(CLI::App& app, SubscriptionArgs& args, const SubscriptionHelp& help) {
    const std::string ts = "ThingSpeak";
    auto* channel =
        app.add_option("-c,--channel", args.channels, "ThingSpeak channel ID (repeatable)")
            ->group(ts)
            ->allow_extra_args(false);
    auto* field =
        app.add_option("--field", args.fields, help.field)->group(ts)->allow_extra_args(false);
    app.add_option("--read-key", args.read_key,
                   "Legacy broker: channel Read API key (env TSMQTT_READ_KEY)")
        ->group(ts);
    app.add_option("--label", args.labels, help.label)->group(ts)->allow_extra_args(false);
    const std::string raw = "Raw MQTT";
    app.add_option("-t,--topic", args.topics, help.topic)
        ->group(raw)
        ->allow_extra_args(false)
        ->excludes(channel)
        ->excludes(field);
    app.add_option("--qos", args.qos, "QoS 0, 1 or 2 (raw MQTT)")
        ->check(CLI::Range(0, 2))
        ->group(raw);
    app.add_option("--color", args.color, help.color)
        ->check(one_of({"auto", "always", "never"}))
        ->group(help.color_group);
}

void add_subscription_settings(const SubscriptionArgs& args, ConnectionArgs& connection) {
    connection.channels = args.channels;  // for the -v report of the channels in force
    if (!args.read_key.empty()) connection.values.emplace_back("read-key", args.read_key);
    for (const auto& label : args.labels) connection.values.emplace_back("label", label);
}

bool want_color(const SubscriptionArgs& args) {  // auto, always or never: CLI11 has checked
    if (args.color == "always") return true;
    if (args.color == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") return false;
    return is_terminal(STDOUT_FILENO);
}

}  // namespace tsmqtt::cli
