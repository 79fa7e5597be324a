// SPDX-License-Identifier: Apache-2.0
#pragma once
// The set-up every command that talks to a broker shares: resolve the settings (profile <
// environment < command line), register the secrets, then either describe the connection
// (--dry-run, printed) or describe it at -v, warn about --insecure, and connect.
#include <memory>

#include "cli/connection_options.hpp"
#include "cli/io.hpp"
#include "core/runtime.hpp"
#include "core/session.hpp"
#include "paho/paho_session.hpp"

namespace tsmqtt::cli {

// Step one, before the command builds its plan (a plan can need the settings, such as the
// channel, and its errors come before any connection): the resolved settings, their secrets
// registered so that no output shows them.
Resolved resolve_connection(const ConnectionArgs& args, bool stdin_taken);

struct OpenedSession {
    std::unique_ptr<Session> session;
    bool dry_run = false;  // session only prints what it would send, connected to nothing
};

// The session options of a command that publishes (publish, outbox flush): a message offered
// while the connection is down stays in the outbox, in order; each connection change is said
// on stderr (none with --no-reconnect: the loss ends the run).
SessionOptions publishing_session_options(const ConnectionArgs& args, const Resolved& resolved,
                                          Diagnostics& diagnostics);

// Whether open_session connects, or the caller does (publish retries a stream's first connect).
enum class Connect { now, by_caller };

// Step two. Under --dry-run the settings go to `out` and the session is a DryRunSession on
// `out`. Otherwise they go to -v, the --insecure alarm is given, and the session is made with
// `options` (reconnect from the arguments; stop, unless given, the signal flag) and, with
// Connect::now, connected.
OpenedSession open_session(const Resolved& resolved, const ConnectionArgs& args,
                           SessionOptions options, Output& out, Diagnostics& diagnostics,
                           Connect connect = Connect::now);

}  // namespace tsmqtt::cli
