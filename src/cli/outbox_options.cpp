// SPDX-License-Identifier: Apache-2.0
#include "cli/outbox_options.hpp"

#include "outbox/sqlite_outbox.hpp"
#include "profile/store.hpp"

namespace tsmqtt::cli {

void add_outbox_file_option(CLI::App& app, OutboxArgs& args) {
    app.add_option("--outbox-file", args.file,
                   "The outbox database (env TSMQTT_OUTBOX_FILE; default "
                   "$XDG_STATE_HOME/tsmqtt/outbox.db)")
        ->type_name("FILE");
}

void add_outbox_max_option(CLI::App& app, OutboxArgs& args) {
    app.add_option("--outbox-max", args.max_messages,
                   "At most N messages wait in the outbox; more are refused (default 100000)")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
}

std::unique_ptr<Outbox> open_outbox(const OutboxArgs& args) {
    const auto file = args.file.empty() ? outbox_file_path(process_env()).string() : args.file;
    return open_sqlite_outbox(file, args.max_messages == 0 ? kDefaultOutboxMax : args.max_messages);
}

}  // namespace tsmqtt::cli
