// SPDX-License-Identifier: Apache-2.0
#pragma once
// The process's real I/O behind the core's interfaces: stderr diagnostics, stdin lines,
// stdout writes, the steady clock, signals and the password prompt.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "core/settings.hpp"

namespace tsmqtt::cli {

// Set by SIGINT (2) or SIGTERM (15); the loops poll it.
std::atomic<int>& stop_signal();
void install_signal_handlers();
ExitCode exit_code_for_signal(int signal);

// An option's seconds (--interval, --timeout): 0 or more, at most a year; else exit 2.
std::chrono::milliseconds seconds_option(double seconds, const char* name);

class StderrDiagnostics final : public Diagnostics {
  public:
    StderrDiagnostics(int verbosity, bool quiet);
    ~StderrDiagnostics() override;
    void note(int level, std::string_view text) override;
    void warn(std::string_view text) override;
    void progress(std::string_view text) override;
    void summary(std::string_view text) override;
    void alarm(std::string_view text) override;
    int verbosity() const { return verbosity_; }

  private:
    void line(std::string_view text);
    void clear_progress();
    std::mutex mutex_;  // Paho's thread reports connection changes too
    int verbosity_;
    bool quiet_;
    bool terminal_;
    bool progress_shown_ = false;
};

class FdLineSource final : public LineSource {
  public:
    explicit FdLineSource(int fd) : fd_(fd) {}
    Read read_line(std::string& line, const std::atomic<int>& stop,
                   MonotonicClock::time_point deadline) override;

  private:
    int fd_;
    std::string buffer_;
    std::size_t start_ = 0;
    bool eof_ = false;
};

class SteadyClock final : public MonotonicClock {
  public:
    time_point now() const override;
    bool sleep_until(time_point when, const std::atomic<int>& stop) override;
};

class SystemCalendar final : public CalendarClock {
  public:
    time_point now() const override { return std::chrono::system_clock::now(); }
};

class FdOutput final : public Output {
  public:
    explicit FdOutput(int fd) : fd_(fd) {}
    bool write(std::string_view text) override;

  private:
    int fd_;
};

bool is_terminal(int fd);

// Every line tsmqtt writes to stderr, and dry-run output, masks the secrets registered here.
void register_secrets(const Settings& settings);
std::string redact_output(std::string_view text);
std::string read_file(const std::string& path,
                      const char* what);  // "-" = stdin; throws Error(config)
std::string read_all(int fd);
std::string prompt_password(const std::string& prompt);  // no echo; throws unless a terminal

}  // namespace tsmqtt::cli
