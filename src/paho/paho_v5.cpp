// SPDX-License-Identifier: Apache-2.0
#include "paho/paho_v5.hpp"

#include <limits>

namespace tsmqtt {
namespace {

using code = mqtt::property::code;

std::string text_at(const mqtt::properties& properties, code id) {
    return properties.contains(id) ? mqtt::get<std::string>(properties, id) : std::string();
}

}  // namespace

mqtt::properties to_paho_properties(const MessageProperties& properties) {
    mqtt::properties out;
    for (const auto& [key, value] : properties.user)
        out.add(mqtt::property(code::USER_PROPERTY, key, value));
    if (!properties.content_type.empty())
        out.add(mqtt::property(code::CONTENT_TYPE, properties.content_type));
    if (properties.message_expiry) {
        out.add(mqtt::property(code::MESSAGE_EXPIRY_INTERVAL,
                               static_cast<std::int32_t>(*properties.message_expiry)));
    }
    if (!properties.response_topic.empty())
        out.add(mqtt::property(code::RESPONSE_TOPIC, properties.response_topic));
    if (properties.correlation_data)
        out.add(mqtt::property(code::CORRELATION_DATA, *properties.correlation_data));
    return out;
}

MessageProperties from_paho_properties(const mqtt::properties& properties) {
    MessageProperties out;
    if (properties.empty()) return out;
    const auto users = properties.count(code::USER_PROPERTY);
    for (std::size_t i = 0; i < users; ++i) {
        auto [key, value] = mqtt::get<mqtt::string_pair>(properties, code::USER_PROPERTY, i);
        out.user.emplace_back(std::move(key), std::move(value));
    }
    out.content_type = text_at(properties, code::CONTENT_TYPE);
    if (properties.contains(code::MESSAGE_EXPIRY_INTERVAL)) {
        out.message_expiry = mqtt::get<std::uint32_t>(properties, code::MESSAGE_EXPIRY_INTERVAL);
    }
    out.response_topic = text_at(properties, code::RESPONSE_TOPIC);
    if (properties.contains(code::CORRELATION_DATA))
        out.correlation_data = text_at(properties, code::CORRELATION_DATA);
    return out;
}

void apply_behaviour(mqtt::connect_options& options, const MqttBehaviour& behaviour,
                     MqttVersion version) {
    if (version == MqttVersion::v5) {
        // Paho C takes clean start under MQTT 5 and refuses a clean session flag with it.
        options.set_clean_session(false);
        options.set_clean_start(behaviour.clean);
        // MQTT 5 ends a session at disconnect unless it has an expiry: --no-clean alone keeps
        // it until the broker expires it (0xFFFFFFFF: never, as far as the client asks).
        std::uint32_t expiry = 0;
        if (behaviour.session_expiry) {
            expiry = *behaviour.session_expiry;
        } else if (!behaviour.clean) {
            expiry = std::numeric_limits<std::uint32_t>::max();
        }
        if (expiry != 0) {
            options.set_properties(mqtt::properties{
                mqtt::property(code::SESSION_EXPIRY_INTERVAL, static_cast<std::int32_t>(expiry))});
        }
    } else {
        options.set_clean_session(behaviour.clean);
    }
    if (behaviour.will) {
        const auto& will = *behaviour.will;
        options.set_will(mqtt::will_options(will.topic, will.payload.data(), will.payload.size(),
                                            will.qos, will.retain));
    }
}

std::optional<mqtt::subscribe_options> subscription_options(const MqttBehaviour& behaviour,
                                                            MqttVersion version) {
    if (version != MqttVersion::v5 ||
        (!behaviour.no_local && !behaviour.retain_as_published && behaviour.retain_handling == 0))
        return std::nullopt;
    return mqtt::subscribe_options(
        behaviour.no_local, behaviour.retain_as_published,
        static_cast<mqtt::subscribe_options::RetainHandling>(behaviour.retain_handling));
}

std::size_t receive_maximum(const mqtt::token& connect, std::size_t fallback) {
    const auto response = connect.get_connect_response();
    const auto& properties = response.get_properties();
    if (!properties.contains(code::RECEIVE_MAXIMUM)) return fallback;
    const auto most = mqtt::get<std::uint16_t>(properties, code::RECEIVE_MAXIMUM);
    return most == 0 ? fallback : most;
}

std::string reason_string(const mqtt::properties& properties) {
    return text_at(properties, code::REASON_STRING);
}

}  // namespace tsmqtt
