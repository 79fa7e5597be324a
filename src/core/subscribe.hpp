// SPDX-License-Identifier: Apache-2.0
#pragma once
// The subscribe loop: classify each message, hand it to a sink at once, stay connected.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/runtime.hpp"
#include "core/session.hpp"
#include "core/update.hpp"

namespace tsmqtt {

// --max-size's default: larger than any ThingSpeak message by far, small enough that a stray
// huge message cannot take the memory of a small device.
inline constexpr std::size_t kDefaultMaxMessageSize = 16u << 20;

struct SubscribePlan {
    std::vector<std::string> filters;
    int qos = 0;
    bool raw = false;                       // --topic: every message is a RawUpdate
    UpdateKind kind = UpdateKind::channel;  // for the CSV header
    std::optional<std::size_t> count;
    std::optional<std::chrono::milliseconds> timeout;
    bool reconnect = true;
    std::string client_id;     // named when the connection keeps dropping (a takeover)
    std::string topic_secret;  // legacy read key: masked in the topics handed on
    std::size_t max_size = kDefaultMaxMessageSize;  // --max-size: a larger message is skipped
    bool retained_only = false;    // print retained messages only; the first live one ends the run
    bool no_retained = false;      // skip retained messages
    bool remove_retained = false;  // clear each retained message received
};

// Subscribes to the plan's filters at its QoS; where the broker granted less, says so once per
// filter (messages then come at most at the granted QoS). A refusal throws, as subscribe() does.
void subscribe_to(Session& session, const SubscribePlan& plan, Diagnostics& diagnostics);

// Returns the exit status: ok after --count updates, a sink that has gone (a closed pipe) or a
// signal's stop (the caller maps the signal); timeout when --timeout elapsed first. Throws
// Error(network) when the connection is lost and reconnecting is off. `clock` measures the
// timeout and the connection's ups and downs; `wall_clock` stamps each update's received_at.
ExitCode run_subscribe(Session& session, const SubscribePlan& plan, UpdateSink& sink,
                       MonotonicClock& clock, const CalendarClock& wall_clock,
                       Diagnostics& diagnostics, const std::atomic<int>& stop);

// Classifies one message as ThingSpeak would send it (or raw); throws Error(usage) with the
// reason for a malformed channel-feed message, or for a topic that is neither feed when not raw.
Update to_update(const IncomingMessage& message, bool raw,
                 std::chrono::system_clock::time_point received_at);

}  // namespace tsmqtt
