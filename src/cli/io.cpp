// SPDX-License-Identifier: Apache-2.0
#include "cli/io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <thread>

#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/redact.hpp"
#include "format/formatter.hpp"
#include "profile/files.hpp"

namespace tsmqtt::cli {
namespace {

std::atomic<int> g_stop{0};
Settings g_secrets;

extern "C" void on_signal(int signal) {
    g_stop.store(signal);
}

// stderr and the terminal: a failed write has nowhere to be reported.
void write_or_drop(int fd, std::string_view text) {
    [[maybe_unused]] const bool written = write_all(fd, text);
}

}  // namespace

std::atomic<int>& stop_signal() {
    return g_stop;
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

std::chrono::milliseconds seconds_option(double seconds, const char* name) {
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 86400 * 365) {
        usage_error(fmt::format("invalid {} '{}': expected a number of seconds", name, seconds));
    }
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

ExitCode exit_code_for_signal(int signal) {
    return signal == SIGTERM ? ExitCode::terminated : ExitCode::interrupted;
}

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
}

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

LineSource::Read FdLineSource::read_line(std::string& line, const std::atomic<int>& stop,
                                         MonotonicClock::time_point deadline) {
    for (;;) {
        const auto newline = buffer_.find('\n', start_);
        if (newline != std::string::npos) {
            line.assign(buffer_, start_, newline - start_);
            start_ = newline + 1;
            return Read::line;
        }
        if (eof_) {
            if (start_ >= buffer_.size()) return Read::end;
            line.assign(buffer_, start_);
            start_ = buffer_.size();
            return Read::line;
        }
        if (start_ > 0) {
            buffer_.erase(0, start_);
            start_ = 0;
        }
        if (stop.load() != 0) return Read::waiting;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd ready{fd_, POLLIN, 0};
        const auto polled =
            ::poll(&ready, 1, static_cast<int>(std::max<long long>(0, left.count())));
        if (polled < 0 && errno != EINTR)
            fail(ExitCode::failure,
                 fmt::format("cannot read standard input: {}", std::strerror(errno)));
        if (polled <= 0) {
            if (std::chrono::steady_clock::now() >= deadline) return Read::waiting;
            continue;
        }
        char chunk[65536];
        const auto n = ::read(fd_, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            fail(ExitCode::failure,
                 fmt::format("cannot read standard input: {}", std::strerror(errno)));
        }
        if (n == 0) {
            eof_ = true;
        } else {
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }
}

MonotonicClock::time_point SteadyClock::now() const {
    return std::chrono::steady_clock::now();
}

bool SteadyClock::sleep_until(time_point when, const std::atomic<int>& stop) {
    while (std::chrono::steady_clock::now() < when) {
        if (stop.load() != 0) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            when - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
    }
    return stop.load() == 0;
}

bool FdOutput::write(std::string_view text) {
    while (!text.empty()) {
        const auto n = ::write(fd_, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE) return false;
            fail(ExitCode::failure, fmt::format("cannot write output: {}", std::strerror(errno)));
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string read_all(int fd) {
    try {
        return tsmqtt::read_all(fd, "standard input", kUnbounded, g_stop);
    } catch (const Error& e) {
        if (e.code() == ExitCode::interrupted) fail(exit_code_for_signal(g_stop.load()), e.what());
        throw;
    }
}

std::string read_file(const std::string& path, const char* what) {
    if (path == "-") return read_all(STDIN_FILENO);
    // Any file: a message may come from a FIFO (`--file <(command)`).
    const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0)
        fail(ExitCode::config,
             fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno)));
    return tsmqtt::read_all(fd.get(), fmt::format("{} '{}'", what, path), kUnbounded, g_stop);
}

// Like getpass(3): the controlling terminal, not stdin (which may carry data), and echo is off
// before the prompt shows, so nothing typed after the prompt can be echoed.
std::string prompt_password(const std::string& prompt) {
    constexpr const char* kNoTerminal =
        "--ask-password needs a terminal to prompt on; use --password-file FILE (- = stdin) or "
        "TSMQTT_PASSWORD";
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail(ExitCode::config, kNoTerminal);
    termios saved{};
    if (::tcgetattr(fd, &saved) != 0) {
        ::close(fd);
        fail(ExitCode::config, kNoTerminal);
    }
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHOE | ECHOK | ECHONL);
    quiet.c_lflag |= ICANON;
    if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        ::close(fd);
        fail(ExitCode::config, kNoTerminal);
    }
    write_or_drop(fd, prompt);
    std::string password;
    bool interrupted = false;
    bool answered = false;  // a line was ended: end of input is no answer, not an empty password
    for (;;) {
        char c = 0;
        const auto n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            if (g_stop.load() != 0) {
                interrupted = true;
                break;
            }
            continue;
        }
        if (n == 1 && (c == '\n' || c == '\r')) answered = true;
        if (n != 1 || c == '\n' || c == '\r') break;
        password += c;
    }
    ::tcsetattr(fd, TCSAFLUSH, &saved);
    write_or_drop(fd, "\n");
    ::close(fd);
    if (interrupted)
        fail(exit_code_for_signal(g_stop.load()), "interrupted at the password prompt");
    if (!answered)
        fail(ExitCode::config, "--ask-password: the terminal closed before a password was entered");
    return password;
}

}  // namespace tsmqtt::cli
