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
const std::vector<SettingInfo> kSettings{
    {"url", "TSMQTT_URL", false, "whole endpoint: SCHEME://HOST[:PORT][/PATH]"},
    {"host", "TSMQTT_HOST", false, "broker host"},
    {"port", "TSMQTT_PORT", false, "broker port (default depends on the transport)"},
    {"transport", "TSMQTT_TRANSPORT", false, "tcp, tls, ws or wss"},
    {"ws-path", "TSMQTT_WS_PATH", false, "WebSocket path"},
    {"client-id", "TSMQTT_CLIENT_ID", false, "MQTT client ID"},
    {"username", "TSMQTT_USERNAME", false, "MQTT username"},
    {"password", "TSMQTT_PASSWORD", true, "MQTT password"},
    {"cafile", "TSMQTT_CAFILE", false, "trusted CA certificates (PEM file)"},
    {"capath", "TSMQTT_CAPATH", false, "folder of trusted CA certificates"},
    {"cert", "TSMQTT_CERT", false, "client certificate (PEM)"},
    {"key", "TSMQTT_KEY", false, "client private key (PEM)"},
    {"insecure", "TSMQTT_INSECURE", false, "skip certificate and host-name verification"},
    {"keepalive", "TSMQTT_KEEPALIVE", false, "keepalive interval in seconds"},
    {"connect-timeout", "TSMQTT_CONNECT_TIMEOUT", false, "connect timeout in seconds"},
    {"mqtt-version", "TSMQTT_MQTT_VERSION", false, "MQTT protocol version: 3.1.1 or 5"},
    {"channel", "TSMQTT_CHANNEL", false, "ThingSpeak channel ID"},
    {"write-key", "TSMQTT_WRITE_KEY", true, "channel Write API key (legacy broker)"},
    {"read-key", "TSMQTT_READ_KEY", true, "channel Read API key (legacy broker)"},
    {"label", "", false, "field label N=NAME (repeatable)"},
};

// The parts of the endpoint that --url sets in one go.
constexpr std::string_view kEndpointKeys[] = {"host", "port", "transport", "ws-path"};

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

bool parse_bool(const SettingInfo& info, std::string_view value) {
    const auto word = lower(value);
    if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
    if (word == "false" || word == "0" || word == "no" || word == "off") return false;
    invalid(info, value, "true, false, yes, no, on, off, 1 or 0");
}

// Same character set as the URL parser accepts; an IPv6 address may come in brackets.
std::string parse_host(const SettingInfo& info, std::string_view value) {
    if (value.find("://") != std::string_view::npos) {
        invalid(info, value, "a host name without a scheme (use --url for a whole endpoint)");
    }
    auto host = value;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const bool ok =
        !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == ':';
        });
    if (!ok) invalid(info, value, "a host name or IP address such as mqtt3.thingspeak.com");
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
    settings.labels[field.value] = std::string(value.substr(eq + 1));
}

// --url is shorthand for transport, host, port and path: it replaces whatever an earlier
// (lower or equal precedence) apply set for them, and a later apply of one of them refines it.
void apply_url(Settings& settings, std::string_view value, Origin origin, std::string_view source) {
    const auto parts = parse_url(value);
    settings.url = std::string(value);
    settings.transport = parts.transport;
    settings.host = parts.host;
    settings.port = parts.port == 0 ? std::nullopt : std::optional<std::uint16_t>(parts.port);
    settings.ws_path = parts.path.empty() ? std::string("/mqtt") : parts.path;
    for (const auto key : kEndpointKeys) {
        const auto it = settings.sources.find(key);
        if (it != settings.sources.end()) settings.sources.erase(it);
    }
    if (origin == Origin::builtin) return;
    const auto via = fmt::format("{} (url)", source);
    settings.sources["transport"] = via;
    settings.sources["host"] = via;
    if (!parts.username.empty()) {
        settings.username = parts.username;
        settings.sources["username"] = via;
    }
    if (settings.port) settings.sources["port"] = via;
    if (!parts.path.empty()) settings.sources["ws-path"] = via;
}

// Each setter validates, then stores; a value that fails leaves Settings untouched.
using Setter = void (*)(Settings&, const SettingInfo&, std::string_view);

void set_host(Settings& s, const SettingInfo& info, std::string_view v) {
    s.host = parse_host(info, v);
}

void set_port(Settings& s, const SettingInfo& info, std::string_view v) {
    try {
        s.port = parse_port(v);
    } catch (const Error&) {
        invalid(info, v, "a number from 1 to 65535");
    }
}

void set_transport(Settings& s, const SettingInfo&, std::string_view v) {
    s.transport = parse_transport(v);
}

void set_ws_path(Settings& s, const SettingInfo& info, std::string_view v) {
    if (v.empty() || v.front() != '/' || has_space_or_control(v)) {
        invalid(info, v, "a path starting with '/', such as /mqtt");
    }
    s.ws_path = std::string(v);
}

void set_client_id(Settings& s, const SettingInfo& info, std::string_view v) {
    s.client_id = parse_text(info, v, "a non-empty client ID without control characters");
}

void set_username(Settings& s, const SettingInfo& info, std::string_view v) {
    s.username = parse_text(info, v, "a non-empty username without control characters");
}

// MQTT allows any bytes, even none; only a line break is surely a mistake (a pasted file).
void set_password(Settings& s, const SettingInfo& info, std::string_view v) {
    if (v.find_first_of("\r\n") != std::string_view::npos) {
        invalid(info, v, "a password on one line (it holds a line break)");
    }
    s.password = std::string(v);
}

void set_cafile(Settings& s, const SettingInfo& info, std::string_view v) {
    s.cafile = parse_text(info, v, "a file name");
}

void set_capath(Settings& s, const SettingInfo& info, std::string_view v) {
    s.capath = parse_text(info, v, "a folder name");
}

void set_cert(Settings& s, const SettingInfo& info, std::string_view v) {
    s.cert = parse_text(info, v, "a file name");
}

void set_key(Settings& s, const SettingInfo& info, std::string_view v) {
    s.key = parse_text(info, v, "a file name");
}

void set_insecure(Settings& s, const SettingInfo& info, std::string_view v) {
    s.insecure = parse_bool(info, v);
}

void set_keepalive(Settings& s, const SettingInfo& info, std::string_view v) {
    s.keepalive = parse_int_in(info, v, 0, 65535);
}

void set_connect_timeout(Settings& s, const SettingInfo& info, std::string_view v) {
    s.connect_timeout = parse_int_in(info, v, 1, 3600);
}

void set_mqtt_version(Settings& s, const SettingInfo& info, std::string_view v) {
    if (v == "3.1.1" || v == "311") {
        s.mqtt_version = MqttVersion::v311;
    } else if (v == "5") {
        s.mqtt_version = MqttVersion::v5;
    } else {
        invalid(info, v, "3.1.1 (or 311) or 5");
    }
}

void set_channel(Settings& s, const SettingInfo& info, std::string_view v) {
    try {
        s.channel = parse_channel_id(v);
    } catch (const Error&) {
        invalid(info, v, "a positive whole number such as 1587079");
    }
}

void set_write_key(Settings& s, const SettingInfo& info, std::string_view v) {
    s.write_key = parse_api_key(info, v);
}

void set_read_key(Settings& s, const SettingInfo& info, std::string_view v) {
    s.read_key = parse_api_key(info, v);
}

struct SetterRow {
    std::string_view key;
    Setter set;
};
// "url" is missing on purpose: it needs the origin (see apply_url).
constexpr SetterRow kSetters[] = {
    {"host", set_host},
    {"port", set_port},
    {"transport", set_transport},
    {"ws-path", set_ws_path},
    {"client-id", set_client_id},
    {"username", set_username},
    {"password", set_password},
    {"cafile", set_cafile},
    {"capath", set_capath},
    {"cert", set_cert},
    {"key", set_key},
    {"insecure", set_insecure},
    {"keepalive", set_keepalive},
    {"connect-timeout", set_connect_timeout},
    {"mqtt-version", set_mqtt_version},
    {"channel", set_channel},
    {"write-key", set_write_key},
    {"read-key", set_read_key},
    {"label", set_label},
};

Setter find_setter(std::string_view key) {
    for (const auto& row : kSetters) {
        if (row.key == key) return row.set;
    }
    return nullptr;
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

const std::vector<SettingInfo>& setting_table() {
    return kSettings;
}

const SettingInfo* find_setting(std::string_view key) {
    const auto it = std::find_if(kSettings.begin(), kSettings.end(),
                                 [key](const SettingInfo& info) { return info.key == key; });
    return it == kSettings.end() ? nullptr : &*it;
}

void apply_setting(Settings& settings, std::string_view key, std::string_view value, Origin origin,
                   std::string_view source_description) {
    const auto* info = find_setting(key);
    if (info == nullptr) usage_error(fmt::format("unknown setting '{}'", printable(key)));
    const std::string source = source_description.empty() ? std::string(origin_name(origin))
                                                          : std::string(source_description);
    if (key == "url") {
        apply_url(settings, value, origin, source);
    } else {
        find_setter(key)(settings, *info, value);
    }
    if (origin != Origin::builtin) settings.sources[std::string(key)] = source;
}

Endpoint Settings::endpoint() const {
    // A url set without apply_setting still counts; components recorded in `sources` win.
    std::optional<UrlParts> parts;
    if (url) parts = parse_url(*url);
    const auto explicitly = [this](std::string_view name) {
        return sources.find(name) != sources.end();
    };
    const bool use_url = parts.has_value();

    Endpoint endpoint;
    endpoint.transport = use_url && !explicitly("transport") ? parts->transport : transport;
    endpoint.host = use_url && !explicitly("host") ? parts->host : host;
    std::uint16_t chosen_port = 0;
    if (port && (!use_url || explicitly("port"))) {
        chosen_port = *port;
    } else if (use_url && parts->port != 0) {
        chosen_port = parts->port;
    }
    endpoint.port =
        chosen_port != 0 ? chosen_port : transport_info(endpoint.transport).default_port;
    if (transport_info(endpoint.transport).websocket) {
        endpoint.path =
            use_url && !explicitly("ws-path") && !parts->path.empty() ? parts->path : ws_path;
    }
    return endpoint;
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
