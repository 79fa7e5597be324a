// SPDX-License-Identifier: Apache-2.0
#pragma once
// The options that name and bound the outbox, shared by `publish --outbox` and every
// `outbox` command, and opening the store they name.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "core/outbox.hpp"

namespace tsmqtt::cli {

struct OutboxArgs {
    std::string file;              // "" = TSMQTT_OUTBOX_FILE, else the state folder's outbox.db
    std::size_t max_messages = 0;  // 0 = the default bound
};

void add_outbox_file_option(CLI::App& app, OutboxArgs& args);
void add_outbox_max_option(CLI::App& app, OutboxArgs& args);

std::unique_ptr<Outbox> open_outbox(const OutboxArgs& args);

}  // namespace tsmqtt::cli
