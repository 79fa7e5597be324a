// SPDX-License-Identifier: Apache-2.0
#pragma once
// The outbox's one store: an SQLite database in WAL mode with durable commits, shared safely
// by concurrent processes (docs: man/tsmqtt.1.scd, "OUTBOX").
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "core/outbox.hpp"
#include "profile/store.hpp"

namespace tsmqtt {

inline constexpr std::size_t kDefaultOutboxMax = 100000;

// TSMQTT_OUTBOX_FILE, else $XDG_STATE_HOME/tsmqtt/outbox.db, else
// ~/.local/state/tsmqtt/outbox.db. Throws Error(config) when neither variable nor HOME is set.
std::filesystem::path outbox_file_path(const EnvLookup& env);

// Opens the store, creating it (0600, its folder 0700) when missing. Throws Error(config),
// naming the file, for a corrupt, unreadable, read-only or long-locked store or a folder,
// FIFO or device in its place; the file is then left exactly as it was. append() refuses
// (ExitCode::failure) what would make more than `max_messages` wait.
std::unique_ptr<Outbox> open_sqlite_outbox(const std::string& path, std::size_t max_messages);

}  // namespace tsmqtt
