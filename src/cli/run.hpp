#pragma once

namespace tsmqtt::cli {

// Parses the command line, runs the subcommand and returns the exit status of CLI.md.
int run(int argc, char** argv);

}  // namespace tsmqtt::cli
