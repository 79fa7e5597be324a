// SPDX-License-Identifier: Apache-2.0
#pragma once
// The MQTT 5 and raw-mode parts of a Paho session: message properties both ways, the connect
// options of a Will and a persistent session, subscription options, and what a CONNACK says
// about the broker's receive window (docs/platform.md, "MQTT 5 streams").
#include <mqtt/async_client.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/session.hpp"
#include "core/settings.hpp"
#include "paho/paho_session.hpp"

namespace tsmqtt {

mqtt::properties to_paho_properties(const MessageProperties& properties);
MessageProperties from_paho_properties(const mqtt::properties& properties);

// Clean session or start, session expiry and the Will, for the version in use.
void apply_behaviour(mqtt::connect_options& options, const MqttBehaviour& behaviour,
                     MqttVersion version);

// The subscription options asked for (MQTT 5), or nullopt when none differs from the default.
std::optional<mqtt::subscribe_options> subscription_options(const MqttBehaviour& behaviour,
                                                            MqttVersion version);

// The broker's Receive Maximum from a completed connect token, or `fallback` when it sent none
// (MQTT 5 only).
std::size_t receive_maximum(const mqtt::token& connect, std::size_t fallback);

// The Reason String property, or "".
std::string reason_string(const mqtt::properties& properties);

}  // namespace tsmqtt
