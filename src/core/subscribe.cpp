// SPDX-License-Identifier: Apache-2.0
#include "core/subscribe.hpp"

#include <fmt/format.h>

#include <set>

#include "core/connection_watch.hpp"
#include "core/error.hpp"
#include "core/quote.hpp"
#include "core/redact.hpp"
#include "core/thingspeak.hpp"

namespace tsmqtt {
namespace {

// --remove-retained: an empty retained message on the topic clears it. The broker also hands
// that message to this subscriber, as a live empty one: `cleared` remembers it, to be skipped.
void clear_retained(Session& session, const std::string& topic, std::set<std::string>& cleared,
                    Diagnostics& diagnostics) {
    if (!session.publish(OutgoingMessage(topic, "", 0, true))) {
        diagnostics.warn(fmt::format("could not clear the retained message on '{}': not connected",
                                     bounded(topic)));
        return;
    }
    cleared.insert(topic);
}

}  // namespace

Update to_update(const IncomingMessage& message, bool raw,
                 std::chrono::system_clock::time_point received_at) {
    if (!raw) {
        const auto meaning = classify_subscribe_topic(message.topic);
        if (meaning.kind == TopicMeaning::Kind::channel_feed) {
            ChannelUpdate update{message.topic, parse_feed_entry(message.payload), received_at};
            if (!update.entry.channel_id) update.entry.channel_id = meaning.channel.value;
            return update;
        }
        if (meaning.kind == TopicMeaning::Kind::field_feed) {
            return FieldUpdate{message.topic, meaning.channel.value, *meaning.field,
                               message.payload, received_at};
        }
        // A wildcard (fields/+) can bring in a topic that is neither; as a raw row it would sit
        // under a header of other columns.
        usage_error("the topic is neither a ThingSpeak channel feed nor a field feed");
    }
    return RawUpdate{message.topic,    message.payload, message.qos,
                     message.retained, received_at,     message.properties};
}

ExitCode run_subscribe(Session& session, const SubscribePlan& plan, UpdateSink& sink,
                       MonotonicClock& clock, const CalendarClock& wall_clock,
                       Diagnostics& diagnostics, const std::atomic<int>& stop) {
    const auto started = clock.now();
    auto deadline = MonotonicClock::time_point::max();
    if (plan.timeout &&
        *plan.timeout < std::chrono::duration_cast<std::chrono::milliseconds>(deadline - started)) {
        deadline = started + *plan.timeout;
    }
    if (!sink.on_start(plan.kind)) return ExitCode::ok;
    std::size_t written = 0;
    ConnectionWatch watch(plan.client_id);
    if (plan.count && *plan.count == 0) return ExitCode::ok;
    std::set<std::string> cleared;  // --remove-retained: topics whose clearing comes back
    while (stop.load() == 0) {
        auto event = session.next_event(deadline);
        if (!event) {
            if (clock.now() >= deadline) return ExitCode::timeout;
            continue;
        }
        switch (event->kind) {
            case SessionEvent::Kind::connection_lost:
                if (!plan.reconnect) {
                    fail(ExitCode::network,
                         fmt::format("connection lost{}{}", event->detail.empty() ? "" : ": ",
                                     event->detail));
                }
                diagnostics.warn(watch.describe(*event, clock.now()));
                sink.on_connection(ConnectionState::lost);
                continue;
            case SessionEvent::Kind::reconnected: {
                const auto line = watch.describe(*event, clock.now());
                try {
                    session.subscribe(plan.filters, plan.qos);
                } catch (const Error& e) {
                    // Lost again before the broker answered: the session reports that loss and
                    // reconnects, and the subscriptions are made on that reconnect instead.
                    if (e.code() != ExitCode::network) throw;
                    diagnostics.warn(fmt::format("{}, but {}", line, e.what()));
                    continue;
                }
                diagnostics.warn(line + " and subscribed again");
                sink.on_connection(ConnectionState::back);
                continue;
            }
            case SessionEvent::Kind::message:
                break;
        }
        const auto& message = event->message;
        const auto size = message.dropped_size != 0 ? message.dropped_size : message.payload.size();
        if (size > plan.max_size) {
            diagnostics.warn(
                fmt::format("skipped a message of {} bytes on '{}': larger than "
                            "--max-size {}",
                            size, bounded(message.topic), plan.max_size));
            continue;
        }
        if (plan.remove_retained) {
            if (message.retained) {
                clear_retained(session, message.topic, cleared, diagnostics);
            } else if (message.payload.empty() && cleared.erase(message.topic) > 0 &&
                       !plan.retained_only) {
                continue;
            }
        }
        if (plan.retained_only && !message.retained) return ExitCode::ok;
        if (plan.no_retained && message.retained) continue;
        Update update;
        try {
            update = to_update(event->message, plan.raw, wall_clock.now());
        } catch (const Error& e) {
            diagnostics.warn(fmt::format("skipped a malformed message on '{}': {}",
                                         bounded(message.topic), bounded(e.what())));
            continue;
        }
        if (!plan.topic_secret.empty()) {
            std::visit([&](auto& u) { u.topic = redact_secret(u.topic, plan.topic_secret); },
                       update);
        }
        if (!sink.on_update(update)) return ExitCode::ok;
        ++written;
        if (plan.count && written >= *plan.count) return ExitCode::ok;
    }
    return ExitCode::ok;
}

}  // namespace tsmqtt
