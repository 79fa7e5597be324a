#include "cli/connection_options.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <random>

#include "core/error.hpp"
#include "profile/files.hpp"
#include "profile/resolve.hpp"
#include "profile/store.hpp"

namespace tsmqtt::cli {
namespace {

struct OptionRow {
    const char* flags;  // CLI11 names
    const char* key;    // setting key
    const char* help;
    bool flag;  // takes no value
};

// One table drives the options, profile add and the precedence code.
constexpr OptionRow kConnectionOptions[] = {
    {"--url", "url",
     "Whole endpoint: tcp:// mqtt:// ssl:// tls:// mqtts:// ws:// wss:// HOST[:PORT][/PATH]",
     false},
    {"-H,--host", "host", "Broker host (default mqtt3.thingspeak.com)", false},
    {"-p,--port", "port", "Broker port (default 1883 tcp, 8883 tls, 80 ws, 443 wss)", false},
    {"-T,--transport", "transport", "Transport: tcp, tls, ws or wss (default tls)", false},
    {"--ws-path", "ws-path", "WebSocket path (default /mqtt)", false},
    {"-i,--client-id", "client-id", "MQTT client ID (default tsmqtt-<random>)", false},
    {"-u,--username", "username", "Username (ThingSpeak: the device's username)", false},
    {"--cafile", "cafile", "Trust anchors in a PEM file (default: the system store)", false},
    {"--capath", "capath", "Folder of trusted CA certificates", false},
    {"--cert", "cert", "Client certificate (PEM)", false},
    {"--key", "key", "Client private key (PEM)", false},
    {"--insecure", "insecure", "Skip certificate and host-name verification (unsafe)", true},
    {"--keepalive", "keepalive", "Keepalive interval in seconds (default 60)", false},
    {"--connect-timeout", "connect-timeout", "Connect timeout in seconds (default 10)", false},
    {"--mqtt-version", "mqtt-version", "MQTT protocol version: 3.1.1 or 5 (default 3.1.1)", false},
};

std::string random_client_id() {
    std::random_device device;
    std::uniform_int_distribution<std::uint32_t> digits(0, 0xFFFFFFFF);
    return fmt::format("tsmqtt-{:08x}", digits(device));
}

void add_setting_rows(CLI::App& app, std::vector<std::pair<std::string, std::string>>& values,
                      const std::string& group) {
    for (const auto& row : kConnectionOptions) {
        const std::string key = row.key;
        CLI::Option* option = nullptr;
        if (row.flag) {
            option = app.add_flag_callback(
                row.flags, [&values, key] { values.emplace_back(key, "true"); }, row.help);
        } else {
            option = app.add_option_function<std::string>(
                row.flags,
                [&values, key](const std::string& value) { values.emplace_back(key, value); },
                row.help);
        }
        option->group(group);
    }
}

}  // namespace

void add_connection_options(CLI::App& app, ConnectionArgs& args) {
    const std::string group = "Connection";
    add_setting_rows(app, args.values, group);
    app.add_option("--profile", args.profile, "Use a saved profile (env TSMQTT_PROFILE)")
        ->group(group);
    app.add_option("--password-file", args.password_file,
                   "Read the password from FILE (- = stdin); or env TSMQTT_PASSWORD")
        ->group(group);
    app.add_flag("--ask-password", args.ask_password, "Prompt for the password without echo")
        ->group(group);
    app.add_flag("--no-reconnect", args.no_reconnect,
                 "Exit 3 when the connection is lost instead of reconnecting")
        ->group(group);
    app.add_flag("-v,--verbose", args.verbosity, "More diagnostics on stderr (repeatable)")
        ->group("Diagnostics");
    app.add_flag("-q,--quiet", args.quiet, "No diagnostics but errors")->group("Diagnostics");
    app.add_flag(
           "--dry-run", args.dry_run,
           "Print endpoint, client ID, topics and payloads (secrets masked); connect to nothing")
        ->group("Diagnostics");
}

void add_setting_options(CLI::App& app, std::vector<std::pair<std::string, std::string>>& values) {
    add_setting_rows(app, values, "Connection");
}

Resolved resolve_settings(const ConnectionArgs& args, bool stdin_taken) {
    Resolved resolved;
    auto& settings = resolved.settings;
    const auto env = process_env();
    if (!args.password_file.empty() && args.ask_password) {
        usage_error("--password-file and --ask-password both give the password; choose one");
    }
    if (args.password_file == "-" && stdin_taken) {
        usage_error(
            "--password-file - and --stdin both want standard input; give the password another "
            "way");
    }

    const bool named = !args.profile.empty() || env("TSMQTT_PROFILE").value_or("") != "";
    std::optional<std::filesystem::path> path;
    try {
        path = profile_file_path(env);
    } catch (const Error&) {
        if (named) throw;
    }
    if (path) {
        const auto store = ProfileStore::load(*path);
        const auto choice = choose_profile(args.profile, env, store.default_name());
        if (!choice.name.empty()) {
            const auto* profile = store.find(choice.name);
            if (profile == nullptr) {
                fail(
                    ExitCode::config,
                    fmt::format("unknown profile '{}' (from {}; see: tsmqtt profile list; file {})",
                                choice.name, choice.reason, path->string()));
            }
            apply_profile(settings, *profile, path->string());
            resolved.profile = choice.name;
            resolved.profile_reason = choice.reason;
            resolved.profile_file = path->string();
        }
    }
    apply_environment(settings, env);
    apply_command_line(settings, args.values);
    if (!args.password_file.empty()) {
        const auto password = read_password_file(args.password_file, stop_signal());
        apply_setting(settings, "password", password, Origin::command_line,
                      args.password_file == "-"
                          ? std::string("--password-file - (standard input)")
                          : fmt::format("--password-file {}", args.password_file));
    }
    if (args.ask_password) {
        apply_setting(settings, "password", prompt_password("Password: "), Origin::command_line,
                      "--ask-password");
    }
    resolved.client_id = settings.client_id.empty() ? random_client_id() : settings.client_id;
    return resolved;
}

std::string insecure_warning(const Settings& settings) {
    if (!settings.insecure || !settings.endpoint().secure()) return {};
    return "WARNING: --insecure: the server's certificate and host name are NOT verified; anyone "
           "on the network "
           "path can read and change this connection, password included";
}

std::vector<std::string> describe_settings(const Resolved& resolved) {
    const auto& s = resolved.settings;
    const auto endpoint = s.endpoint();
    const auto source = [&](std::string_view key) {
        const auto it = s.sources.find(key);
        return it == s.sources.end() ? std::string("default") : it->second;
    };
    const auto transport = transport_info(endpoint.transport);
    std::vector<std::string> lines;
    lines.push_back(resolved.profile.empty()
                        ? std::string("profile none")
                        : fmt::format("profile '{}' ({}) from {}", resolved.profile,
                                      resolved.profile_reason, resolved.profile_file));
    lines.push_back(fmt::format("endpoint {}", endpoint.uri()));
    lines.push_back(fmt::format("transport {} ({})", transport.name, source("transport")));
    lines.push_back(fmt::format("host {} ({})", endpoint.host, source("host")));
    lines.push_back(fmt::format("port {} ({})", endpoint.port,
                                s.sources.contains("port")
                                    ? source("port")
                                    : fmt::format("default for {}", transport.name)));
    if (transport.websocket)
        lines.push_back(fmt::format("ws-path {} ({})", endpoint.path, source("ws-path")));
    lines.push_back(
        fmt::format("client-id {} ({})", resolved.client_id,
                    s.client_id.empty() ? std::string("generated") : source("client-id")));
    lines.push_back(s.username.empty()
                        ? std::string("username none")
                        : fmt::format("username {} ({})", s.username, source("username")));
    lines.push_back(
        s.password ? fmt::format("password {} ({})", mask_secret(*s.password), source("password"))
                   : std::string("password none"));
    if (endpoint.secure()) {
        lines.push_back(fmt::format(
            "tls: verify {}, trust {}", s.insecure ? "OFF (--insecure)" : "chain and host name",
            s.cafile.empty() ? (s.capath.empty() ? std::string("system store") : s.capath)
                             : s.cafile));
    }
    const std::pair<std::string_view, const std::string*> files[] = {
        {"cafile", &s.cafile}, {"capath", &s.capath}, {"cert", &s.cert}, {"key", &s.key}};
    for (const auto& [key, value] : files) {
        if (!value->empty()) lines.push_back(fmt::format("{} {} ({})", key, *value, source(key)));
    }
    if (s.insecure) lines.push_back(fmt::format("insecure true ({})", source("insecure")));
    lines.push_back(fmt::format("keepalive {} ({})", s.keepalive, source("keepalive")));
    lines.push_back(
        fmt::format("connect-timeout {} ({})", s.connect_timeout, source("connect-timeout")));
    lines.push_back(fmt::format("mqtt-version {} ({})",
                                s.mqtt_version == MqttVersion::v5 ? "5" : "3.1.1",
                                source("mqtt-version")));
    if (s.channel)
        lines.push_back(fmt::format("channel {} ({})", s.channel->value, source("channel")));
    if (!s.write_key.empty())
        lines.push_back(
            fmt::format("write-key {} ({})", mask_secret(s.write_key), source("write-key")));
    if (!s.read_key.empty())
        lines.push_back(
            fmt::format("read-key {} ({})", mask_secret(s.read_key), source("read-key")));
    return lines;
}

}  // namespace tsmqtt::cli
