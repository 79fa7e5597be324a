// SPDX-License-Identifier: Apache-2.0
#include "cli/session_setup.hpp"

#include <chrono>

#include "cli/dry_run.hpp"
#include "core/connection_watch.hpp"

namespace tsmqtt::cli {

Resolved resolve_connection(const ConnectionArgs& args, bool stdin_taken) {
    auto resolved = resolve_settings(args, stdin_taken);
    register_secrets(resolved.settings);
    return resolved;
}

SessionOptions publishing_session_options(const ConnectionArgs& args, const Resolved& resolved,
                                          Diagnostics& diagnostics) {
    SessionOptions options;
    options.send_while_disconnected = false;
    if (!args.no_reconnect) {
        auto watch = std::make_shared<ConnectionWatch>(resolved.client_id);
        options.on_connection_change = [&diagnostics, watch](const SessionEvent& event) {
            diagnostics.warn(watch->describe(event, std::chrono::steady_clock::now()));
        };
    }
    return options;
}

OpenedSession open_session(const Resolved& resolved, const ConnectionArgs& args,
                           SessionOptions options, Output& out, Diagnostics& diagnostics,
                           Connect connect) {
    OpenedSession opened;
    if (args.dry_run) {
        for (const auto& line : describe_settings(resolved)) out.write(redact_output(line) + "\n");
        opened.session = std::make_unique<DryRunSession>(out);
        opened.dry_run = true;
        return opened;
    }
    // A profile asked for by name and left out deserves a word even without -v.
    if (resolved.profile_named_unused && args.verbosity < 1)
        diagnostics.warn(resolved.profile_note);
    for (const auto& line : describe_settings(resolved)) diagnostics.note(1, line);
    if (const auto warning = insecure_warning(resolved.settings); !warning.empty())
        diagnostics.alarm(warning);
    options.reconnect = !args.no_reconnect;
    if (options.stop == nullptr) options.stop = &stop_signal();
    // -vv: each packet, through the diagnostics, which mask secrets and escape network text.
    if (args.verbosity >= 2 && !args.quiet)
        options.packet_log = [&diagnostics](std::string_view line) { diagnostics.note(2, line); };
    opened.session = make_paho_session(resolved.settings, resolved.client_id, options);
    if (connect == Connect::now) {
        opened.session->connect();
        diagnostics.note(1, "connected");
    }
    return opened;
}

}  // namespace tsmqtt::cli
