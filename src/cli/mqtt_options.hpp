// SPDX-License-Identifier: Apache-2.0
#pragma once
// The raw-mode MQTT options of publish, subscribe and watch (docs/cli-contract.md, "MQTT 5 and
// raw-mode parity"): a Will and a persistent session (every command that connects), MQTT 5
// message properties (publish), subscription options and the retained-message tools
// (subscribe). One table names them all, so that each is refused with -c for the same reason,
// and those of MQTT 5 under 3.1.1.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/session.hpp"
#include "core/settings.hpp"
#include "paho/paho_session.hpp"

namespace tsmqtt::cli {

struct MqttArgs {
    std::string will_topic;
    std::optional<std::string> will_payload;
    int will_qos = 0;
    bool will_retain = false;
    bool no_clean = false;
    std::optional<std::uint32_t> session_expiry;
    // publish
    std::vector<std::string> user_properties;  // KEY=VALUE
    std::string content_type;
    std::optional<std::uint32_t> message_expiry;
    std::string response_topic;
    std::optional<std::string> correlation_data;
    // subscribe
    bool no_local = false;
    bool retain_as_published = false;
    int retain_handling = 0;
    bool retained_only = false;
    bool no_retained = false;
    bool remove_retained = false;
    std::vector<std::string> unsubscribe;
    CLI::App* app = nullptr;
};

// --will-*, --no-clean, --session-expiry.
void add_session_behaviour_options(CLI::App& app, MqttArgs& args);
// --user-property, --content-type, --message-expiry, --response-topic, --correlation-data.
void add_message_property_options(CLI::App& app, MqttArgs& args);
// --no-local, --retain-as-published, --retain-handling, --retained-only, --no-retained,
// --remove-retained, --unsubscribe.
void add_subscription_behaviour_options(CLI::App& app, MqttArgs& args);

// Refuses (exit 2) each raw-mode option given with -c, with ThingSpeak's reason, and each
// MQTT 5 option under 3.1.1; --no-clean and --session-expiry need a fixed -i.
void check_mqtt_options(const MqttArgs& args, bool raw, const Settings& settings);

// What the options ask of the session, and of each published message.
MqttBehaviour mqtt_behaviour(const MqttArgs& args);
MessageProperties message_properties(const MqttArgs& args);

}  // namespace tsmqtt::cli
