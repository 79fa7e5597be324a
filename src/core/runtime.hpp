#pragma once
// What the publish and subscribe loops need from the outside world, as interfaces: a clock,
// a source of input lines, a place for diagnostics, and the signal that asks them to stop.
#include <atomic>
#include <chrono>
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

// The wall clock: created_at stamps and the outbox's times.
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

}  // namespace tsmqtt
