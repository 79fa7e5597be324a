// SPDX-License-Identifier: Apache-2.0
#pragma once
// SIGINT and SIGTERM: a flag the loops poll, and the exit status each signal gives.
#include <atomic>

#include "core/error.hpp"

namespace tsmqtt::cli {

// Set by SIGINT (2) or SIGTERM (15), the latest; the loops poll it.
std::atomic<int>& stop_signal();
// Set (1) by a second signal: a flush the first one began ends at once (a stream's
// --flush-timeout after Ctrl-C, with the broker out of reach, is cut short by another Ctrl-C).
const std::atomic<int>& second_signal();
void install_signal_handlers();
ExitCode exit_code_for_signal(int signal);

}  // namespace tsmqtt::cli
