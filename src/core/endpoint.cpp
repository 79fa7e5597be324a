// SPDX-License-Identifier: Apache-2.0
#include "core/endpoint.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>

#include "core/error.hpp"
#include "core/redact.hpp"

namespace tsmqtt {
namespace {

constexpr std::array<TransportInfo, 4> kTransports{{
    {Transport::tcp, "tcp", "tcp", 1883, false, false},
    {Transport::tls, "tls", "ssl", 8883, true, false},
    {Transport::ws, "ws", "ws", 80, false, true},
    {Transport::wss, "wss", "wss", 443, true, true},
}};

struct SchemeAlias {
    std::string_view scheme;
    Transport transport;
};
constexpr std::array<SchemeAlias, 7> kSchemes{{
    {"tcp", Transport::tcp},
    {"mqtt", Transport::tcp},
    {"ssl", Transport::tls},
    {"tls", Transport::tls},
    {"mqtts", Transport::tls},
    {"ws", Transport::ws},
    {"wss", Transport::wss},
}};

}  // namespace

bool valid_host(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == ':';
        if (!ok) return false;
    }
    return true;
}

const TransportInfo& transport_info(Transport transport) {
    return kTransports[static_cast<std::size_t>(transport)];
}

Transport parse_transport(std::string_view name) {
    for (const auto& info : kTransports) {
        if (info.name == name) return info.transport;
    }
    usage_error(fmt::format("invalid --transport '{}': expected tcp, tls, ws or wss", name));
}

std::uint16_t parse_port(std::string_view text) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 65535) {
        usage_error(fmt::format("invalid port '{}': expected a number from 1 to 65535", text));
    }
    return static_cast<std::uint16_t>(value);
}

std::string Endpoint::uri() const {
    const auto& info = transport_info(transport);
    const bool ipv6 = host.find(':') != std::string::npos;
    std::string uri = ipv6 ? fmt::format("{}://[{}]:{}", info.paho_scheme, host, port)
                           : fmt::format("{}://{}:{}", info.paho_scheme, host, port);
    if (info.websocket) uri += path.empty() ? std::string("/mqtt") : path;
    return uri;
}

UrlParts parse_url(std::string_view url) {
    const auto bad = [&](std::string_view why) -> UrlParts {
        usage_error(fmt::format("invalid --url '{}': {}", mask_url_userinfo(url), why));
    };
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        return bad(
            "expected SCHEME://HOST[:PORT][/PATH] with scheme tcp, mqtt, ssl, tls, mqtts, ws or "
            "wss");
    }
    const auto scheme = url.substr(0, sep);
    UrlParts parts{};
    bool known = false;
    for (const auto& alias : kSchemes) {
        if (alias.scheme == scheme) {
            parts.transport = alias.transport;
            known = true;
        }
    }
    if (!known)
        return bad(fmt::format(
            "unknown scheme '{}' (expected tcp, mqtt, ssl, tls, mqtts, ws or wss)", scheme));

    auto rest = url.substr(sep + 3);
    const auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) parts.path = std::string(rest.substr(slash));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        // A password on a command line or in the environment shows in process listings.
        const auto userinfo = authority.substr(0, at);
        if (userinfo.find(':') != std::string_view::npos) {
            return bad(
                "a password in the URL is not accepted (it would show in process listings); "
                "put it in a file and use --password-file FILE");
        }
        if (userinfo.empty()) return bad("empty user name before '@'");
        parts.username = std::string(userinfo);
        authority = authority.substr(at + 1);
    }
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return bad("unclosed '[' in IPv6 address");
        parts.host = std::string(authority.substr(1, close - 1));
        auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return bad("expected ':PORT' after the IPv6 address");
            port_text = after.substr(1);
            if (port_text.empty()) return bad("empty port");
        }
    } else {
        const auto colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            authority = authority.substr(0, colon);
            if (port_text.empty()) return bad("empty port");
        }
        if (authority.find(':') != std::string_view::npos)
            return bad("put an IPv6 address in brackets: [::1]");
        parts.host = std::string(authority);
    }
    if (!valid_host(parts.host)) return bad("missing or invalid host");
    if (!port_text.empty()) {
        try {
            parts.port = parse_port(port_text);
        } catch (const Error&) {
            return bad(fmt::format("invalid port '{}'", port_text));
        }
    }
    if (!parts.path.empty() && !transport_info(parts.transport).websocket && parts.path != "/") {
        return bad("a path is only meaningful for ws:// and wss://");
    }
    if (parts.path == "/" && !transport_info(parts.transport).websocket) parts.path.clear();
    return parts;
}

}  // namespace tsmqtt
