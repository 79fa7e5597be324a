// SPDX-License-Identifier: Apache-2.0
#include "cli/diagnostics.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "cli/io.hpp"
#include "core/quote.hpp"
#include "core/redact.hpp"
#include "format/formatter.hpp"

namespace tsmqtt::cli {
namespace {

Settings g_secrets;

}  // namespace

void register_secrets(const Settings& settings) {
    if (settings.password) g_secrets.password = settings.password;
    if (!settings.write_key.empty()) g_secrets.write_key = settings.write_key;
    if (!settings.read_key.empty()) g_secrets.read_key = settings.read_key;
}

std::string redact_output(std::string_view text) {
    return redact(text, g_secrets);
}

StderrDiagnostics::StderrDiagnostics(int verbosity, bool quiet)
    : verbosity_(quiet ? 0 : verbosity), quiet_(quiet), terminal_(is_terminal(STDERR_FILENO)) {}

StderrDiagnostics::~StderrDiagnostics() {
    std::lock_guard lock(mutex_);
    clear_progress();
}

void StderrDiagnostics::line(std::string_view text) {
    std::lock_guard lock(mutex_);
    clear_progress();
    // Diagnostics can quote what came from the network: never raw, even in a log that is
    // read on a terminal later. This is the one place that escapes them. Redacted before it is
    // cut: a cut could leave part of a secret that redaction no longer knows.
    auto safe = escape_for_terminal(bounded(redact_output(text), kMaxDiagnosticBytes));
    safe.insert(0, "tsmqtt: ");
    safe += '\n';
    write_or_drop(STDERR_FILENO, safe);
}

void StderrDiagnostics::clear_progress() {
    if (progress_shown_) {
        write_or_drop(STDERR_FILENO, "\r\033[K");
        progress_shown_ = false;
    }
}

void StderrDiagnostics::note(int level, std::string_view text) {
    if (!quiet_ && verbosity_ >= level) line(text);
}

void StderrDiagnostics::warn(std::string_view text) {
    if (!quiet_) line(text);
}

void StderrDiagnostics::progress(std::string_view text) {
    if (quiet_ || !terminal_) return;
    std::lock_guard lock(mutex_);
    write_or_drop(STDERR_FILENO, fmt::format("\r\033[K{}", text));
    progress_shown_ = true;
}

void StderrDiagnostics::summary(std::string_view text) {
    if (!quiet_) line(text);
}

void StderrDiagnostics::alarm(std::string_view text) {
    line(text);
}

}  // namespace tsmqtt::cli
