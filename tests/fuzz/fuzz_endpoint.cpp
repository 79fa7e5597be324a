// SPDX-License-Identifier: Apache-2.0
// --url, --port and --transport: each input is tried as all three. Bad input is an
// Error(usage); an accepted URL must be well formed and survive the trip through the Paho
// server URI that Endpoint::uri() builds from it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/endpoint.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

namespace {

using tsmqtt::Error;
using tsmqtt::ExitCode;
using tsmqtt::Transport;

constexpr Transport kTransports[] = {Transport::tcp, Transport::tls, Transport::ws, Transport::wss};

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == ':';
}

// Digits only (leading zeros allowed), 1 to 65535.
std::optional<unsigned> reference_port(std::string_view text) {
    if (text.empty()) return std::nullopt;
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
        if (value > 65535) return std::nullopt;
    }
    if (value == 0) return std::nullopt;
    return value;
}

void check_port(std::string_view text) {
    const auto expected = reference_port(text);
    try {
        const auto port = tsmqtt::parse_port(text);
        FUZZ_CHECK(expected && *expected == port, "port text", text);
    } catch (const Error& error) {
        FUZZ_CHECK(!expected, "parse_port rejected", text);
        FUZZ_CHECK(error.code() == ExitCode::usage, "port text", text);
    }
}

void check_transport(std::string_view name) {
    std::optional<Transport> expected;
    for (const auto transport : kTransports) {
        if (tsmqtt::transport_info(transport).name == name) expected = transport;
    }
    try {
        const auto transport = tsmqtt::parse_transport(name);
        FUZZ_CHECK(expected && *expected == transport, "transport name", name);
    } catch (const Error& error) {
        FUZZ_CHECK(!expected, "parse_transport rejected", name);
        FUZZ_CHECK(error.code() == ExitCode::usage, "transport name", name);
    }
}

void check_url(std::string_view url) {
    tsmqtt::UrlParts parts;
    try {
        parts = tsmqtt::parse_url(url);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::usage, "url", url);
        FUZZ_CHECK(*error.what() != '\0', "url", url);
        return;
    }
    const auto& info = tsmqtt::transport_info(parts.transport);
    FUZZ_CHECK(!parts.host.empty() && parts.host.size() <= 253, "url", url, "host", parts.host);
    for (const char c : parts.host) FUZZ_CHECK(is_host_char(c), "url", url, "host", parts.host);
    FUZZ_CHECK(url.find(parts.host) != std::string_view::npos, "url", url, "host", parts.host);
    FUZZ_CHECK(info.websocket || parts.path.empty(), "url", url, "path", parts.path);
    FUZZ_CHECK(parts.path.empty() || parts.path.front() == '/', "url", url, "path", parts.path);

    tsmqtt::Endpoint endpoint;
    endpoint.transport = parts.transport;
    endpoint.host = parts.host;
    endpoint.port = parts.port != 0 ? parts.port : info.default_port;
    endpoint.path = parts.path;
    const auto uri = endpoint.uri();
    tsmqtt::UrlParts again;
    try {
        again = tsmqtt::parse_url(uri);
    } catch (const Error& error) {
        FUZZ_CHECK(false, "url", url, "uri", uri, "error", error.what());
    }
    const std::string expected_path = !info.websocket      ? ""
                                      : parts.path.empty() ? "/mqtt"
                                                           : parts.path;
    FUZZ_CHECK(again.transport == parts.transport && again.host == parts.host &&
                   again.port == endpoint.port && again.path == expected_path,
               "url", url, "uri", uri, "host again", again.host, "path again", again.path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = tsmqtt_fuzz::as_text(data, size);
    check_url(text);
    check_port(text);
    check_transport(text);
    return 0;
}
