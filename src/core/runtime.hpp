// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the core needs from the outside world, as interfaces: clocks, a source of input lines,
// a place for output and one for diagnostics, the environment; and the signal that asks the
// loops to stop.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tsmqtt {

class MonotonicClock {
  public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~MonotonicClock() = default;
    virtual time_point now() const = 0;
    // Returns early (false) when stop becomes non-zero.
    virtual bool sleep_until(time_point when, const std::atomic<int>& stop) = 0;
};

// The wall clock: created_at stamps, the outbox's times, when an update was received.
class CalendarClock {
  public:
    using time_point = std::chrono::system_clock::time_point;
    virtual ~CalendarClock() = default;
    virtual time_point now() const = 0;
};

class LineSource {
  public:
    enum class Read { line, waiting, end };
    virtual ~LineSource() = default;
    // The next line without its "\n" (a last line without one counts); `waiting` when none
    // came before `deadline` or stop became non-zero; `end` at the end of input.
    virtual Read read_line(std::string& line, const std::atomic<int>& stop,
                           MonotonicClock::time_point deadline) = 0;
};

// Diagnostics on stderr: quiet silences notes, warnings of skipped input and summaries, never
// errors. Secrets never reach it.
class Diagnostics {
  public:
    virtual ~Diagnostics() = default;
    virtual void note(int level, std::string_view text) = 0;  // shown at -v (1), -vv (2), ...
    virtual void warn(std::string_view text) = 0;
    virtual void progress(std::string_view text) = 0;  // live line on a terminal only
    virtual void summary(std::string_view text) = 0;
    // What the user must always see, -q or not: the connection is not safe (--insecure).
    virtual void alarm(std::string_view text) = 0;
};

class Output {
  public:
    virtual ~Output() = default;
    // Writes and flushes; false when the reader has gone (a closed pipe).
    virtual bool write(std::string_view text) = 0;
};

// An environment variable's value, or none when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const char*)>;

}  // namespace tsmqtt
