// SPDX-License-Identifier: Apache-2.0
#include "paho/packet_log.hpp"

#include <fmt/format.h>

#include "core/quote.hpp"
#include "paho/paho_errors.hpp"

namespace tsmqtt {
namespace {

std::string publish_line(std::string_view arrow, std::string_view topic, int qos, bool retain,
                         std::size_t size) {
    return fmt::format("{} PUBLISH {} (qos {}, retain {}, {} byte{})", arrow, bounded(topic), qos,
                       retain ? "yes" : "no", size, size == 1 ? "" : "s");
}

// 0-2: the QoS granted; from 0x80 on a refusal (3.1.1: 0x80 only; MQTT 5: its reason code).
std::string suback_code(int code) {
    if (code >= 0 && code < 0x80) return fmt::format("{} (granted qos {})", code, code);
    return fmt::format("{} (0x{:02x}, refused)", code, code);
}

}  // namespace

void PacketLog::connect(const Endpoint& endpoint, std::string_view client_id,
                        const Settings& settings) const {
    if (!on()) return;
    line(fmt::format("-> CONNECT {} client-id {}, username {}, {}, MQTT {}, keepalive {} s",
                     endpoint.uri(), client_id,
                     settings.username.empty() ? std::string("none") : settings.username,
                     settings.password ? "password given" : "no password",
                     settings.mqtt_version == MqttVersion::v5 ? "5" : "3.1.1", settings.keepalive));
}

void PacketLog::connack(int code) const {
    if (!on()) return;
    const auto reason = code == 0 ? std::string_view("accepted") : connack_reason(code);
    line(fmt::format("<- CONNACK {} ({})", code, reason.empty() ? "refused" : reason));
}

void PacketLog::subscribe(const std::vector<std::string>& filters, int qos) const {
    if (!on()) return;
    std::string text = "-> SUBSCRIBE";
    for (std::size_t i = 0; i < filters.size(); ++i)
        text += fmt::format("{} {} qos {}", i == 0 ? "" : ",", bounded(filters[i]), qos);
    line(text);
}

void PacketLog::suback(const std::vector<std::string>& filters,
                       const std::vector<int>& codes) const {
    if (!on()) return;
    std::string text = "<- SUBACK";
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const auto filter = i < filters.size() ? bounded(filters[i]) : std::string("?");
        text += fmt::format("{} {} {}", i == 0 ? "" : ",", filter, suback_code(codes[i]));
    }
    line(text);
}

void PacketLog::publish_sent(std::string_view topic, int qos, bool retain, std::size_t size) const {
    if (on()) line(publish_line("->", topic, qos, retain, size));
}

void PacketLog::publish_received(std::string_view topic, int qos, bool retain,
                                 std::size_t size) const {
    if (on()) line(publish_line("<-", topic, qos, retain, size));
}

void PacketLog::acknowledged(int qos) const {
    if (on()) line(qos == 2 ? "<- PUBCOMP" : "<- PUBACK");
}

void PacketLog::disconnect() const {
    if (on()) line("-> DISCONNECT");
}

}  // namespace tsmqtt
