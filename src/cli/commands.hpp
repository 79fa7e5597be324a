// SPDX-License-Identifier: Apache-2.0
#pragma once
// One entry per subcommand: given its CLI11 subcommand, it registers the options and returns
// what runs it. run.cpp holds the table of names, aliases and summaries.
#include <CLI/CLI.hpp>
#include <functional>

namespace tsmqtt::cli {

using Runner = std::function<int()>;

// What to do first, for a user who gave no command, or no channel to publish to.
inline constexpr const char* kFirstSteps =
    "first import the device's credentials from ThingSpeak: tsmqtt profile import NAME "
    "mqtt_secrets.h -c CHANNEL";

Runner define_publish_command(CLI::App& app);
Runner define_subscribe_command(CLI::App& app);
Runner define_profile_command(CLI::App& app);
Runner define_outbox_command(CLI::App& app);
Runner define_watch_command(CLI::App& app);

}  // namespace tsmqtt::cli
