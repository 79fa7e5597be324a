// SPDX-License-Identifier: Apache-2.0
#pragma once
// The connection options shared by publish and subscribe, and how the final settings are
// resolved: command line > environment > profile > built-in default.
#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli/io.hpp"
#include "core/settings.hpp"

namespace tsmqtt::cli {

struct ConnectionArgs {
    std::vector<std::pair<std::string, std::string>> values;  // setting key -> value, in order
    std::string profile;      // --profile NAME (never empty: '' is refused)
    bool no_profile = false;  // --no-profile
    // The repeatable -c of subscribe and watch, which is not the channel setting (that holds
    // one): only for the -v report, which names the channels in force.
    std::vector<std::string> channels;
    std::string password_file;
    bool ask_password = false;
    bool dry_run = false;
    bool no_reconnect = false;
    int verbosity = 0;
    bool quiet = false;
};

// Adds every connection option of docs/cli-contract.md to a subcommand (and -v/-q, --dry-run).
void add_connection_options(CLI::App& app, ConnectionArgs& args);
// Adds the options a profile can store (for `profile add`): no --profile, no diagnostics.
void add_setting_options(CLI::App& app, std::vector<std::pair<std::string, std::string>>& values);

struct Resolved {
    Settings settings;
    std::string client_id;       // settings.client_id or a fresh tsmqtt-<random>
    std::string profile;         // the profile applied, if any
    std::string profile_reason;  // why: "--profile", "TSMQTT_PROFILE" or "default"
    std::string profile_file;
    // When no profile is applied, why, for -v: "profile none (--no-profile)", "profile 'home'
    // not used: it is for mqtt3.thingspeak.com, not 127.0.0.1".
    std::string profile_note;
    bool profile_named_unused = false;  // --profile or TSMQTT_PROFILE named it, and it is not used
    std::vector<ChannelId> channels;    // from ConnectionArgs::channels, each once
};

// Applies profile, environment and command line; reads --password-file; prompts.
// `stdin_taken` refuses --password-file - when stdin carries the data. Without --profile or
// TSMQTT_PROFILE, a profile file that cannot be located (no HOME) just means no profile. With
// --no-profile or TSMQTT_NO_PROFILE=1 the profile file is not read; a profile for another host
// than the environment or the command line names is read but not applied (profile_not_used).
Resolved resolve_settings(const ConnectionArgs& args, bool stdin_taken);

// The loud warning --insecure owes the user on a TLS connection ("" when none is due).
std::string insecure_warning(const Settings& settings);

// "-v" lines: each setting with its value (secrets masked) and where it came from.
std::vector<std::string> describe_settings(const Resolved& resolved);

}  // namespace tsmqtt::cli
