// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace tsmqtt::cli {

// Parses the command line, runs the subcommand and returns the exit status of docs/cli-contract.md.
int run(int argc, char** argv);

}  // namespace tsmqtt::cli
