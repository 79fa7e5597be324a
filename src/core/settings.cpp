// SPDX-License-Identifier: Apache-2.0
#include "core/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "core/error.hpp"

namespace tsmqtt {
namespace {

// The setting keys are the long option names, so help, profiles and messages agree. Every
// setting but the repeatable label has an environment variable: TSMQTT_ and the key in capitals.
// Rows are in SettingId's order (checked below).
using S = SettingId;
constexpr std::array<SettingInfo, kSettingCount> kSettings{{
    {S::url, "url", "TSMQTT_URL", false, "whole endpoint: SCHEME://HOST[:PORT][/PATH]", "--url",
     "Whole endpoint: tcp:// mqtt:// ssl:// tls:// mqtts:// ws:// wss:// HOST[:PORT][/PATH]", true},
    {S::host, "host", "TSMQTT_HOST", false, "broker host", "-h,-H,--host",
     "Broker host (default mqtt3.thingspeak.com)", true},
    {S::port, "port", "TSMQTT_PORT", false, "broker port (default depends on the transport)",
     "-p,--port", "Broker port (default 1883 tcp, 8883 tls, 80 ws, 443 wss)", true},
    {S::transport, "transport", "TSMQTT_TRANSPORT", false, "tcp, tls, ws or wss", "-T,--transport",
     "Transport: tcp, tls, ws or wss (default tls)", true},
    {S::ws_path, "ws-path", "TSMQTT_WS_PATH", false, "WebSocket path", "--ws-path",
     "WebSocket path (default /mqtt)", true},
    {S::client_id, "client-id", "TSMQTT_CLIENT_ID", false, "MQTT client ID", "-i,--client-id",
     "MQTT client ID (default tsmqtt-<random>)", true},
    {S::username, "username", "TSMQTT_USERNAME", false, "MQTT username", "-u,--username",
     "Username (ThingSpeak: the device's username)", true},
    // The password has no option of its own: an argument shows in `ps`.
    {S::password, "password", "TSMQTT_PASSWORD", true, "MQTT password", "", "", true},
    {S::cafile, "cafile", "TSMQTT_CAFILE", false, "trusted CA certificates (PEM file)", "--cafile",
     "Trust anchors in a PEM file (default: the system store)", true},
    {S::capath, "capath", "TSMQTT_CAPATH", false, "folder of trusted CA certificates", "--capath",
     "Folder of trusted CA certificates", true},
    {S::cert, "cert", "TSMQTT_CERT", false, "client certificate (PEM)", "--cert",
     "Client certificate (PEM)", true},
    {S::key, "key", "TSMQTT_KEY", false, "client private key (PEM)", "--key",
     "Client private key (PEM)", true},
    {S::insecure, "insecure", "TSMQTT_INSECURE", false,
     "skip certificate and host-name verification", "--insecure",
     "Skip certificate and host-name verification (unsafe)", false},
    {S::keepalive, "keepalive", "TSMQTT_KEEPALIVE", false, "keepalive interval in seconds",
     "--keepalive", "Keepalive interval in seconds (default 60)", true},
    {S::connect_timeout, "connect-timeout", "TSMQTT_CONNECT_TIMEOUT", false,
     "connect timeout in seconds", "--connect-timeout", "Connect timeout in seconds (default 10)",
     true},
    {S::mqtt_version, "mqtt-version", "TSMQTT_MQTT_VERSION", false,
     "MQTT protocol version: 3.1.1 or 5", "--mqtt-version",
     "MQTT protocol version: 3.1.1 or 5 (default 3.1.1)", true},
    {S::channel, "channel", "TSMQTT_CHANNEL", false, "ThingSpeak channel ID", "", "", true},
    {S::write_key, "write-key", "TSMQTT_WRITE_KEY", true, "channel Write API key (legacy broker)",
     "", "", true},
    {S::read_key, "read-key", "TSMQTT_READ_KEY", true, "channel Read API key (legacy broker)", "",
     "", true},
    {S::interval, "interval", "TSMQTT_INTERVAL", false,
     "seconds between a channel's updates (publish; 15 if unset, 0 = no pacing)", "", "", true},
    {S::outbox, "outbox", "TSMQTT_OUTBOX", false,
     "keep every message on disk until the broker has it (publish --outbox)", "", "", true},
    {S::label, "label", "", false, "field label N=NAME (repeatable)", "", "", true},
}};

constexpr bool rows_in_enum_order() {
    for (std::size_t i = 0; i < kSettings.size(); ++i) {
        if (static_cast<std::size_t>(kSettings[i].id) != i) return false;
    }
    return true;
}
static_assert(rows_in_enum_order(), "setting_table() rows must follow SettingId's order");

// Values end up in one-line messages; keep a stray control character from breaking the line.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

[[noreturn]] void invalid(const SettingInfo& info, std::string_view value,
                          std::string_view expected) {
    if (info.secret) usage_error(fmt::format("invalid --{}: expected {}", info.key, expected));
    usage_error(
        fmt::format("invalid --{} '{}': expected {}", info.key, printable(value), expected));
}

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

bool has_space_or_control(std::string_view text) {
    return has_control(text) || text.find(' ') != std::string_view::npos;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

int parse_int_in(const SettingInfo& info, std::string_view value, int low, int high) {
    int number = 0;
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, number);
    if (value.empty() || ec != std::errc() || ptr != end || number < low || number > high) {
        invalid(info, value, fmt::format("a whole number from {} to {}", low, high));
    }
    return number;
}

// Seconds, as --interval takes them: 0 or more, fractions allowed, at most a year.
std::chrono::milliseconds parse_seconds(const SettingInfo& info, std::string_view value) {
    double seconds = 0;
    const auto* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, seconds);
    if (value.empty() || ec != std::errc() || ptr != end || !(seconds >= 0) ||
        seconds > 86400.0 * 365) {
        invalid(info, value, "a number of seconds such as 15 (0 turns pacing off)");
    }
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

bool parse_bool(const SettingInfo& info, std::string_view value) {
    const auto parsed = parse_boolean(value);
    if (!parsed) invalid(info, value, "true, false, yes, no, on, off, 1 or 0");
    return *parsed;
}

// The URL parser's rule (valid_host); an IPv6 address may come in brackets.
std::string parse_host(const SettingInfo& info, std::string_view value) {
    if (value.find("://") != std::string_view::npos) {
        invalid(info, value, "a host name without a scheme (use --url for a whole endpoint)");
    }
    auto host = value;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (!valid_host(host))
        invalid(info, value, "a host name or IP address such as mqtt3.thingspeak.com");
    return std::string(host);
}

std::string parse_text(const SettingInfo& info, std::string_view value, std::string_view expected) {
    if (value.empty() || has_control(value)) invalid(info, value, expected);
    return std::string(value);
}

// A key lands in a topic level, so MQTT's separators and wildcards would change the topic.
std::string parse_api_key(const SettingInfo& info, std::string_view value) {
    if (value.empty() || has_space_or_control(value) ||
        value.find_first_of("/+#") != std::string_view::npos) {
        invalid(info, value, "a ThingSpeak API key (letters and digits, no '/', '+' or '#')");
    }
    return std::string(value);
}

void set_label(Settings& settings, const SettingInfo& info, std::string_view value) {
    const auto eq = value.find('=');
    const std::string_view expected =
        "N=NAME with N from 1 to 8 (or field1..field8) and a non-empty NAME";
    if (eq == std::string_view::npos || eq + 1 == value.size() || has_control(value)) {
        invalid(info, value, expected);
    }
    FieldNumber field;
    try {
        field = parse_field_number(value.substr(0, eq));
    } catch (const Error&) {
        invalid(info, value, expected);
    }
    settings.labels[field.value()] = std::string(value.substr(eq + 1));
}

SettingSource& source_slot(Settings& settings, SettingId id) {
    return settings.sources[static_cast<std::size_t>(id)];
}

// --url is shorthand for transport, host, port and path: it replaces whatever an earlier
// (lower or equal precedence) apply set for them, and a later apply of one of them refines it.
void apply_url(Settings& settings, std::string_view value, const SettingSource& source) {
    const auto parts = parse_url(value);
    settings.transport = parts.transport;
    settings.host = parts.host;
    settings.port = parts.port == 0 ? std::nullopt : std::optional<std::uint16_t>(parts.port);
    settings.ws_path = parts.path.empty() ? std::string("/mqtt") : parts.path;
    SettingSource via = source;
    via.via_url = true;
    const auto part_source = [&](bool given) { return given ? via : SettingSource{}; };
    const bool named = source.origin != Origin::builtin;
    source_slot(settings, SettingId::transport) = part_source(named);
    source_slot(settings, SettingId::host) = part_source(named);
    source_slot(settings, SettingId::port) = part_source(named && settings.port.has_value());
    source_slot(settings, SettingId::ws_path) = part_source(named && !parts.path.empty());
    if (!parts.username.empty()) {
        settings.username = parts.username;
        source_slot(settings, SettingId::username) = part_source(named);
    }
}

// Validates, then stores: a value that fails leaves Settings untouched. The url is stored by
// apply_url, which needs the source as well.
void store(Settings& s, const SettingInfo& info, std::string_view v) {
    switch (info.id) {
        case SettingId::url:
            return;
        case SettingId::host:
            s.host = parse_host(info, v);
            return;
        case SettingId::port:
            try {
                s.port = parse_port(v);
            } catch (const Error&) {
                invalid(info, v, "a number from 1 to 65535");
            }
            return;
        case SettingId::transport:
            s.transport = parse_transport(v);
            return;
        case SettingId::ws_path:
            if (v.empty() || v.front() != '/' || has_space_or_control(v)) {
                invalid(info, v, "a path starting with '/', such as /mqtt");
            }
            s.ws_path = std::string(v);
            return;
        case SettingId::client_id:
            s.client_id = parse_text(info, v, "a non-empty client ID without control characters");
            return;
        case SettingId::username:
            s.username = parse_text(info, v, "a non-empty username without control characters");
            return;
        case SettingId::password:
            // MQTT allows any bytes, even none; only a line break is surely a mistake (a
            // pasted file).
            if (v.find_first_of("\r\n") != std::string_view::npos) {
                invalid(info, v, "a password on one line (it holds a line break)");
            }
            s.password = std::string(v);
            return;
        case SettingId::cafile:
            s.cafile = parse_text(info, v, "a file name");
            return;
        case SettingId::capath:
            s.capath = parse_text(info, v, "a folder name");
            return;
        case SettingId::cert:
            s.cert = parse_text(info, v, "a file name");
            return;
        case SettingId::key:
            s.key = parse_text(info, v, "a file name");
            return;
        case SettingId::insecure:
            s.insecure = parse_bool(info, v);
            return;
        case SettingId::keepalive:
            s.keepalive = parse_int_in(info, v, 0, 65535);
            return;
        case SettingId::connect_timeout:
            s.connect_timeout = parse_int_in(info, v, 1, 3600);
            return;
        case SettingId::mqtt_version:
            if (v == "3.1.1" || v == "311") {
                s.mqtt_version = MqttVersion::v311;
            } else if (v == "5") {
                s.mqtt_version = MqttVersion::v5;
            } else {
                invalid(info, v, "3.1.1 (or 311) or 5");
            }
            return;
        case SettingId::channel:
            try {
                s.channel = parse_channel_id(v);
            } catch (const Error&) {
                invalid(info, v, "a positive whole number such as 1587079");
            }
            return;
        case SettingId::write_key:
            s.write_key = parse_api_key(info, v);
            return;
        case SettingId::read_key:
            s.read_key = parse_api_key(info, v);
            return;
        case SettingId::interval:
            s.interval = parse_seconds(info, v);
            return;
        case SettingId::outbox:
            s.outbox = parse_bool(info, v);
            return;
        case SettingId::label:
            set_label(s, info, v);
            return;
    }
}

}  // namespace

std::string_view origin_name(Origin origin) {
    switch (origin) {
        case Origin::builtin:
            return "default";
        case Origin::profile:
            return "profile";
        case Origin::environment:
            return "environment";
        case Origin::command_line:
            return "command line";
    }
    return "default";
}

const std::array<SettingInfo, kSettingCount>& setting_table() {
    return kSettings;
}

const SettingInfo& setting_info(SettingId id) {
    return kSettings[static_cast<std::size_t>(id)];
}

const SettingInfo* find_setting(std::string_view key) {
    const auto it = std::find_if(kSettings.begin(), kSettings.end(),
                                 [key](const SettingInfo& info) { return info.key == key; });
    return it == kSettings.end() ? nullptr : &*it;
}

void apply_setting(Settings& settings, SettingId id, std::string_view value, Origin origin,
                   std::string_view where) {
    const auto& info = setting_info(id);
    SettingSource source{origin,
                         where.empty() ? std::string(origin_name(origin)) : std::string(where)};
    if (id == SettingId::url) {
        apply_url(settings, value, source);
    } else {
        store(settings, info, value);
    }
    if (origin == Origin::builtin) source = {};
    source_slot(settings, id) = std::move(source);
}

void apply_setting(Settings& settings, std::string_view key, std::string_view value, Origin origin,
                   std::string_view where) {
    const auto* info = find_setting(key);
    if (info == nullptr) usage_error(fmt::format("unknown setting '{}'", printable(key)));
    apply_setting(settings, info->id, value, origin, where);
}

std::string Settings::source(SettingId id) const {
    const auto& from = source_of(id);
    if (from.origin == Origin::builtin) return "default";
    return from.via_url ? from.where + " (url)" : from.where;
}

Endpoint Settings::endpoint() const {
    Endpoint endpoint;
    endpoint.transport = transport;
    endpoint.host = host;
    endpoint.port = port.value_or(transport_info(transport).default_port);
    if (transport_info(transport).websocket) endpoint.path = ws_path;
    return endpoint;
}

std::optional<bool> parse_boolean(std::string_view text) {
    const auto word = lower(text);
    if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
    if (word == "false" || word == "0" || word == "no" || word == "off") return false;
    return std::nullopt;
}

std::string mask_secret(std::string_view secret) {
    constexpr std::size_t kShown = 2;
    constexpr std::size_t kMinLengthToShow = 8;
    if (secret.size() < kMinLengthToShow) return "****";
    const auto tail = secret.substr(secret.size() - kShown);
    // Half a UTF-8 sequence would print as garbage and tell nothing.
    const bool ascii = std::all_of(tail.begin(), tail.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return ascii ? "****" + std::string(tail) : std::string("****");
}

}  // namespace tsmqtt
