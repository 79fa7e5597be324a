// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>
#include <unistd.h>

#include <memory>

#include "cli/commands.hpp"
#include "cli/connection_options.hpp"
#include "cli/io.hpp"
#include "core/error.hpp"
#include "core/redact.hpp"
#include "core/settings.hpp"
#include "profile/credentials.hpp"
#include "profile/files.hpp"
#include "profile/store.hpp"

namespace tsmqtt::cli {
namespace {

struct ProfileArgs {
    std::string name;
    std::string file;
    std::vector<std::pair<std::string, std::string>> values;
    std::string channel;
    std::string write_key;
    std::string read_key;
    std::vector<std::string> labels;
    std::string interval;
    bool outbox = false;
    std::string password_file;
    bool ask_password = false;
    bool make_default = false;
};

ProfileStore load_store() {
    return ProfileStore::load(profile_file_path(process_env()));
}

void say(std::string_view text) {
    StderrDiagnostics(0, false).warn(text);
}

// Checks every value as a connection would, so a profile never stores something unusable.
Profile build_profile(const ProfileArgs& args,
                      std::vector<std::pair<std::string, std::string>> values) {
    if (!args.channel.empty()) values.emplace_back("channel", args.channel);
    if (!args.write_key.empty()) values.emplace_back("write-key", args.write_key);
    if (!args.read_key.empty()) values.emplace_back("read-key", args.read_key);
    if (!args.interval.empty()) values.emplace_back("interval", args.interval);
    if (args.outbox) values.emplace_back("outbox", "true");
    if (!args.password_file.empty() && args.ask_password) {
        usage_error("--password-file and --ask-password both give the password; choose one");
    }
    if (args.password_file == "-" && args.file == "-") {
        usage_error(
            "the credentials file and --password-file both want standard input; give one of them a "
            "file");
    }
    if (!args.password_file.empty())
        values.emplace_back("password", read_password_file(args.password_file, stop_signal()));
    if (args.ask_password) values.emplace_back("password", prompt_password("Password: "));
    Settings check;
    Profile profile;
    profile.name = args.name;
    for (auto& [key, value] : values) {
        apply_setting(check, key, value, Origin::profile, "profile");
        // A later value for the same key replaces the earlier one.
        std::erase_if(profile.values, [&key = key](const auto& kv) { return kv.first == key; });
        profile.values.emplace_back(key, value);
    }
    for (const auto& label : args.labels)
        apply_setting(check, "label", label, Origin::profile, "profile");
    profile.labels = check.labels;
    return profile;
}

void save_profile(const ProfileArgs& args, Profile profile) {
    validate_profile_name(args.name);
    const auto path = profile_file_path(process_env());
    bool first = false;
    ProfileStore::update(path, [&](ProfileStore& store) {
        first = store.profiles().empty();
        store.put(std::move(profile));
        if (args.make_default || first) store.set_default(args.name);
    });
    say(fmt::format("saved profile '{}' in {}{}", args.name, path.string(),
                    args.make_default || first ? " (default)" : ""));
}

void add_profile_value_options(CLI::App& app, ProfileArgs& args) {
    add_setting_options(app, args.values);
    app.add_option("-c,--channel", args.channel, "Default ThingSpeak channel ID");
    app.add_option("--write-key", args.write_key, "Legacy broker: Write API key");
    app.add_option("--read-key", args.read_key, "Legacy broker: Read API key");
    app.add_option("--label", args.labels, "Field label N=NAME (repeatable)")
        ->allow_extra_args(false);
    app.add_option("--interval", args.interval,
                   "publish: at least SECS between a channel's entries (default 15; 0: no pacing)")
        ->type_name("SECS");
    app.add_flag("--outbox", args.outbox,
                 "publish: keep every message on disk until the broker has it (--outbox)");
    app.add_option("--password-file", args.password_file,
                   "Read the password from FILE (- = stdin)");
    app.add_flag("--ask-password", args.ask_password, "Prompt for the password without echo");
    app.add_flag("--default", args.make_default, "Make this the default profile");
}

int list_profiles() {
    const auto store = load_store();
    FdOutput out(STDOUT_FILENO);
    for (const auto& profile : store.profiles()) {
        const bool is_default = store.default_name() == profile.name;
        out.write(fmt::format("{}{}\n", profile.name, is_default ? "  (default)" : ""));
    }
    return 0;
}

int show_profile(const std::string& name) {
    const auto store = load_store();
    const auto* profile = store.find(name);
    if (profile == nullptr)
        fail(ExitCode::config,
             fmt::format("unknown profile '{}' (see: tsmqtt profile list)", name));
    FdOutput out(STDOUT_FILENO);
    out.write(
        fmt::format("[{}]{}\n", profile->name, store.default_name() == name ? "  (default)" : ""));
    for (const auto& [key, value] : profile->values) {
        const auto* info = find_setting(key);
        const bool secret = info != nullptr && info->secret;
        out.write(
            fmt::format("{} = {}\n", key, secret ? mask_secret(value) : mask_url_userinfo(value)));
    }
    for (const auto& [field, label] : profile->labels)
        out.write(fmt::format("label {} = {}\n", field, label));
    return 0;
}

}  // namespace

Runner define_profile_command(CLI::App& command) {
    auto args = std::make_shared<ProfileArgs>();
    auto* app = &command;
    app->require_subcommand(1);

    auto* list = app->add_subcommand("list", "List the saved profiles");
    auto* show = app->add_subcommand("show", "Show a profile, secrets masked");
    show->add_option("name", args->name, "Profile name")->required();
    auto* add = app->add_subcommand("add", "Add or replace a profile");
    add->add_option("name", args->name, "Profile name")->required();
    add_profile_value_options(*add, *args);
    auto* import = app->add_subcommand(
        "import",
        "Add a profile from ThingSpeak device credentials (mqtt_secrets.h or plain text)");
    import->add_option("name", args->name, "Profile name")->required();
    import->add_option("file", args->file, "Credentials file (- = stdin)")->required();
    add_profile_value_options(*import, *args);
    auto* remove = app->add_subcommand("remove", "Remove a profile");
    remove->add_option("name", args->name, "Profile name")->required();
    auto* make_default = app->add_subcommand("default", "Make a profile the default");
    make_default->add_option("name", args->name, "Profile name")->required();

    return [=]() -> int {
        if (list->parsed()) return list_profiles();
        if (show->parsed()) return show_profile(args->name);
        if (add->parsed()) {
            save_profile(*args, build_profile(*args, args->values));
            return 0;
        }
        if (import->parsed()) {
            const auto text = read_file(args->file, "credentials file");
            DeviceCredentials credentials;
            try {
                credentials = parse_device_credentials(text);
            } catch (const Error& e) {
                fail(ExitCode::config, fmt::format("{}: {}", args->file, e.what()));
            }
            std::vector<std::pair<std::string, std::string>> values{
                {"username", credentials.username},
                {"client-id", credentials.client_id},
                {"password", credentials.password},
            };
            values.insert(values.end(), args->values.begin(), args->values.end());
            save_profile(*args, build_profile(*args, values));
            return 0;
        }
        const auto path = profile_file_path(process_env());
        if (remove->parsed()) {
            ProfileStore::update(path, [&](ProfileStore& store) {
                if (!store.remove(args->name))
                    fail(ExitCode::config, fmt::format("unknown profile '{}'", args->name));
            });
            say(fmt::format("removed profile '{}'", args->name));
            return 0;
        }
        ProfileStore::update(path, [&](ProfileStore& store) { store.set_default(args->name); });
        say(fmt::format("'{}' is now the default profile", args->name));
        return 0;
    };
}

}  // namespace tsmqtt::cli
