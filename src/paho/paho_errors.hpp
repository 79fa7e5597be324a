// SPDX-License-Identifier: Apache-2.0
#pragma once
// Paho's return codes and CONNACK refusals mapped to tsmqtt errors and exit codes.
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/settings.hpp"

namespace mqtt {
class exception;
}

namespace tsmqtt {

// A failed connect: CONNACK refusals are named (exit 5); a generic TCP/TLS failure is
// diagnosed with a probe of our own (exit 3 or 4), since Paho 1.2.0 cannot say more.
Error connect_error(const mqtt::exception& e, const Settings& settings, const Endpoint& endpoint);
Error session_error(const mqtt::exception& e, std::string_view during);

// The name of a CONNACK refusal (MQTT 3.1.1 codes 1-5, MQTT 5 reason codes >= 0x80).
std::string_view connack_reason(int code);

// An MQTT 5 reason code as docs/cli-contract.md shows it: "135 (0x87) not authorized", plus
// the broker's reason string when it sent one.
std::string reason_code_text(int code, std::string_view reason_string = {});

}  // namespace tsmqtt
