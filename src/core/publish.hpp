// SPDX-License-Identifier: Apache-2.0
#pragma once
// The publish loop: messages move from the input to the outbox (the queue of accepted
// messages: in memory, or on disk with --outbox) and from there to the session, paced, and
// leave the outbox only once the broker has them (docs/cli-contract.md, "publish: no reading
// lost").
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/input_line.hpp"
#include "core/outbox.hpp"
#include "core/runtime.hpp"
#include "core/session.hpp"
#include "core/settings.hpp"

namespace tsmqtt {

// One update per 15 s: ThingSpeak's free licence, the default pacing of a channel's entries
// (docs/cli-contract.md, "Pacing").
inline constexpr std::chrono::milliseconds kThingSpeakFreeInterval{15000};

// A channel's pacing when --interval is not given: the profile's `interval`, else the above.
inline std::chrono::milliseconds default_interval(const Settings& settings) {
    return settings.interval.value_or(kThingSpeakFreeInterval);
}

struct PublishPlan {
    enum class Stream { none, entries, raw_lines };
    std::vector<OutgoingMessage> messages;  // accepted first, in order (topic and payload; the
                                            // plan's qos, retain and properties apply)
    Stream stream = Stream::none;
    std::string stream_topic;  // topic of every streamed message
    ColumnMap columns = default_columns();
    bool header_sets_columns = true;  // a CSV header row as line 1 names the columns (no --columns)
    int qos = 0;
    bool retain = false;
    MessageProperties properties;
    bool strict = false;                    // a bad input line ends the run with exit 2
    std::chrono::milliseconds interval{0};  // at least this long between messages (per channel)
    bool pace_raw = true;  // false (outbox flush): only ThingSpeak channel entries are paced

    std::string destination;               // the endpoint URI: the outbox's key
    std::optional<std::uint64_t> channel;  // ThingSpeak mode
    bool stamp = false;                    // created_at at read time (ThingSpeak stream, outbox)
    bool reconnect = true;                 // false: the first loss ends the run (exit 3)
    bool retry_first_connect = false;      // a stream keeps trying to reach the broker
    bool durable = false;                  // the outbox is on disk: what is left stays queued
    bool keep_unsent_lines = false;        // --unsent FILE
    std::chrono::milliseconds flush_timeout{60000};
};

struct PublishReport {
    std::size_t sent = 0;           // the broker has them
    std::size_t skipped = 0;        // invalid input lines
    std::size_t not_sent = 0;       // accepted, then neither sent nor kept
    std::size_t not_confirmed = 0;  // raw QoS 0 written into a connection that died
    std::size_t queued = 0;         // left in the outbox on disk for a later run
    bool interrupted = false;
    bool connection_lost = false;    // reconnect off and the connection died
    bool disconnect_failed = false;  // the end went wrong after all was sent (exit 1)
    bool refused = false;            // the outbox took no more (said on stderr)
    std::string unreachable;         // why the broker could not be reached, if it never was
    std::optional<std::chrono::seconds> last_wait;  // how long the last paced entry waited
    std::vector<std::string> unsent_lines;          // keep_unsent_lines: as read, in order
};

struct PublishIo {
    MonotonicClock& clock;
    CalendarClock& calendar;
    Diagnostics& diagnostics;
    const std::atomic<int>& stop;
    // Non-zero: a second signal came; the sending after the first one ends now, and what was
    // not sent is counted (or stays in the outbox) as at the end of --flush-timeout.
    const std::atomic<int>* hurry = nullptr;
};

// Returns the report; throws Error for a fatal problem (a bad line under strict, a refused
// login, an outbox that cannot take a message). Connects the session itself.
PublishReport run_publish(Session& session, Outbox& outbox, const PublishPlan& plan,
                          LineSource* input, PublishIo& io);

// Delivers what waits in the outbox for plan.destination (no input): `outbox flush`. While
// another process holds the destination's lease it waits (until plan.flush_timeout) for the
// lease or for that process to have delivered everything. `queued` is what still waits for
// the destination afterwards.
PublishReport deliver_outbox(Session& session, Outbox& outbox, const PublishPlan& plan,
                             PublishIo& io);

// "3 sent, 0 skipped, 0 not sent" with the optional parts docs/cli-contract.md names.
std::string summary_line(const PublishReport& report, const PublishPlan& plan);

}  // namespace tsmqtt
