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
    std::string profile;
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
};

// Applies profile, environment and command line; reads --password-file; prompts.
// `stdin_taken` refuses --password-file - when stdin carries the data. Without --profile or
// TSMQTT_PROFILE, a profile file that cannot be located (no HOME) just means no profile.
Resolved resolve_settings(const ConnectionArgs& args, bool stdin_taken);

// The loud warning --insecure owes the user on a TLS connection ("" when none is due).
std::string insecure_warning(const Settings& settings);

// "-v" lines: each setting with its value (secrets masked) and where it came from.
std::vector<std::string> describe_settings(const Resolved& resolved);

}  // namespace tsmqtt::cli
