// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <map>
#include <string>

#include "core/error.hpp"
#include "profile/resolve.hpp"

using namespace tsmqtt;

namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

Profile home() {
    return Profile{"home",
                   {{"url", "tcp://profile.example:1884"},
                    {"username", "profile-user"},
                    {"password", "profile-password"},
                    {"keepalive", "30"},
                    {"channel", "1001"}},
                   {{1, "Temperature"}}};
}

// The layers in docs/cli-contract.md's order, as resolve_settings applies them.
Settings resolve(const Profile* profile, const EnvLookup& env,
                 const std::vector<std::pair<std::string, std::string>>& command_line) {
    Settings settings;
    if (profile != nullptr) apply_profile(settings, *profile, "/cfg/profiles.toml");
    apply_environment(settings, env);
    apply_command_line(settings, command_line);
    return settings;
}

std::string source_of(const Settings& settings, std::string_view key) {
    return settings.source(find_setting(key)->id);
}

}  // namespace

TEST_CASE("the --profile option beats TSMQTT_PROFILE, which beats the default profile",
          "[resolve]") {
    const std::optional<std::string> store_default = "home";
    const auto with_env = env_of({{"TSMQTT_PROFILE", "work"}});
    const auto no_env = env_of({});

    auto choice = choose_profile("cli", with_env, store_default);
    CHECK(choice.name == "cli");
    CHECK(choice.reason == "--profile");
    choice = choose_profile("", with_env, store_default);
    CHECK(choice.name == "work");
    CHECK(choice.reason == "TSMQTT_PROFILE");
    choice = choose_profile("", env_of({{"TSMQTT_PROFILE", ""}}), store_default);
    CHECK(choice.name == "home");
    CHECK(choice.reason == "default");
    choice = choose_profile("", no_env, std::nullopt);
    CHECK(choice.name.empty());
}

TEST_CASE("with nothing else, the profile gives every value it holds", "[resolve]") {
    const auto profile = home();
    const auto settings = resolve(&profile, env_of({}), {});
    const auto endpoint = settings.endpoint();
    CHECK(endpoint.uri() == "tcp://profile.example:1884");
    CHECK(settings.username == "profile-user");
    CHECK(settings.password == "profile-password");
    CHECK(settings.keepalive == 30);
    CHECK(settings.channel == ChannelId{1001});
    CHECK(settings.labels == std::map<int, std::string>{{1, "Temperature"}});
    CHECK(source_of(settings, "username") == "profile 'home'");
    CHECK(source_of(settings, "host") == "profile 'home' (url)");
    CHECK(source_of(settings, "connect-timeout") == "default");
    CHECK(settings.connect_timeout == 10);
}

TEST_CASE("command line > environment > profile > default, for each setting", "[resolve]") {
    const auto profile = home();
    const auto env = env_of({{"TSMQTT_HOST", "env.example"},
                             {"TSMQTT_PASSWORD", "env-password"},
                             {"TSMQTT_KEEPALIVE", "40"},
                             {"TSMQTT_CONNECT_TIMEOUT", "5"},
                             {"TSMQTT_CHANNEL", "2002"}});

    SECTION("the environment beats the profile") {
        const auto settings = resolve(&profile, env, {});
        CHECK(settings.endpoint().uri() == "tcp://env.example:1884");
        CHECK(source_of(settings, "host") == "environment TSMQTT_HOST");
        CHECK(source_of(settings, "port") == "profile 'home' (url)");
        CHECK(settings.password == "env-password");
        CHECK(source_of(settings, "password") == "environment TSMQTT_PASSWORD");
        CHECK(settings.keepalive == 40);
        CHECK(settings.connect_timeout == 5);
        CHECK(source_of(settings, "connect-timeout") == "environment TSMQTT_CONNECT_TIMEOUT");
        CHECK(settings.channel == ChannelId{2002});
        CHECK(settings.username == "profile-user");
    }
    SECTION("the command line beats both") {
        const auto settings = resolve(&profile, env,
                                      {{"host", "cli.example"},
                                       {"keepalive", "50"},
                                       {"channel", "3003"},
                                       {"label", "1=Outside"}});
        CHECK(settings.endpoint().uri() == "tcp://cli.example:1884");
        CHECK(source_of(settings, "host") == "command line");
        CHECK(settings.keepalive == 50);
        CHECK(source_of(settings, "keepalive") == "command line");
        CHECK(settings.channel == ChannelId{3003});
        CHECK(settings.password == "env-password");
        CHECK(settings.labels == std::map<int, std::string>{{1, "Outside"}});
    }
    SECTION("a whole URL from a higher layer replaces every endpoint part below it") {
        const auto settings =
            resolve(&profile, env_of({{"TSMQTT_URL", "wss://env.example/ws"}}), {{"port", "8443"}});
        const auto endpoint = settings.endpoint();
        CHECK(endpoint.transport == Transport::wss);
        CHECK(endpoint.host == "env.example");
        CHECK(endpoint.port == 8443);
        CHECK(endpoint.path == "/ws");
        CHECK(source_of(settings, "host") == "environment TSMQTT_URL (url)");
        CHECK(source_of(settings, "port") == "command line");
    }
    SECTION("without a profile, the environment and the command line still apply") {
        const auto settings = resolve(nullptr, env, {{"username", "cli-user"}});
        CHECK(settings.endpoint().uri() == "ssl://env.example:8883");
        CHECK(settings.username == "cli-user");
        CHECK(source_of(settings, "transport") == "default");
    }
}

TEST_CASE("every setting but label can come from its environment variable", "[resolve]") {
    for (const auto& info : setting_table()) {
        if (info.key == "label") {
            CHECK(info.env.empty());
            continue;
        }
        std::string expected = "TSMQTT_";
        for (const char c : info.key)
            expected += c == '-' ? '_' : static_cast<char>(std::toupper(c));
        CHECK(info.env == expected);
    }
    const auto settings = resolve(nullptr,
                                  env_of({{"TSMQTT_TRANSPORT", "ws"},
                                          {"TSMQTT_WS_PATH", "/p"},
                                          {"TSMQTT_CLIENT_ID", "id"},
                                          {"TSMQTT_INSECURE", "yes"},
                                          {"TSMQTT_MQTT_VERSION", "5"},
                                          {"TSMQTT_WRITE_KEY", "WKEY"},
                                          {"TSMQTT_READ_KEY", "RKEY"}}),
                                  {});
    CHECK(settings.endpoint().uri() == "ws://mqtt3.thingspeak.com:80/p");
    CHECK(settings.client_id == "id");
    CHECK(settings.insecure);
    CHECK(settings.mqtt_version == MqttVersion::v5);
    CHECK(settings.write_key == "WKEY");
    CHECK(settings.read_key == "RKEY");
    CHECK(source_of(settings, "read-key") == "environment TSMQTT_READ_KEY");
}

TEST_CASE("an empty environment variable counts as unset", "[resolve]") {
    const auto profile = home();
    const auto settings =
        resolve(&profile, env_of({{"TSMQTT_PASSWORD", ""}, {"TSMQTT_HOST", ""}}), {});
    CHECK(settings.password == "profile-password");
    CHECK(settings.endpoint().host == "profile.example");
}

TEST_CASE("a bad environment value names the variable, never a secret", "[resolve]") {
    Settings settings;
    try {
        apply_environment(settings, env_of({{"TSMQTT_PORT", "eighty"}}));
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        CHECK(
            std::string(error.what()) ==
            "environment TSMQTT_PORT: invalid --port 'eighty': expected a number from 1 to 65535");
    }
    try {
        apply_environment(settings, env_of({{"TSMQTT_WRITE_KEY", "SECRET/KEY"}}));
        FAIL("no error");
    } catch (const Error& error) {
        CHECK_THAT(error.what(),
                   Catch::StartsWith("environment TSMQTT_WRITE_KEY: invalid --write-key:"));
        CHECK_THAT(error.what(), !Catch::Contains("SECRET"));
    }
}

TEST_CASE(
    "a bad profile value is a configuration error naming profile and file, and changes nothing",
    "[resolve]") {
    Settings settings;
    apply_setting(settings, "username", "before", Origin::builtin, "");
    const Profile broken{"home", {{"username", "u"}, {"port", "99999"}}, {}};
    try {
        apply_profile(settings, broken, "/cfg/profiles.toml");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::config);
        CHECK(std::string(error.what()) ==
              "profile 'home' in /cfg/profiles.toml: invalid --port '99999': expected a number "
              "from 1 to 65535");
    }
    CHECK(settings.username == "before");
    CHECK(std::none_of(setting_table().begin(), setting_table().end(),
                       [&](const SettingInfo& info) { return settings.explicitly_set(info.id); }));

    const Profile secret{"home", {{"password", "line\nbreak-secret"}}, {}};
    try {
        apply_profile(settings, secret, "/cfg/profiles.toml");
        FAIL("no error");
    } catch (const Error& error) {
        CHECK_THAT(error.what(), !Catch::Contains("break-secret"));
    }
}

TEST_CASE("a profile is used only for the host it names, whatever the port or transport",
          "[resolve][host-rule]") {
    const auto profile = home();  // tcp://profile.example:1884
    Settings with_profile;
    apply_profile(with_profile, profile, "/cfg/profiles.toml");
    const auto above = [](const EnvLookup& env,
                          const std::vector<std::pair<std::string, std::string>>& command_line) {
        return resolve(nullptr, env, command_line);
    };
    // Nothing names a host, or the same host (in any case) on another port or transport.
    CHECK(profile_not_used("home", with_profile, above(env_of({}), {{"port", "1"}})).empty());
    CHECK(profile_not_used("home", with_profile,
                           above(env_of({{"TSMQTT_URL", "wss://Profile.Example:9/p"}}), {}))
              .empty());
    CHECK(profile_not_used("home", with_profile, above(env_of({}), {{"host", "PROFILE.example"}}))
              .empty());
    // Another host, from either layer; the command line's is the one in force.
    const auto not_for = "profile 'home' not used: it is for profile.example, not 127.0.0.1";
    CHECK(profile_not_used("home", with_profile,
                           above(env_of({}), {{"url", "mqtt://127.0.0.1:41898"}})) == not_for);
    CHECK(profile_not_used("home", with_profile,
                           above(env_of({{"TSMQTT_HOST", "127.0.0.1"}}), {})) == not_for);
    CHECK(profile_not_used("home", with_profile,
                           above(env_of({{"TSMQTT_HOST", "profile.example"}}),
                                 {{"host", "127.0.0.1"}})) == not_for);
    CHECK(profile_not_used(
              "home", with_profile,
              above(env_of({{"TSMQTT_HOST", "127.0.0.1"}}), {{"host", "profile.example"}}))
              .empty());
    // A profile that names no host is for ThingSpeak's.
    Settings thingspeak;
    apply_profile(thingspeak, Profile{"ts", {{"username", "u"}}, {}}, "/cfg/profiles.toml");
    CHECK(profile_not_used("ts", thingspeak, above(env_of({}), {{"host", "127.0.0.1"}})) ==
          "profile 'ts' not used: it is for mqtt3.thingspeak.com, not 127.0.0.1");
    CHECK(profile_not_used("ts", thingspeak, above(env_of({}), {{"host", "mqtt3.thingspeak.com"}}))
              .empty());
}

TEST_CASE(
    "the --no-profile option, else TSMQTT_NO_PROFILE unless --profile names one, turns profiles "
    "off",
    "[resolve][host-rule]") {
    CHECK(profiles_off(true, false, env_of({})) == "--no-profile");
    CHECK(profiles_off(false, false, env_of({})).empty());
    for (const auto* yes : {"1", "true", "YES", "on"})
        CHECK(profiles_off(false, false, env_of({{"TSMQTT_NO_PROFILE", yes}})) ==
              "TSMQTT_NO_PROFILE");
    for (const auto* no : {"0", "false", "off", ""})
        CHECK(profiles_off(false, false, env_of({{"TSMQTT_NO_PROFILE", no}})).empty());
    CHECK(profiles_off(false, true, env_of({{"TSMQTT_NO_PROFILE", "1"}})).empty());
    try {
        profiles_off(false, false, env_of({{"TSMQTT_NO_PROFILE", "perhaps"}}));
        FAIL("no error");
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        CHECK_THAT(error.what(), Catch::StartsWith("invalid TSMQTT_NO_PROFILE 'perhaps'"));
    }
}
