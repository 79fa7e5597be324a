#pragma once
// The publish loop: one-shot messages and line streams, paced, with nothing dropped.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "core/input_line.hpp"
#include "core/runtime.hpp"
#include "core/session.hpp"

namespace tsmqtt {

struct PublishPlan {
    enum class Stream { none, entries, raw_lines };
    std::vector<OutgoingMessage> messages;  // sent first, in order (topic and payload; the
                                            // plan's qos, retain and properties apply)
    Stream stream = Stream::none;
    std::string stream_topic;  // topic of every streamed message
    ColumnMap columns = default_columns();
    bool header_sets_columns = true;  // a CSV header row as line 1 names the columns (no --columns)
    int qos = 0;
    bool retain = false;
    MessageProperties properties;
    bool strict = false;                    // a bad input line ends the run with exit 2
    std::chrono::milliseconds interval{0};  // at least this long between messages
};

struct PublishReport {
    std::size_t sent = 0;
    std::size_t skipped = 0;
    std::size_t undelivered = 0;  // the caller adds what its final flush could not deliver
    bool interrupted = false;
};

// Returns the report; throws Error for a fatal problem (a bad line under strict, a session
// error). Lines are parsed as they arrive and published at once (or when the interval allows).
PublishReport run_publish(Session& session, const PublishPlan& plan, LineSource* input,
                          MonotonicClock& clock, Diagnostics& diagnostics,
                          const std::atomic<int>& stop);

}  // namespace tsmqtt
