// SPDX-License-Identifier: Apache-2.0
#include "paho/paho_errors.hpp"

#include <fmt/format.h>
#include <mqtt/exception.h>

#include <algorithm>
#include <cctype>

#include "paho/tls_probe.hpp"

namespace tsmqtt {

std::string_view connack_reason(int code) {
    switch (code) {
        case 1:
            return "unacceptable protocol version";
        case 2:
            return "client identifier rejected";
        case 3:
            return "server unavailable";
        case 4:
            return "bad user name or password";
        case 5:
            return "not authorized";
        case 0x80:
            return "unspecified error";
        case 0x81:
            return "malformed packet";
        case 0x82:
            return "protocol error";
        case 0x84:
            return "unsupported protocol version";
        case 0x85:
            return "client identifier not valid";
        case 0x86:
            return "bad user name or password";
        case 0x87:
            return "not authorized";
        case 0x88:
            return "server unavailable";
        case 0x89:
            return "server busy";
        case 0x8A:
            return "banned";
        case 0x8C:
            return "bad authentication method";
        case 0x95:
            return "packet too large";
        case 0x97:
            return "quota exceeded";
        case 0x9F:
            return "connection rate exceeded";
        default:
            return {};
    }
}

std::string reason_code_text(int code, std::string_view reason_string) {
    std::string name(connack_reason(code));
    if (name.empty() || code < 0x80) {
        // Paho C names every MQTT 5 code ("Session taken over"); the contract's are lower case.
        const char* paho = ::MQTTReasonCode_toString(static_cast<MQTTReasonCodes>(code));
        name = paho != nullptr ? paho : "unknown reason";
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    auto text = fmt::format("{} (0x{:02X}) {}", code, code, name);
    if (!reason_string.empty()) text += fmt::format(": \"{}\"", reason_string);
    return text;
}

Error connect_error(const mqtt::exception& e, const Settings& settings, const Endpoint& endpoint) {
    const int rc = e.get_return_code();
    const bool v5 = settings.mqtt_version == MqttVersion::v5;
    const auto reason = (v5 && rc >= 0x80) ? reason_code_text(rc) : std::string(connack_reason(rc));
    if (!reason.empty()) {
        std::string hint;
        if (rc == 4 || rc == 0x86) hint = " (check the username and password)";
        if (rc == 5 || rc == 0x87)
            hint = " (check the username and password, and that this device may connect)";
        if (rc == 2 || rc == 0x85) hint = " (check --client-id)";
        // A 3.1.1-only broker (aedes 0.x, say) answers an MQTT 5 CONNECT with return code 1.
        if ((rc == 1 || rc == 0x84) && settings.mqtt_version == MqttVersion::v5)
            hint = ": the broker does not speak MQTT 5 (try --mqtt-version 3.1.1)";
        const bool no_credentials = settings.username.empty() && !settings.password;
        if (no_credentials && (rc == 4 || rc == 5 || rc == 0x86 || rc == 0x87)) {
            hint =
                " (no username or password was given: import the device's credentials with tsmqtt "
                "profile import NAME mqtt_secrets.h -c CHANNEL, or give -u USER and "
                "--password-file FILE)";
        }
        return Error(ExitCode::auth,
                     fmt::format("{} refused the connection: {}{}", endpoint.uri(), reason, hint));
    }
    auto probe = probe_connection(settings, endpoint);
    if (probe.code != ExitCode::ok) return Error(probe.code, probe.message);
    if (endpoint.transport == Transport::ws || endpoint.transport == Transport::wss) {
        return Error(
            ExitCode::network,
            fmt::format("WebSocket handshake with {} failed (is '{}' the broker's WebSocket path?)",
                        endpoint.uri(), endpoint.path.empty() ? "/mqtt" : endpoint.path));
    }
    // A 3.1.1-only broker may also close the connection at an MQTT 5 CONNECT (RabbitMQ does).
    const auto question = settings.mqtt_version == MqttVersion::v5
                              ? "does the server speak MQTT 5 on this port? if it speaks only "
                                "MQTT 3.1.1, try --mqtt-version 3.1.1"
                              : "does the server speak MQTT on this port?";
    return Error(ExitCode::network,
                 fmt::format("cannot connect to {}: {} ({})", endpoint.uri(),
                             e.get_error_str().empty() ? std::string("connection failed")
                                                       : e.get_error_str(),
                             question));
}

Error session_error(const mqtt::exception& e, std::string_view during) {
    const int rc = e.get_return_code();
    if (rc == MQTTASYNC_DISCONNECTED) {
        return Error(ExitCode::network,
                     fmt::format("{} failed: not connected to the broker", during));
    }
    // Paho drops a request still waiting for its answer when the connection goes.
    if (rc == MQTTASYNC_OPERATION_INCOMPLETE) {
        return Error(
            ExitCode::network,
            fmt::format("{} failed: the connection was lost before the broker answered", during));
    }
    return Error(ExitCode::failure, fmt::format("{} failed: {}", during, e.what()));
}

}  // namespace tsmqtt
