// SPDX-License-Identifier: Apache-2.0
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

std::string random_client_id() {
    std::random_device device;
    std::uniform_int_distribution<std::uint32_t> digits(0, 0xFFFFFFFF);
    return fmt::format("tsmqtt-{:08x}", digits(device));
}

// The options come from the setting table, so options, profiles and -v share the names.
void add_setting_rows(CLI::App& app, std::vector<std::pair<std::string, std::string>>& values,
                      const std::string& group) {
    for (const auto& row : setting_table()) {
        if (row.flags.empty()) continue;
        const std::string key(row.key);
        const std::string flags(row.flags);
        const std::string help(row.help);
        CLI::Option* option = nullptr;
        if (row.takes_value) {
            option = app.add_option_function<std::string>(
                flags,
                [&values, key](const std::string& value) { values.emplace_back(key, value); },
                help);
        } else {
            option = app.add_flag_callback(
                flags, [&values, key] { values.emplace_back(key, "true"); }, help);
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
        apply_setting(settings, SettingId::password, password, Origin::command_line,
                      args.password_file == "-"
                          ? std::string("--password-file - (standard input)")
                          : fmt::format("--password-file {}", args.password_file));
    }
    if (args.ask_password) {
        apply_setting(settings, SettingId::password, prompt_password("Password: "),
                      Origin::command_line, "--ask-password");
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

// The -v report walks the setting table: one line per setting that has something to say, in
// the table's order; the url row reports the endpoint it and its parts make.
std::vector<std::string> describe_settings(const Resolved& resolved) {
    const auto& s = resolved.settings;
    const auto endpoint = s.endpoint();
    const auto transport = transport_info(endpoint.transport);
    std::vector<std::string> lines;
    lines.push_back(resolved.profile.empty()
                        ? std::string("profile none")
                        : fmt::format("profile '{}' ({}) from {}", resolved.profile,
                                      resolved.profile_reason, resolved.profile_file));
    for (const auto& row : setting_table()) {
        const auto line = [&](const auto& value) {
            lines.push_back(fmt::format("{} {} ({})", row.key, value, s.source(row.id)));
        };
        const auto if_set = [&](const std::string& value) {
            if (!value.empty()) line(row.secret ? mask_secret(value) : value);
        };
        switch (row.id) {
            case SettingId::url:
                lines.push_back(fmt::format("endpoint {}", endpoint.uri()));
                lines.push_back(fmt::format("transport {} ({})", transport.name,
                                            s.source(SettingId::transport)));
                break;
            case SettingId::transport:
                break;  // with the url, before the host
            case SettingId::host:
                line(endpoint.host);
                break;
            case SettingId::port:
                lines.push_back(fmt::format("port {} ({})", endpoint.port,
                                            s.explicitly_set(SettingId::port)
                                                ? s.source(SettingId::port)
                                                : fmt::format("default for {}", transport.name)));
                break;
            case SettingId::ws_path:
                if (transport.websocket) line(endpoint.path);
                break;
            case SettingId::client_id:
                lines.push_back(
                    fmt::format("client-id {} ({})", resolved.client_id,
                                s.client_id.empty() ? std::string("generated") : s.source(row.id)));
                break;
            case SettingId::username:
                if (s.username.empty()) {
                    lines.emplace_back("username none");
                } else {
                    line(s.username);
                }
                break;
            case SettingId::password:
                if (s.password) {
                    line(mask_secret(*s.password));
                } else {
                    lines.emplace_back("password none");
                }
                break;
            case SettingId::cafile:
                if (endpoint.secure()) {
                    lines.push_back(fmt::format(
                        "tls: verify {}, trust {}",
                        s.insecure ? "OFF (--insecure)" : "chain and host name",
                        s.cafile.empty()
                            ? (s.capath.empty() ? std::string("system store") : s.capath)
                            : s.cafile));
                }
                if_set(s.cafile);
                break;
            case SettingId::capath:
                if_set(s.capath);
                break;
            case SettingId::cert:
                if_set(s.cert);
                break;
            case SettingId::key:
                if_set(s.key);
                break;
            case SettingId::insecure:
                if (s.insecure) line("true");
                break;
            case SettingId::keepalive:
                line(s.keepalive);
                break;
            case SettingId::connect_timeout:
                line(s.connect_timeout);
                break;
            case SettingId::mqtt_version:
                line(s.mqtt_version == MqttVersion::v5 ? "5" : "3.1.1");
                break;
            case SettingId::channel:
                if (s.channel) line(s.channel->value);
                break;
            case SettingId::write_key:
                if_set(s.write_key);
                break;
            case SettingId::read_key:
                if_set(s.read_key);
                break;
            case SettingId::interval:
                if (s.interval)
                    line(fmt::format("{} s", std::chrono::duration<double>(*s.interval).count()));
                break;
            case SettingId::outbox:
                if (s.outbox) line("true");
                break;
            case SettingId::label:
                break;  // shown by the text output itself
        }
    }
    return lines;
}

}  // namespace tsmqtt::cli
