// SPDX-License-Identifier: Apache-2.0
#pragma once
// Where to connect: transport, host, port and (WebSocket) path, and the URI Paho wants.
#include <cstdint>
#include <string>
#include <string_view>

namespace tsmqtt {

enum class Transport { tcp, tls, ws, wss };

struct TransportInfo {
    Transport transport;
    std::string_view name;         // as given to --transport
    std::string_view paho_scheme;  // as given to Paho in the server URI
    std::uint16_t default_port;
    bool secure;
    bool websocket;
};

const TransportInfo& transport_info(Transport transport);
Transport parse_transport(std::string_view name);  // throws Error(usage)

struct Endpoint {
    Transport transport = Transport::tls;
    std::string host;
    std::uint16_t port = 0;
    std::string path;  // WebSocket path, "/mqtt" by default; empty for tcp/tls

    std::string uri() const;  // the Paho server URI: ssl://host:8883, wss://host:443/mqtt
    bool secure() const { return transport_info(transport).secure; }
};

// Parses --url: tcp:// mqtt:// ssl:// tls:// mqtts:// ws:// wss:// with host, optional port,
// optional path (ws), optional USER@ (never a password). IPv6 hosts in brackets. Throws
// Error(usage) naming what is wrong.
struct UrlParts {
    Transport transport;
    std::string host;
    std::uint16_t port = 0;  // 0 when the URL gave none
    std::string path;        // empty when the URL gave none
    std::string username;    // mqtt://USER@host; empty when the URL gave none
};
UrlParts parse_url(std::string_view url);

// A host name or IP address (without brackets) as the URL and --host accept: letters, digits,
// '-', '.', '_' and ':' (IPv6), 1 to 253 characters.
bool valid_host(std::string_view host);

std::uint16_t parse_port(std::string_view text);  // 1-65535, throws Error(usage)

}  // namespace tsmqtt
