// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/endpoint.hpp"
#include "core/error.hpp"

using namespace tsmqtt;

TEST_CASE("parse_url accepts every scheme of docs/cli-contract.md", "[endpoint]") {
    struct Case {
        std::string url;
        Transport transport;
        std::string host;
        std::uint16_t port;
        std::string path;
    };
    const std::vector<Case> cases{
        {"tcp://localhost", Transport::tcp, "localhost", 0, ""},
        {"mqtt://broker.example:1884", Transport::tcp, "broker.example", 1884, ""},
        {"ssl://h:8883", Transport::tls, "h", 8883, ""},
        {"tls://h", Transport::tls, "h", 0, ""},
        {"mqtts://h/", Transport::tls, "h", 0, ""},
        {"ws://127.0.0.1:8080/mqtt", Transport::ws, "127.0.0.1", 8080, "/mqtt"},
        {"wss://[::1]:443/ws/path", Transport::wss, "::1", 443, "/ws/path"},
        {"tcp://[::1]", Transport::tcp, "::1", 0, ""},
    };
    for (const auto& c : cases) {
        INFO(c.url);
        const auto parts = parse_url(c.url);
        CHECK(parts.transport == c.transport);
        CHECK(parts.host == c.host);
        CHECK(parts.port == c.port);
        CHECK(parts.path == c.path);
    }
}

TEST_CASE("parse_url names what is wrong", "[endpoint]") {
    struct Case {
        std::string url;
        std::string words;
    };
    const std::vector<Case> cases{
        {"localhost:1883", "expected SCHEME://"},
        {"http://h", "unknown scheme 'http'"},
        {"tcp://", "missing or invalid host"},
        {"tcp://h:0", "invalid port '0'"},
        {"tcp://h:65536", "invalid port"},
        {"tcp://h:x", "invalid port 'x'"},
        {"tcp://h:", "empty port"},
        {"tcp://user:pw@h", "a password in the URL"},
        {"tcp://@h", "empty user name"},
        {"tcp://::1", "brackets"},
        {"tcp://[::1", "unclosed"},
        {"tcp://h/path", "only meaningful for ws"},
        {"tcp://h h", "invalid host"},
    };
    for (const auto& c : cases) {
        INFO(c.url);
        try {
            parse_url(c.url);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::usage);
            CHECK_THAT(e.what(), Catch::Contains(c.words));
        }
    }
}

TEST_CASE("parse_url takes a user name but never echoes a password", "[endpoint]") {
    const auto parts = parse_url("mqtt://alice@broker.example:1884");
    CHECK(parts.username == "alice");
    CHECK(parts.host == "broker.example");
    CHECK(parts.port == 1884);
    CHECK(parse_url("tcp://h").username.empty());
    try {
        parse_url("mqtt://alice:S3cretXY@h:1/x");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), !Catch::Contains("S3cret") && !Catch::Contains("alice") &&
                                 Catch::Contains("mqtt://****@h:1/x") &&
                                 Catch::Contains("--password-file"));
    }
}

TEST_CASE("Endpoint::uri builds what Paho expects", "[endpoint]") {
    CHECK(Endpoint{Transport::tcp, "h", 1883, ""}.uri() == "tcp://h:1883");
    CHECK(Endpoint{Transport::tls, "h", 8883, ""}.uri() == "ssl://h:8883");
    CHECK(Endpoint{Transport::ws, "h", 80, "/mqtt"}.uri() == "ws://h:80/mqtt");
    CHECK(Endpoint{Transport::wss, "::1", 443, "/x"}.uri() == "wss://[::1]:443/x");
    CHECK(transport_info(Transport::wss).default_port == 443);
    CHECK(parse_transport("ws") == Transport::ws);
    CHECK_THROWS_AS(parse_transport("udp"), Error);
}
