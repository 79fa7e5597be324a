// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <functional>
#include <set>

#include "core/error.hpp"
#include "core/settings.hpp"

using namespace tsmqtt;

namespace {

Settings applied(std::string_view key, std::string_view value) {
    Settings settings;
    apply_setting(settings, key, value, Origin::command_line, "command line");
    return settings;
}

std::string error_of(std::string_view key, std::string_view value) {
    try {
        applied(key, value);
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        return error.what();
    }
    FAIL("no error for --" << key << " '" << value << "'");
    return {};
}

}  // namespace

TEST_CASE("the setting table names every connection setting once", "[settings]") {
    const std::vector<std::string_view> expected{
        "url",          "host",     "port",      "transport", "ws-path",
        "client-id",    "username", "password",  "cafile",    "capath",
        "cert",         "key",      "insecure",  "keepalive", "connect-timeout",
        "mqtt-version", "channel",  "write-key", "read-key",  "interval",
        "outbox",       "label"};
    std::set<std::string_view> seen;
    for (const auto& info : setting_table()) {
        CHECK(seen.insert(info.key).second);
        CHECK_FALSE(info.description.empty());
    }
    CHECK(seen == std::set<std::string_view>(expected.begin(), expected.end()));

    struct Secret {
        std::string_view key, env;
    };
    for (const auto& secret :
         {Secret{"password", "TSMQTT_PASSWORD"}, Secret{"write-key", "TSMQTT_WRITE_KEY"},
          Secret{"read-key", "TSMQTT_READ_KEY"}}) {
        const auto* info = find_setting(secret.key);
        REQUIRE(info != nullptr);
        CHECK(info->secret);
        CHECK(info->env == secret.env);
    }
    CHECK_FALSE(find_setting("username")->secret);
    CHECK(find_setting("hots") == nullptr);
}

TEST_CASE("apply_setting stores every valid value", "[settings]") {
    struct Case {
        std::string key, value;
        std::function<bool(const Settings&)> stored;
    };
    const std::vector<Case> cases{
        {"host", "broker.example", [](const Settings& s) { return s.host == "broker.example"; }},
        {"host", "[::1]", [](const Settings& s) { return s.host == "::1"; }},
        {"port", "1884", [](const Settings& s) { return s.port == 1884; }},
        {"transport", "ws", [](const Settings& s) { return s.transport == Transport::ws; }},
        {"ws-path", "/ws", [](const Settings& s) { return s.ws_path == "/ws"; }},
        {"client-id", "ABCDEF123", [](const Settings& s) { return s.client_id == "ABCDEF123"; }},
        {"username", "user 1", [](const Settings& s) { return s.username == "user 1"; }},
        {"password", "p+a/s=s", [](const Settings& s) { return s.password == "p+a/s=s"; }},
        {"password", "", [](const Settings& s) { return s.password == ""; }},
        {"cafile", "/etc/ca.pem", [](const Settings& s) { return s.cafile == "/etc/ca.pem"; }},
        {"capath", "/etc/ssl/certs",
         [](const Settings& s) { return s.capath == "/etc/ssl/certs"; }},
        {"cert", "c.pem", [](const Settings& s) { return s.cert == "c.pem"; }},
        {"key", "k.pem", [](const Settings& s) { return s.key == "k.pem"; }},
        {"keepalive", "0", [](const Settings& s) { return s.keepalive == 0; }},
        {"keepalive", "65535", [](const Settings& s) { return s.keepalive == 65535; }},
        {"connect-timeout", "1", [](const Settings& s) { return s.connect_timeout == 1; }},
        {"connect-timeout", "3600", [](const Settings& s) { return s.connect_timeout == 3600; }},
        {"mqtt-version", "5", [](const Settings& s) { return s.mqtt_version == MqttVersion::v5; }},
        {"channel", "1587079", [](const Settings& s) { return s.channel == ChannelId{1587079}; }},
        {"write-key", "ABCD1234EFGH5678",
         [](const Settings& s) { return s.write_key == "ABCD1234EFGH5678"; }},
        {"read-key", "XYZ", [](const Settings& s) { return s.read_key == "XYZ"; }},
        {"label", "1=Temperature",
         [](const Settings& s) { return s.labels.at(1) == "Temperature"; }},
        {"label", "field8=Wind speed",
         [](const Settings& s) { return s.labels.at(8) == "Wind speed"; }},
        {"label", "2=a=b", [](const Settings& s) { return s.labels.at(2) == "a=b"; }},
        {"url", "ws://h:9001/p",
         [](const Settings& s) { return s.endpoint().uri() == "ws://h:9001/p"; }},
    };
    for (const auto& c : cases) {
        INFO(c.key << " = " << c.value);
        const auto settings = applied(c.key, c.value);
        CHECK(c.stored(settings));
        CHECK(settings.source(find_setting(c.key)->id) == "command line");
    }

    for (const auto* word : {"true", "1", "yes", "on", "TRUE", "On"}) {
        INFO(word);
        CHECK(applied("insecure", word).insecure);
    }
    for (const auto* word : {"false", "0", "no", "off", "No"}) {
        Settings settings;
        settings.insecure = true;
        apply_setting(settings, "insecure", word, Origin::command_line, "command line");
        INFO(word);
        CHECK_FALSE(settings.insecure);
    }
    for (const auto* version : {"3.1.1", "311"}) {
        Settings settings;
        settings.mqtt_version = MqttVersion::v5;
        apply_setting(settings, "mqtt-version", version, Origin::command_line, "command line");
        CHECK(settings.mqtt_version == MqttVersion::v311);
    }
}

TEST_CASE("apply_setting refuses invalid values and names key, value and what is expected",
          "[settings]") {
    struct Case {
        std::string key, value, expected;
    };
    const std::vector<Case> cases{
        {"url", "http://h", "scheme"},
        {"host", "", "host name"},
        {"host", "tcp://h", "--url"},
        {"host", "bad host", "host name"},
        {"port", "0", "1 to 65535"},
        {"port", "65536", "1 to 65535"},
        {"port", "80x", "1 to 65535"},
        {"transport", "udp", "tcp, tls, ws or wss"},
        {"ws-path", "mqtt", "starting with '/'"},
        {"client-id", "", "client ID"},
        {"username", "a\nb", "username"},
        {"cafile", "", "file name"},
        {"insecure", "maybe", "true, false"},
        {"keepalive", "-1", "0 to 65535"},
        {"keepalive", "65536", "0 to 65535"},
        {"keepalive", "ten", "0 to 65535"},
        {"connect-timeout", "0", "1 to 3600"},
        {"connect-timeout", "3601", "1 to 3600"},
        {"mqtt-version", "4", "3.1.1"},
        {"mqtt-version", "3.1", "3.1.1"},
        {"channel", "0", "positive whole number"},
        {"channel", "abc", "positive whole number"},
        {"label", "9=x", "N=NAME"},
        {"label", "1=", "N=NAME"},
        {"label", "Temperature", "N=NAME"},
        {"label", "field0=x", "N=NAME"},
    };
    for (const auto& c : cases) {
        INFO(c.key << " = " << c.value);
        const auto message = error_of(c.key, c.value);
        CHECK_THAT(message, Catch::Contains("--" + c.key));
        CHECK_THAT(message, Catch::Contains(c.expected));
        if (!c.value.empty() && c.value.find('\n') == std::string::npos) {
            CHECK_THAT(message, Catch::Contains("'" + c.value + "'"));
        }
    }
    CHECK(error_of("username", "a\nb").find('\n') == std::string::npos);
}

TEST_CASE("a failed apply leaves the setting and its source unchanged", "[settings]") {
    Settings settings;
    apply_setting(settings, "port", "1884", Origin::profile, "profile 'home'");
    CHECK_THROWS_AS(apply_setting(settings, "port", "x", Origin::command_line, "command line"),
                    Error);
    CHECK(settings.port == 1884);
    CHECK(settings.source(SettingId::port) == "profile 'home'");
}

TEST_CASE("unknown setting keys are usage errors", "[settings]") {
    Settings settings;
    try {
        apply_setting(settings, "hots", "x", Origin::profile, "profile 'home'");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        CHECK(std::string(error.what()) == "unknown setting 'hots'");
    }
}

TEST_CASE("secret values never appear in error messages", "[settings]") {
    struct Case {
        std::string key, value;
    };
    const std::vector<Case> cases{
        {"password", "hunter2\nsecond-line"},
        {"write-key", "SECRETKEY/123"},
        {"write-key", "SECRET KEY"},
        {"read-key", "SECRET+KEY#"},
        {"read-key", ""},
    };
    for (const auto& c : cases) {
        INFO(c.key);
        const auto message = error_of(c.key, c.value);
        CHECK_THAT(message, Catch::StartsWith("invalid --" + c.key + ": expected"));
        CHECK_THAT(message, !Catch::Contains("hunter2") && !Catch::Contains("SECRET"));
    }
}

TEST_CASE("later applies win and sources say where each value came from", "[settings]") {
    Settings settings;
    // The order of docs/cli-contract.md's precedence: default < profile < environment < command
    // line.
    apply_setting(settings, "username", "builtin-user", Origin::builtin, "");
    CHECK(!settings.explicitly_set(SettingId::username));

    apply_setting(settings, "username", "profile-user", Origin::profile, "profile 'home'");
    apply_setting(settings, "password", "profile-pass", Origin::profile, "profile 'home'");
    apply_setting(settings, "channel", "1", Origin::profile, "profile 'home'");
    apply_setting(settings, "label", "1=Temp", Origin::profile, "profile 'home'");
    apply_setting(settings, "label", "2=Humidity", Origin::profile, "profile 'home'");
    apply_setting(settings, "password", "env-pass", Origin::environment,
                  "environment (TSMQTT_PASSWORD)");
    apply_setting(settings, "channel", "2", Origin::environment, "environment (X)");
    apply_setting(settings, "channel", "3", Origin::command_line, "command line");
    apply_setting(settings, "label", "1=Outside", Origin::command_line, "command line");

    CHECK(settings.username == "profile-user");
    CHECK(settings.source(SettingId::username) == "profile 'home'");
    CHECK(settings.password == "env-pass");
    CHECK(settings.source(SettingId::password) == "environment (TSMQTT_PASSWORD)");
    CHECK(settings.channel == ChannelId{3});
    CHECK(settings.source(SettingId::channel) == "command line");
    CHECK(settings.labels == std::map<int, std::string>{{1, "Outside"}, {2, "Humidity"}});
    CHECK(!settings.explicitly_set(SettingId::host));
}

TEST_CASE("an empty source description falls back to the origin's name", "[settings]") {
    Settings settings;
    apply_setting(settings, "username", "u", Origin::environment, "");
    CHECK(settings.source(SettingId::username) == "environment");
    CHECK(origin_name(Origin::builtin) == "default");
    CHECK(origin_name(Origin::profile) == "profile");
    CHECK(origin_name(Origin::command_line) == "command line");
}

TEST_CASE("endpoint() combines url, host, port, transport and path", "[settings]") {
    struct Step {
        std::string key, value;
        Origin origin;
    };
    struct Case {
        std::string name;
        std::vector<Step> steps;
        Transport transport;
        std::string host;
        std::uint16_t port;
        std::string path;
    };
    const auto cl = Origin::command_line;
    const auto pr = Origin::profile;
    const std::vector<Case> cases{
        {"defaults", {}, Transport::tls, "mqtt3.thingspeak.com", 8883, ""},
        {"transport picks the port",
         {{"transport", "tcp", cl}},
         Transport::tcp,
         "mqtt3.thingspeak.com",
         1883,
         ""},
        {"ws gets /mqtt",
         {{"transport", "ws", cl}},
         Transport::ws,
         "mqtt3.thingspeak.com",
         80,
         "/mqtt"},
        {"wss with a path",
         {{"transport", "wss", cl}, {"ws-path", "/x", cl}},
         Transport::wss,
         "mqtt3.thingspeak.com",
         443,
         "/x"},
        {"explicit port", {{"port", "1", cl}}, Transport::tls, "mqtt3.thingspeak.com", 1, ""},
        {"url alone", {{"url", "tcp://h", cl}}, Transport::tcp, "h", 1883, ""},
        {"url with port and path",
         {{"url", "wss://h:8443/ws", cl}},
         Transport::wss,
         "h",
         8443,
         "/ws"},
        {"url without a path", {{"url", "ws://h", cl}}, Transport::ws, "h", 80, "/mqtt"},
        {"url overridden by port",
         {{"url", "tcp://h:1000", pr}, {"port", "2000", cl}},
         Transport::tcp,
         "h",
         2000,
         ""},
        {"url overridden by host",
         {{"url", "ws://h:9001/p", pr}, {"host", "other", cl}},
         Transport::ws,
         "other",
         9001,
         "/p"},
        {"url overridden by transport",
         {{"url", "tcp://h", pr}, {"transport", "wss", cl}},
         Transport::wss,
         "h",
         443,
         "/mqtt"},
        {"url overridden by ws-path",
         {{"url", "ws://h/p", pr}, {"ws-path", "/q", cl}},
         Transport::ws,
         "h",
         80,
         "/q"},
        {"a command-line url beats a profile's host and port",
         {{"host", "profile-host", pr}, {"port", "1234", pr}, {"url", "ssl://h", cl}},
         Transport::tls,
         "h",
         8883,
         ""},
        {"profile url, command-line port",
         {{"url", "wss://h/x", pr}, {"port", "8443", cl}},
         Transport::wss,
         "h",
         8443,
         "/x"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        Settings settings;
        for (const auto& step : c.steps)
            apply_setting(settings, step.key, step.value, step.origin, "test");
        const auto endpoint = settings.endpoint();
        CHECK(endpoint.transport == c.transport);
        CHECK(endpoint.host == c.host);
        CHECK(endpoint.port == c.port);
        CHECK(endpoint.path == c.path);
    }
}

TEST_CASE("endpoint() reads a url applied as a built-in default", "[settings]") {
    Settings settings;
    apply_setting(settings, SettingId::url, "ws://h:9001/p", Origin::builtin, "");
    const auto endpoint = settings.endpoint();
    CHECK(endpoint.transport == Transport::ws);
    CHECK(endpoint.host == "h");
    CHECK(endpoint.port == 9001);
    CHECK(endpoint.path == "/p");
}

TEST_CASE("the source of url-derived endpoint parts names the url", "[settings]") {
    Settings settings;
    apply_setting(settings, "port", "1234", Origin::profile, "profile 'home'");
    apply_setting(settings, "url", "tcp://h", Origin::command_line, "command line");
    CHECK(settings.source(SettingId::host) == "command line (url)");
    CHECK(!settings.explicitly_set(SettingId::port));
    CHECK_FALSE(settings.port.has_value());
}

TEST_CASE("mask_secret shows at most the last two characters of a long secret", "[settings]") {
    CHECK(mask_secret("") == "****");
    CHECK(mask_secret("a") == "****");
    CHECK(mask_secret("1234567") == "****");
    CHECK(mask_secret("12345678") == "****78");
    CHECK(mask_secret("ABCDEFGHIJKLMNOPQRSTUVWX") == "****WX");
    CHECK(mask_secret("abcdefg\xC3\xA9") == "****");
}

TEST_CASE("a profile can hold the pacing interval and turn the outbox on", "[settings]") {
    CHECK_FALSE(Settings{}.interval.has_value());
    CHECK_FALSE(Settings{}.outbox);
    CHECK(applied("interval", "15").interval == std::chrono::seconds(15));
    CHECK(applied("interval", "0").interval == std::chrono::seconds(0));
    CHECK(applied("interval", "1.5").interval == std::chrono::milliseconds(1500));
    CHECK_THAT(error_of("interval", "-1"), Catch::Contains("invalid --interval '-1'"));
    CHECK_THAT(error_of("interval", "soon"), Catch::Contains("a number of seconds"));
    CHECK_THAT(error_of("interval", "nan"), Catch::Contains("a number of seconds"));
    CHECK(applied("outbox", "true").outbox);
    CHECK(applied("outbox", "1").outbox);
    CHECK_FALSE(applied("outbox", "false").outbox);
    CHECK_THAT(error_of("outbox", "maybe"), Catch::Contains("invalid --outbox 'maybe'"));
    CHECK(find_setting("outbox")->env == "TSMQTT_OUTBOX");
    CHECK(find_setting("interval")->env == "TSMQTT_INTERVAL");
}
