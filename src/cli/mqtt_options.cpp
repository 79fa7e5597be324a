// SPDX-License-Identifier: Apache-2.0
#include "cli/mqtt_options.hpp"

#include <fmt/format.h>

#include <string_view>

#include "core/error.hpp"

namespace tsmqtt::cli {
namespace {

struct RawOption {
    std::string_view name;
    bool mqtt5;            // MQTT 5 only
    std::string_view why;  // ThingSpeak's reason
};

// ThingSpeak's rules (docs/thingspeak.md, "Rules and limits"): MQTT 3.1.1, QoS 0, no retain,
// a clean session, no Will.
constexpr RawOption kRawOptions[] = {
    {"--will-topic", false, "ThingSpeak takes no Will message"},
    {"--will-payload", false, "ThingSpeak takes no Will message"},
    {"--will-qos", false, "ThingSpeak takes no Will message"},
    {"--will-retain", false, "ThingSpeak takes no Will message"},
    {"--no-clean", false, "ThingSpeak keeps no session: every connection is clean"},
    {"--session-expiry", true, "ThingSpeak keeps no session: every connection is clean"},
    {"--user-property", true, "ThingSpeak speaks MQTT 3.1.1 only, which has no properties"},
    {"--content-type", true, "ThingSpeak speaks MQTT 3.1.1 only, which has no properties"},
    {"--message-expiry", true, "ThingSpeak speaks MQTT 3.1.1 only, which has no properties"},
    {"--response-topic", true, "ThingSpeak speaks MQTT 3.1.1 only, which has no properties"},
    {"--correlation-data", true, "ThingSpeak speaks MQTT 3.1.1 only, which has no properties"},
    {"--no-local", true, "ThingSpeak speaks MQTT 3.1.1 only, which has no subscription options"},
    {"--retain-as-published", true,
     "ThingSpeak speaks MQTT 3.1.1 only, which has no subscription options"},
    {"--retain-handling", true,
     "ThingSpeak speaks MQTT 3.1.1 only, which has no subscription options"},
    {"--retained-only", false, "ThingSpeak keeps no retained messages"},
    {"--no-retained", false, "ThingSpeak keeps no retained messages"},
    {"--remove-retained", false, "ThingSpeak keeps no retained messages"},
    {"--unsubscribe", false, "ThingSpeak keeps no session to unsubscribe"},
};

bool given(const MqttArgs& args, std::string_view name) {
    const auto* option = args.app->get_option_no_throw(std::string(name));
    return option != nullptr && option->count() > 0;
}

const std::string kGroup = "Raw MQTT";

}  // namespace

void add_session_behaviour_options(CLI::App& app, MqttArgs& args) {
    args.app = &app;
    app.add_option("--will-topic", args.will_topic,
                   "Will: the broker publishes --will-payload to TOPIC if the connection dies")
        ->group(kGroup);
    app.add_option("--will-payload", args.will_payload, "The Will's message (default empty)")
        ->group(kGroup);
    app.add_option("--will-qos", args.will_qos, "The Will's QoS 0, 1 or 2")
        ->check(CLI::Range(0, 2))
        ->group(kGroup);
    app.add_flag("--will-retain", args.will_retain, "The Will is a retained message")
        ->group(kGroup);
    app.add_flag("--no-clean", args.no_clean,
                 "Persistent session (needs a fixed -i): the broker keeps subscriptions and "
                 "queued QoS 1/2 messages while away")
        ->group(kGroup);
    app.add_option("--session-expiry", args.session_expiry,
                   "MQTT 5: a persistent session the broker keeps SECS after a disconnect")
        ->group(kGroup);
}

void add_message_property_options(CLI::App& app, MqttArgs& args) {
    args.app = &app;
    app.add_option("--user-property", args.user_properties,
                   "MQTT 5: a user property KEY=VALUE on each message (repeatable)")
        ->allow_extra_args(false)
        ->group(kGroup);
    app.add_option("--content-type", args.content_type, "MQTT 5: the messages' content type")
        ->group(kGroup);
    app.add_option("--message-expiry", args.message_expiry,
                   "MQTT 5: the broker drops a message not delivered within SECS")
        ->group(kGroup);
    app.add_option("--response-topic", args.response_topic, "MQTT 5: the response topic")
        ->group(kGroup);
    app.add_option("--correlation-data", args.correlation_data,
                   "MQTT 5: correlation data, sent as its bytes")
        ->group(kGroup);
}

void add_subscription_behaviour_options(CLI::App& app, MqttArgs& args) {
    args.app = &app;
    app.add_flag("--no-local", args.no_local, "MQTT 5: no messages this client published itself")
        ->group(kGroup);
    app.add_flag("--retain-as-published", args.retain_as_published,
                 "MQTT 5: keep the retain flag of messages as published")
        ->group(kGroup);
    app.add_option("--retain-handling", args.retain_handling,
                   "MQTT 5: retained messages at subscribe: 0 sent, 1 only for a new "
                   "subscription, 2 never")
        ->check(CLI::Range(0, 2))
        ->group(kGroup);
    app.add_flag("--retained-only", args.retained_only,
                 "Print only retained messages; exit at the first live one")
        ->group(kGroup);
    app.add_flag("--no-retained", args.no_retained, "Skip retained (stale) messages")
        ->group(kGroup);
    app.add_flag("--remove-retained", args.remove_retained,
                 "Clear every retained message received (with --retained-only: those there "
                 "at subscription)")
        ->group(kGroup);
    app.add_option("--unsubscribe", args.unsubscribe,
                   "Unsubscribe a persistent session (-i, --no-clean) from FILTER and exit "
                   "(repeatable)")
        ->type_name("FILTER")
        ->allow_extra_args(false)
        ->group(kGroup);
}

void check_mqtt_options(const MqttArgs& args, bool raw, const Settings& settings) {
    for (const auto& option : kRawOptions) {
        if (!given(args, option.name)) continue;
        if (!raw)
            usage_error(fmt::format("{}: {}; use --topic for raw MQTT", option.name, option.why));
        if (option.mqtt5 && settings.mqtt_version != MqttVersion::v5)
            usage_error(fmt::format("{} is MQTT 5: add --mqtt-version 5", option.name));
    }
    if (args.will_payload && args.will_topic.empty())
        usage_error("--will-payload, --will-qos and --will-retain need --will-topic");
    if ((given(args, "--will-qos") || args.will_retain) && args.will_topic.empty())
        usage_error("--will-payload, --will-qos and --will-retain need --will-topic");
    if (!args.will_topic.empty() && args.will_topic.find_first_of("+#") != std::string::npos) {
        usage_error(
            fmt::format("invalid --will-topic '{}': a topic has no + or #", args.will_topic));
    }
    const bool persistent = args.no_clean || args.session_expiry || !args.unsubscribe.empty();
    if (persistent && !settings.explicitly_set(SettingId::client_id)) {
        usage_error(
            "a persistent session (--no-clean, --session-expiry, --unsubscribe) is kept under its "
            "client ID: give a fixed -i ID");
    }
    for (const auto& property : args.user_properties) {
        if (property.find('=') == std::string::npos)
            usage_error(fmt::format("invalid --user-property '{}': expected KEY=VALUE", property));
    }
    if (args.retained_only && args.no_retained)
        usage_error("--retained-only and --no-retained exclude each other");
}

MqttBehaviour mqtt_behaviour(const MqttArgs& args) {
    MqttBehaviour behaviour;
    if (!args.will_topic.empty()) {
        behaviour.will = OutgoingMessage(args.will_topic, args.will_payload.value_or(""),
                                         args.will_qos, args.will_retain);
    }
    behaviour.clean = !args.no_clean && !args.session_expiry && args.unsubscribe.empty();
    behaviour.session_expiry = args.session_expiry;
    behaviour.no_local = args.no_local;
    behaviour.retain_as_published = args.retain_as_published;
    behaviour.retain_handling = args.retain_handling;
    return behaviour;
}

MessageProperties message_properties(const MqttArgs& args) {
    MessageProperties properties;
    for (const auto& property : args.user_properties) {
        const auto eq = property.find('=');
        properties.user.emplace_back(property.substr(0, eq), property.substr(eq + 1));
    }
    properties.content_type = args.content_type;
    properties.message_expiry = args.message_expiry;
    properties.response_topic = args.response_topic;
    properties.correlation_data = args.correlation_data;
    return properties;
}

}  // namespace tsmqtt::cli
