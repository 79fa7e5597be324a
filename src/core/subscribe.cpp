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

// --remove-retained: an empty retained message on a topic clears it. The broker hands that
// message to this subscriber too, as a live empty one (not under --no-local): `echoes_` holds
// the topics, so that each echo is skipped. A clearing is QoS 0 and may still be on its way
// when the run ends: settle() waits until the broker has each one (Session::take_deliveries),
// or the connection would be closed under them and some retained messages would survive.
class Clearings {
  public:
    void clear(Session& session, const std::string& topic, Diagnostics& diagnostics) {
        const auto id = session.publish(OutgoingMessage(topic, "", 0, true));
        if (!id) {
            diagnostics.warn(fmt::format(
                "could not clear the retained message on '{}': not connected", bounded(topic)));
            ++missed_;
            return;
        }
        echoes_.insert(topic);
        unconfirmed_.insert(*id);
    }

    // True for the broker's echo of a clearing this run sent (once per clearing).
    bool take_echo(const IncomingMessage& message) {
        return !message.retained && message.payload.empty() && echoes_.erase(message.topic) > 0;
    }

    // Waits until `until` for the broker to confirm every clearing. Returns how many it did not:
    // lost with a connection, or still unconfirmed at `until`, or never sent.
    std::size_t settle(Session& session, MonotonicClock::time_point until) {
        while (!unconfirmed_.empty()) {
            const auto news = session.take_deliveries(until);
            if (news.confirmed.empty() && news.lost.empty() && news.connection_losses == 0) break;
            for (const auto id : news.confirmed) unconfirmed_.erase(id);
            for (const auto id : news.lost) missed_ += unconfirmed_.erase(id);
        }
        return missed_ + std::exchange(unconfirmed_, {}).size();
    }

  private:
    std::set<std::string> echoes_;
    std::set<std::uint64_t> unconfirmed_;
    std::size_t missed_ = 0;
};

// When --timeout ends a run that started at `started` (never: time_point::max()).
MonotonicClock::time_point run_deadline(const SubscribePlan& plan,
                                        MonotonicClock::time_point started) {
    const auto never = MonotonicClock::time_point::max();
    if (plan.timeout &&
        *plan.timeout < std::chrono::duration_cast<std::chrono::milliseconds>(never - started)) {
        return started + *plan.timeout;
    }
    return never;
}

// How long the end of a run waits for the broker to confirm the clearings still on their way.
constexpr std::chrono::seconds kClearingGrace{10};

ExitCode subscribe_loop(Session& session, const SubscribePlan& plan, UpdateSink& sink,
                        MonotonicClock& clock, const CalendarClock& wall_clock,
                        Diagnostics& diagnostics, const std::atomic<int>& stop,
                        MonotonicClock::time_point deadline, Clearings& clearings);

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

void subscribe_to(Session& session, const SubscribePlan& plan, Diagnostics& diagnostics) {
    const auto granted = session.subscribe(plan.filters, plan.qos);
    for (std::size_t i = 0; i < granted.size() && i < plan.filters.size(); ++i) {
        if (granted[i] >= plan.qos) continue;
        diagnostics.warn(fmt::format("the broker granted QoS {} on '{}', not the {} asked for",
                                     granted[i], bounded(plan.filters[i]), plan.qos));
    }
}

ExitCode run_subscribe(Session& session, const SubscribePlan& plan, UpdateSink& sink,
                       MonotonicClock& clock, const CalendarClock& wall_clock,
                       Diagnostics& diagnostics, const std::atomic<int>& stop) {
    const auto deadline = run_deadline(plan, clock.now());
    Clearings clearings;
    const auto code = subscribe_loop(session, plan, sink, clock, wall_clock, diagnostics, stop,
                                     deadline, clearings);
    if (!plan.remove_retained) return code;
    // Within what is left of --timeout, else kClearingGrace. A signal, or --timeout elapsed,
    // ends the run now: only what is already known is counted.
    const auto now = clock.now();
    auto until = std::min(now + kClearingGrace, deadline);
    if (stop.load() != 0 || code == ExitCode::timeout) until = now;
    const auto missed = clearings.settle(session, until);
    if (missed == 0) return code;
    const auto line = fmt::format(
        "{} retained {} may not have been cleared: the broker did not "
        "confirm the clearing",
        missed, missed == 1 ? "message" : "messages");
    if (code == ExitCode::ok) fail(ExitCode::failure, line);
    diagnostics.warn(line);
    return code;
}

namespace {

ExitCode subscribe_loop(Session& session, const SubscribePlan& plan, UpdateSink& sink,
                        MonotonicClock& clock, const CalendarClock& wall_clock,
                        Diagnostics& diagnostics, const std::atomic<int>& stop,
                        MonotonicClock::time_point deadline, Clearings& clearings) {
    if (!sink.on_start(plan.kind)) return ExitCode::ok;
    std::size_t written = 0;
    ConnectionWatch watch(plan.client_id);
    if (plan.count && *plan.count == 0) return ExitCode::ok;
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
                clearings.clear(session, message.topic, diagnostics);
            } else if (clearings.take_echo(message) && !plan.retained_only) {
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

}  // namespace
}  // namespace tsmqtt
