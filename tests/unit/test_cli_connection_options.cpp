// SPDX-License-Identifier: Apache-2.0
#include <CLI/CLI.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "cli/connection_options.hpp"
#include "profile/resolve.hpp"

using namespace tsmqtt;

namespace {

// A valid value for each setting; the switch makes a new setting a compile warning here too.
std::string sample(SettingId id) {
    switch (id) {
        case SettingId::url:
            return "wss://sample.example:8443/p";
        case SettingId::host:
            return "sample.example";
        case SettingId::port:
            return "1884";
        case SettingId::transport:
            return "ws";
        case SettingId::ws_path:
            return "/sample";
        case SettingId::client_id:
            return "sample-client";
        case SettingId::username:
            return "sample-user";
        case SettingId::password:
            return "sample-password";
        case SettingId::cafile:
            return "/sample/ca.pem";
        case SettingId::capath:
            return "/sample/certs";
        case SettingId::cert:
            return "/sample/cert.pem";
        case SettingId::key:
            return "/sample/key.pem";
        case SettingId::insecure:
            return "true";
        case SettingId::keepalive:
            return "42";
        case SettingId::connect_timeout:
            return "7";
        case SettingId::mqtt_version:
            return "5";
        case SettingId::channel:
            return "4242";
        case SettingId::write_key:
            return "SAMPLEWRITEKEY12";
        case SettingId::read_key:
            return "SAMPLEREADKEY123";
        case SettingId::interval:
            return "2.5";
        case SettingId::outbox:
            return "true";
        case SettingId::label:
            return "3=Sample";
    }
    return {};
}

// The -v report of settings on a WebSocket endpoint (so ws-path and TLS lines are shown).
std::vector<std::string> report(const Settings& settings) {
    cli::Resolved resolved;
    resolved.settings = settings;
    resolved.client_id = settings.client_id.empty() ? "generated" : settings.client_id;
    return cli::describe_settings(resolved);
}

Settings on_wss() {
    Settings settings;
    apply_setting(settings, SettingId::transport, "wss", Origin::builtin, "");
    return settings;
}

// The report line of a setting ends in its source; the url's is the transport line.
void check_reported(const SettingInfo& info, const Settings& settings, const std::string& source) {
    const std::string key = info.id == SettingId::url ? "transport" : std::string(info.key);
    const std::string suffix = "(" + source + (info.id == SettingId::url ? " (url)" : "") + ")";
    const auto lines = report(settings);
    INFO(info.key << ": " << source);
    CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.starts_with(key + " ") && line.ends_with(suffix);
    }));
    if (info.secret) {
        for (const auto& line : lines) CHECK(line.find(sample(info.id)) == std::string::npos);
    }
}

}  // namespace

TEST_CASE("every environment variable goes through the table to its setting and the -v report",
          "[settings][cli]") {
    for (const auto& info : setting_table()) {
        if (info.env.empty()) {
            CHECK(info.id == SettingId::label);  // repeatable: no one variable holds it
            continue;
        }
        std::string expected_env = "TSMQTT_" + std::string(info.key);
        std::transform(expected_env.begin(), expected_env.end(), expected_env.begin(),
                       [](char c) { return c == '-' ? '_' : static_cast<char>(std::toupper(c)); });
        CHECK(info.env == expected_env);

        auto settings = on_wss();
        const std::map<std::string, std::string> variables{
            {std::string(info.env), sample(info.id)}};
        apply_environment(settings, [&](const char* name) -> std::optional<std::string> {
            const auto it = variables.find(name);
            return it == variables.end() ? std::nullopt : std::optional(it->second);
        });
        const auto source = "environment " + std::string(info.env);
        CHECK(settings.source(info.id) == source);
        check_reported(info, settings, source);
    }
}

TEST_CASE("every connection option goes through the table to its setting and the -v report",
          "[settings][cli]") {
    std::size_t options = 0;
    for (const auto& info : setting_table()) {
        if (info.flags.empty()) continue;
        ++options;
        CHECK_FALSE(info.help.empty());
        CLI::App app;
        app.set_help_flag("--help");  // -h is the host, as run.cpp sets it up
        cli::ConnectionArgs args;
        cli::add_connection_options(app, args);
        const std::string long_name = "--" + std::string(info.key);
        std::vector<std::string> argv{long_name};
        if (info.takes_value) argv.push_back(sample(info.id));
        std::reverse(argv.begin(), argv.end());  // CLI11 takes a vector in reverse order
        app.parse(argv);
        REQUIRE(args.values.size() == 1);
        CHECK(args.values[0].first == info.key);
        CHECK(args.values[0].second == sample(info.id));

        auto settings = on_wss();
        apply_command_line(settings, args.values);
        CHECK(settings.source(info.id) == "command line");
        check_reported(info, settings, "command line");
    }
    // Secrets have no option: an argument shows in `ps`.
    CHECK(options == 15);
    CHECK(setting_info(SettingId::password).flags.empty());
}

TEST_CASE("the -v report shows the channels in force and why no profile is used", "[cli]") {
    Settings settings;
    apply_setting(settings, SettingId::channel, "1587079", Origin::profile, "profile 'plain'");
    const auto channel_lines = [](const cli::Resolved& resolved) {
        std::vector<std::string> found;
        for (const auto& line : cli::describe_settings(resolved))
            if (line.starts_with("channel ")) found.push_back(line);
        return found;
    };
    cli::Resolved resolved;
    resolved.settings = settings;
    resolved.client_id = "c";
    CHECK(channel_lines(resolved) == std::vector<std::string>{"channel 1587079 (profile 'plain')"});
    // subscribe -c 2002 -c 3003: the command's own channels, not the profile's.
    resolved.channels = {ChannelId{2002}, ChannelId{3003}};
    CHECK(channel_lines(resolved) == std::vector<std::string>{"channel 2002, 3003 (command line)"});

    // The first line names the profile, or why there is none.
    CHECK(cli::describe_settings(resolved).front() == "profile none");
    resolved.profile_note =
        "profile 'home' not used: it is for mqtt3.thingspeak.com, not 127.0.0.1";
    CHECK(cli::describe_settings(resolved).front() == resolved.profile_note);
    resolved.profile = "home";
    resolved.profile_reason = "--profile";
    resolved.profile_file = "/cfg/profiles.toml";
    CHECK(cli::describe_settings(resolved).front() ==
          "profile 'home' (--profile) from /cfg/profiles.toml");
}

TEST_CASE("the --profile option needs a name and excludes --no-profile", "[cli]") {
    const auto parse = [](std::vector<std::string> argv) {
        CLI::App app;
        app.set_help_flag("--help");
        cli::ConnectionArgs args;
        cli::add_connection_options(app, args);
        std::reverse(argv.begin(), argv.end());
        app.parse(argv);
        return args;
    };
    CHECK(parse({"--no-profile"}).no_profile);
    CHECK(parse({"--profile", "home"}).profile == "home");
    CHECK_THROWS_AS(parse({"--profile", ""}), CLI::ValidationError);
    CHECK_THROWS_AS(parse({"--profile", "home", "--no-profile"}), CLI::ExcludesError);
}
