// SPDX-License-Identifier: Apache-2.0
// tsmqtt-relay: gives a local broker ThingSpeak's behaviour (tests and the demo; not installed).
// It reads channels/+/publish/#, checks, numbers and stamps each entry as ThingSpeak does, and
// republishes the feed JSON on channels/ID/subscribe and each value on .../fields/fieldN.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/error.hpp"
#include "core/settings.hpp"
#include "paho/paho_session.hpp"
#include "relay_core.hpp"

namespace {

std::atomic<int> g_stop{0};
extern "C" void on_signal(int signal) {
    g_stop.store(signal);
}

std::pair<std::uint64_t, std::string> split_rule(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos)
        throw CLI::ValidationError(fmt::format("'{}' is not CHANNEL=VALUE", text));
    return {tsmqtt::parse_channel_id(text.substr(0, eq)).value, text.substr(eq + 1)};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ThingSpeak relay for a local MQTT broker (test support)", "tsmqtt-relay"};
    std::string url = "tcp://127.0.0.1:1883";
    std::string username;
    std::string password_file;
    std::string cafile;
    std::vector<std::string> intervals;
    std::vector<std::string> write_keys;
    std::vector<std::string> read_keys;
    std::vector<std::string> only;
    bool verbose = false;
    app.add_option("--url", url, "Broker URL");
    app.add_option("-u,--username", username, "Username");
    app.add_option("--password-file", password_file, "File holding the password");
    app.add_option("--cafile", cafile, "CA file for TLS");
    app.add_option("--interval", intervals, "CHANNEL=SECS minimum time between updates")
        ->allow_extra_args(false);
    app.add_option("--write-key", write_keys, "CHANNEL=KEY legacy write key")
        ->allow_extra_args(false);
    app.add_option("--read-key", read_keys, "CHANNEL=KEY legacy read key")->allow_extra_args(false);
    app.add_option("--channel", only, "Handle only these channels (repeatable; default all)")
        ->allow_extra_args(false);
    app.add_flag("-v,--verbose", verbose, "Log every entry and every drop");
    CLI11_PARSE(app, argc, argv);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    try {
        std::map<std::uint64_t, tsmqtt::relay::ChannelRules> rules;
        for (const auto& text : intervals) {
            auto [channel, secs] = split_rule(text);
            rules[channel].min_interval =
                std::chrono::milliseconds(static_cast<long long>(std::stod(secs) * 1000));
        }
        for (const auto& text : write_keys) {
            auto [channel, key] = split_rule(text);
            rules[channel].write_key = key;
        }
        for (const auto& text : read_keys) {
            auto [channel, key] = split_rule(text);
            rules[channel].read_key = key;
        }
        tsmqtt::Settings settings;
        tsmqtt::apply_setting(settings, "url", url, tsmqtt::Origin::command_line, "relay");
        if (!username.empty())
            tsmqtt::apply_setting(settings, "username", username, tsmqtt::Origin::command_line,
                                  "relay");
        if (!cafile.empty())
            tsmqtt::apply_setting(settings, "cafile", cafile, tsmqtt::Origin::command_line,
                                  "relay");
        if (!password_file.empty()) {
            std::ifstream in(password_file);
            std::string password;
            std::getline(in, password);
            settings.password = password;
        }
        tsmqtt::SessionOptions options;
        options.stop = &g_stop;
        options.send_while_disconnected = true;
        auto session = tsmqtt::make_paho_session(
            settings, fmt::format("tsmqtt-relay-{}", ::getpid()), options);
        session->connect();
        const std::vector<std::string> filters{"channels/+/publish", "channels/+/publish/#"};
        session->subscribe(filters, 0);
        std::set<std::uint64_t> channels;
        for (const auto& text : only) channels.insert(tsmqtt::parse_channel_id(text).value);
        tsmqtt::relay::Relay relay(rules, channels);
        std::cout << "relay ready" << std::endl;
        while (g_stop.load() == 0) {
            auto event = session->next_event(std::chrono::steady_clock::now() +
                                             std::chrono::milliseconds(200));
            if (!event) continue;
            if (event->kind == tsmqtt::SessionEvent::Kind::reconnected) {
                session->subscribe(filters, 0);
                continue;
            }
            if (event->kind != tsmqtt::SessionEvent::Kind::message) continue;
            const auto& message = event->message;
            auto outcome =
                relay.handle(message.topic, message.payload, std::chrono::system_clock::now(),
                             std::chrono::steady_clock::now());
            if (!outcome.dropped.empty()) {
                if (verbose)
                    std::cerr << "relay: dropped " << message.topic << ": " << outcome.dropped
                              << std::endl;
                continue;
            }
            for (const auto& out : outcome.messages) session->publish({out.topic, out.payload});
            session->take_deliveries(std::chrono::steady_clock::now());
            if (verbose)
                std::cerr << "relay: " << message.topic << " -> "
                          << outcome.messages.front().payload << std::endl;
        }
        session->disconnect();
    } catch (const tsmqtt::Error& e) {
        std::cerr << "tsmqtt-relay: " << e.what() << std::endl;
        std::fflush(nullptr);
        std::_Exit(tsmqtt::to_int(e.code()));
    }
    std::fflush(nullptr);
    std::_Exit(0);
}
