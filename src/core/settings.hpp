// SPDX-License-Identifier: Apache-2.0
#pragma once
// Connection settings and where each came from. Every setting is one row of one table
// (setting_table()): its key, the long option name without dashes ("client-id"), which also
// names profile entries; its environment variable; whether it is secret; its command-line
// option; and, through a switch over SettingId in settings.cpp, how its value is parsed and
// stored. Values are applied lowest precedence first (built-in default < profile <
// environment < command line), so a later apply wins.
#include <array>
#include <chrono>
#include <cstddef>
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
std::string_view origin_name(Origin origin);  // "default", "profile", ...

enum class MqttVersion { v311, v5 };

// One per row of setting_table(), in the table's order.
enum class SettingId {
    url,
    host,
    port,
    transport,
    ws_path,
    client_id,
    username,
    password,
    cafile,
    capath,
    cert,
    key,
    insecure,
    keepalive,
    connect_timeout,
    mqtt_version,
    channel,
    write_key,
    read_key,
    interval,
    outbox,
    label,
};
inline constexpr std::size_t kSettingCount = static_cast<std::size_t>(SettingId::label) + 1;

struct SettingInfo {
    SettingId id;
    std::string_view key;          // "client-id"
    std::string_view env;          // "TSMQTT_PASSWORD" or ""
    bool secret;                   // masked in every output
    std::string_view description;  // for profile show and the man page
    // The shared connection option of publish and subscribe ("-i,--client-id"), or "" for the
    // settings each command defines itself because their meaning differs per command
    // (subscribe's -c names several channels, not the setting).
    std::string_view flags;
    std::string_view help;  // that option's --help text
    bool takes_value;       // false: a flag that stores "true"
};
const std::array<SettingInfo, kSettingCount>& setting_table();
const SettingInfo& setting_info(SettingId id);
const SettingInfo* find_setting(std::string_view key);  // nullptr for an unknown key

// Where a setting's value came from. `where` describes the origin for -v ("profile 'home'",
// "environment TSMQTT_HOST", "--password-file F"); via_url marks an endpoint part set by --url.
struct SettingSource {
    Origin origin = Origin::builtin;
    std::string where;
    bool via_url = false;
};

struct Settings {
    std::string host{kDefaultHost};
    std::optional<std::uint16_t> port;  // none: the transport's default
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
    // publish: a ThingSpeak stream's pacing when --interval is not given (none: 15 s)
    std::optional<std::chrono::milliseconds> interval;
    bool outbox = false;                // publish --outbox
    std::map<int, std::string> labels;  // field number -> label

    std::array<SettingSource, kSettingCount> sources{};

    const SettingSource& source_of(SettingId id) const {
        return sources[static_cast<std::size_t>(id)];
    }
    bool explicitly_set(SettingId id) const { return source_of(id).origin != Origin::builtin; }
    // For -v: "default", "profile 'home'", "command line (url)".
    std::string source(SettingId id) const;

    // The endpoint the fields describe; --url has already been split into them.
    Endpoint endpoint() const;
};

// Validates and stores one setting; throws Error(usage) naming key and value (the value of a
// secret is never quoted). Labels use value "N=NAME". An empty `where` stands for the origin's
// name. A value that fails leaves Settings untouched.
void apply_setting(Settings& settings, SettingId id, std::string_view value, Origin origin,
                   std::string_view where);
// The same by key (profiles, tests); an unknown key is Error(usage).
void apply_setting(Settings& settings, std::string_view key, std::string_view value, Origin origin,
                   std::string_view where);

std::string mask_secret(std::string_view secret);  // "****" plus at most the last 2 characters

// A yes/no value as settings and switches read it: true, 1, yes, on; false, 0, no, off (any
// case). nullopt for anything else.
std::optional<bool> parse_boolean(std::string_view text);

}  // namespace tsmqtt
