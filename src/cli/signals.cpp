// SPDX-License-Identifier: Apache-2.0
#include "cli/signals.hpp"

#include <csignal>

namespace tsmqtt::cli {
namespace {

std::atomic<int> g_stop{0};
std::atomic<int> g_hurry{0};

extern "C" void on_signal(int signal) {
    if (g_stop.load() != 0) g_hurry.store(1);
    g_stop.store(signal);
}

}  // namespace

std::atomic<int>& stop_signal() {
    return g_stop;
}

const std::atomic<int>& second_signal() {
    return g_hurry;
}

void install_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR and sees the flag
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe shows up as EPIPE from write()
}

ExitCode exit_code_for_signal(int signal) {
    return signal == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
}

}  // namespace tsmqtt::cli
