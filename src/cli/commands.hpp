#pragma once
// One entry per subcommand: it registers its options and returns what runs it.
#include <functional>

#include <CLI/CLI.hpp>

namespace tsmqtt::cli {

using Runner = std::function<int()>;

Runner set_publish_command(CLI::App& root);
Runner set_subscribe_command(CLI::App& root);
Runner set_profile_command(CLI::App& root);

}  // namespace tsmqtt::cli
