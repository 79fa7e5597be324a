// SPDX-License-Identifier: Apache-2.0
#include "cli/io.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.hpp"
#include "profile/files.hpp"

namespace tsmqtt::cli {
// stderr and the terminal: a failed write has nowhere to be reported.
void write_or_drop(int fd, std::string_view text) {
    [[maybe_unused]] const bool written = write_all(fd, text);
}

bool is_terminal(int fd) {
    return ::isatty(fd) == 1;
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

namespace {

// To the end of `fd`; a signal meanwhile ends the run with that signal's own status (130, 143).
std::string read_to_end(int fd, const std::string& what, ExitCode read_error) {
    try {
        return tsmqtt::read_all(fd, what, kUnbounded, stop_signal(), read_error);
    } catch (const Error& e) {
        if (e.code() == ExitCode::interrupted)
            fail(exit_code_for_signal(stop_signal().load()), e.what());
        throw;
    }
}

}  // namespace

// A read error of standard input is a run-time failure (1), as under --stdin; of a named file,
// a file that cannot be read (7).
std::string read_all(int fd) {
    return read_to_end(fd, "standard input", ExitCode::failure);
}

std::string read_file(const std::string& path, const char* what) {
    if (path == "-") return read_all(STDIN_FILENO);
    // Any file: a message may come from a FIFO (`--file <(command)`).
    const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0 && errno == EINTR && stop_signal().load() != 0)  // a FIFO with no writer
        fail(exit_code_for_signal(stop_signal().load()), "interrupted");
    if (fd.get() < 0)
        fail(ExitCode::config,
             fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno)));
    return read_to_end(fd.get(), fmt::format("{} '{}'", what, path), ExitCode::config);
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
            if (stop_signal().load() != 0) {
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
        fail(exit_code_for_signal(stop_signal().load()), "interrupted at the password prompt");
    if (!answered)
        fail(ExitCode::config, "--ask-password: the terminal closed before a password was entered");
    return password;
}

}  // namespace tsmqtt::cli
