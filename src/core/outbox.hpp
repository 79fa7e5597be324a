// SPDX-License-Identifier: Apache-2.0
#pragma once
// The outbox: a durable queue of accepted messages, kept until the broker has them. The core
// sees only this interface; the SQLite store implements it (src/outbox/), unit tests use a
// fake. Every method may throw Error: ExitCode::failure when a message cannot be taken (full,
// disk full, read-only), ExitCode::config for a corrupt, unreadable or long-locked store.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/session.hpp"

namespace tsmqtt {

using WallClock = std::chrono::system_clock;

// Where a message goes, without secrets: the endpoint URI ("ssl://mqtt3.thingspeak.com:8883",
// "wss://host:443/mqtt"). Messages of one destination leave in the order they were accepted.
struct OutboxMessage {
    std::int64_t id = 0;  // assigned by append(), increasing in acceptance order
    std::string destination;
    OutgoingMessage message;
    std::optional<std::uint64_t> channel;  // ThingSpeak mode: paced per channel
    std::string created_at;                // ThingSpeak mode: the stamp in the payload, if any
    WallClock::time_point accepted_at{};
};

struct OutboxCount {
    std::string destination;
    std::optional<std::uint64_t> channel;
    std::size_t waiting = 0;
    WallClock::time_point oldest{};
};

struct OutboxStatus {
    std::string file;
    std::size_t waiting = 0;
    std::vector<OutboxCount> per_destination;  // one row per destination and channel
    std::uint64_t size_bytes = 0;
};

// How long something has waited, as people say it: "40 s", "12 min", "3 h", "2 d".
std::string describe_age(std::chrono::seconds age);
// "12 waiting, oldest 3 h" ("0 waiting" when empty).
std::string describe_waiting(const OutboxStatus& status, WallClock::time_point now);

class Outbox {
  public:
    virtual ~Outbox() = default;

    // Accepts the messages in one durable commit (all or none); returns them with their ids.
    virtual std::vector<OutboxMessage> append(std::vector<OutboxMessage> messages) = 0;

    // Takes the right to deliver `destination`'s messages: at most one process holds it at a
    // time, so each message is delivered by one process and in order. Returns false when
    // another live process holds it. A holder that died (kill -9) loses it after `lease`.
    virtual bool acquire(const std::string& destination, std::chrono::seconds lease) = 0;
    // Extends the lease; false when another process has taken it meanwhile (it had expired):
    // then this one must stop delivering, or a message would go twice.
    virtual bool renew(const std::string& destination, std::chrono::seconds lease) = 0;
    virtual void release(const std::string& destination) = 0;

    // The oldest waiting messages of a destination (held by this process) with an id above
    // `after`, at most `limit`: a deliverer asks for more while earlier ones are in flight.
    virtual std::vector<OutboxMessage> next(const std::string& destination, std::int64_t after,
                                            std::size_t limit) = 0;
    // The broker has these: they leave the outbox.
    virtual void delivered(const std::vector<std::int64_t>& ids) = 0;

    // ThingSpeak pacing across processes: when a channel last got an entry.
    virtual std::optional<WallClock::time_point> last_sent(std::uint64_t channel) = 0;
    virtual void set_last_sent(std::uint64_t channel, WallClock::time_point when) = 0;
    // The latest created_at that append() took for the channel from any process ("" if none),
    // so a later run stamps after it: ThingSpeak keeps one entry per created_at.
    virtual std::string last_stamp(std::uint64_t channel) = 0;

    virtual OutboxStatus status() = 0;
    virtual std::vector<OutboxMessage> list(std::size_t limit) = 0;
    virtual std::size_t clear() = 0;  // returns how many were dropped
};

}  // namespace tsmqtt
