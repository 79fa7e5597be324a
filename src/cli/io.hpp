// SPDX-License-Identifier: Apache-2.0
#pragma once
// The process's real I/O behind the core's interfaces: stdin lines, stdout writes, files and
// the password prompt. The rest of the process's side is by job in signals.hpp, diagnostics.hpp
// and clock.hpp, included here for the commands, which want all of it.
#include <atomic>
#include <string>

#include "cli/clock.hpp"
#include "cli/diagnostics.hpp"
#include "cli/signals.hpp"
#include "core/error.hpp"
#include "core/runtime.hpp"

namespace tsmqtt::cli {

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

class FdOutput final : public Output {
  public:
    explicit FdOutput(int fd) : fd_(fd) {}
    bool write(std::string_view text) override;

  private:
    int fd_;
};

bool is_terminal(int fd);
// stderr and the terminal: a failed write has nowhere to be reported.
void write_or_drop(int fd, std::string_view text);

std::string read_file(const std::string& path,
                      const char* what);  // "-" = stdin; throws Error(config)
std::string read_all(int fd);
std::string prompt_password(const std::string& prompt);  // no echo; throws unless a terminal

}  // namespace tsmqtt::cli
