// SPDX-License-Identifier: Apache-2.0
#include "cli/connection_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
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

// The profile --profile, TSMQTT_PROFILE or the file's default names, if any, applied to
// resolved.settings when it is for the host `above` names (or `above` names none).
void apply_chosen_profile(Resolved& resolved, const ConnectionArgs& args, const EnvLookup& env,
                          const Settings& above) {
    const bool named = !args.profile.empty() || env("TSMQTT_PROFILE").value_or("") != "";
    std::optional<std::filesystem::path> path;
    try {
        path = profile_file_path(env);
    } catch (const Error&) {
        if (named) throw;
    }
    if (!path) return;
    const auto store = ProfileStore::load(*path);
    const auto choice = choose_profile(args.profile, env, store.default_name());
    if (choice.name.empty()) return;
    const auto* profile = store.find(choice.name);
    if (profile == nullptr) {
        fail(ExitCode::config,
             fmt::format("unknown profile '{}' (from {}; see: tsmqtt profile list; file {})",
                         choice.name, choice.reason, path->string()));
    }
    Settings with_profile;
    apply_profile(with_profile, *profile, path->string());
    resolved.profile_note = profile_not_used(choice.name, with_profile, above);
    if (!resolved.profile_note.empty()) {
        resolved.profile_named_unused = choice.reason != "default";
        return;
    }
    resolved.settings = std::move(with_profile);
    resolved.profile = choice.name;
    resolved.profile_reason = choice.reason;
    resolved.profile_file = path->string();
}

}  // namespace

void add_connection_options(CLI::App& app, ConnectionArgs& args) {
    const std::string group = "Connection";
    add_setting_rows(app, args.values, group);
    auto* profile =
        app.add_option("--profile", args.profile,
                       "Use a saved profile (env TSMQTT_PROFILE); only for the host it names")
            ->check([](const std::string& name) {
                return name.empty()
                           ? std::string("a profile name is needed (for none: --no-profile)")
                           : std::string();
            })
            ->group(group);
    app.add_flag("--no-profile", args.no_profile,
                 "Use no profile, not even the default (env TSMQTT_NO_PROFILE=1)")
        ->excludes(profile)
        ->group(group);
    app.add_option("--password-file", args.password_file,
                   "Read the password from FILE (- = stdin); or env TSMQTT_PASSWORD")
        ->group(group);
    app.add_flag("--ask-password", args.ask_password, "Prompt for the password without echo")
        ->group(group);
    app.add_flag("--no-reconnect", args.no_reconnect,
                 "Exit 3 when the connection is lost instead of reconnecting")
        ->group(group);
    app.add_flag("-v,--verbose", args.verbosity,
                 "More diagnostics on stderr (-vv: each packet too)")
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

    // What the environment and the command line say alone: whether they name a broker.
    Settings above;
    apply_environment(above, env);
    apply_command_line(above, args.values);
    const auto off = profiles_off(args.no_profile, !args.profile.empty(), env);
    if (!off.empty()) {
        resolved.profile_note = fmt::format("profile none ({})", off);
    } else {
        apply_chosen_profile(resolved, args, env, above);
    }
    apply_environment(settings, env);
    apply_command_line(settings, args.values);
    for (const auto& text : args.channels) {
        const auto channel = parse_channel_id(text);
        if (std::find(resolved.channels.begin(), resolved.channels.end(), channel) ==
            resolved.channels.end())
            resolved.channels.push_back(channel);
    }
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
    if (!resolved.profile.empty()) {
        lines.push_back(fmt::format("profile '{}' ({}) from {}", resolved.profile,
                                    resolved.profile_reason, resolved.profile_file));
    } else {
        lines.push_back(resolved.profile_note.empty() ? std::string("profile none")
                                                      : resolved.profile_note);
    }
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
                if (!resolved.channels.empty()) {
                    std::vector<std::uint64_t> ids;
                    for (const auto channel : resolved.channels) ids.push_back(channel.value);
                    lines.push_back(fmt::format("channel {} (command line)", fmt::join(ids, ", ")));
                } else if (s.channel) {
                    line(s.channel->value);
                }
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
