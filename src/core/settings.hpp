#pragma once
// Connection settings and where each came from. Every setting has one key, the long option
// name without dashes ("client-id"); the same keys name profile entries. Values are applied
// lowest precedence first (built-in default < profile < environment < command line), so a
// later apply wins.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/endpoint.hpp"
#include "core/thingspeak.hpp"

namespace tsmqtt {

enum class Origin { builtin, profile, environment, command_line };
std::string_view origin_name(Origin origin);  // "default", "profile 'x'", ...

enum class MqttVersion { v311, v5 };

struct SettingInfo {
    std::string_view key;          // "client-id"
    std::string_view env;          // "TSMQTT_PASSWORD" or ""
    bool secret;                   // masked in every output
    std::string_view description;  // for help, man page and profile show
};
const std::vector<SettingInfo>& setting_table();
const SettingInfo* find_setting(std::string_view key);

struct Settings {
    std::optional<std::string> url;
    std::string host{kDefaultHost};
    std::optional<std::uint16_t> port;
    Transport transport = Transport::tls;
    std::string ws_path = "/mqtt";
    std::string client_id;  // empty: tsmqtt-<random>
    std::string username;
    std::optional<std::string> password;
    std::string cafile;
    std::string capath;
    std::string cert;
    std::string key;
    bool insecure = false;
    int keepalive = 60;
    int connect_timeout = 10;
    MqttVersion mqtt_version = MqttVersion::v311;
    std::optional<ChannelId> channel;
    std::string write_key;
    std::string read_key;
    std::map<int, std::string> labels;  // field number -> label

    // key -> origin and a human description of the source ("profile 'home'").
    std::map<std::string, std::string, std::less<>> sources;

    Endpoint endpoint() const;  // url (if any) refined by host/port/transport/path
};

// Validates and stores one setting; throws Error(usage) naming key and value (the value of a
// secret is never quoted). Labels use key "label" and value "N=NAME".
void apply_setting(Settings& settings, std::string_view key, std::string_view value, Origin origin,
                   std::string_view source_description);

std::string mask_secret(std::string_view secret);  // "****" plus at most the last 2 characters

}  // namespace tsmqtt
