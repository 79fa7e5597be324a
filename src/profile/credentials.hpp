// SPDX-License-Identifier: Apache-2.0
#pragma once
// ThingSpeak MQTT device credential downloads: mqtt_secrets.h and the plain-text form.
#include <string>
#include <string_view>

namespace tsmqtt {

struct DeviceCredentials {
    std::string username;
    std::string client_id;
    std::string password;
};

// Accepts the Arduino header (#define SECRET_MQTT_USERNAME "...") and plain text
// (username = ..., clientId: "...", keys case-insensitive, '=' or ':', quotes optional,
// blank lines and other keys ignored). Throws Error(config) naming the missing pieces, e.g.
// "credentials file lacks the password (SECRET_MQTT_PASSWORD or password = ...)".
DeviceCredentials parse_device_credentials(std::string_view text);

}  // namespace tsmqtt
