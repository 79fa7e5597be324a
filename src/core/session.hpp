// SPDX-License-Identifier: Apache-2.0
#pragma once
// The broker connection as the core sees it. PahoSession implements it over Paho; unit tests
// use a fake. Every method may throw Error carrying the exit status of docs/cli-contract.md.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tsmqtt {

// MQTT 5 message properties (ignored under 3.1.1). Empty members are not sent.
struct MessageProperties {
    std::vector<std::pair<std::string, std::string>> user;  // --user-property KEY=VALUE, in order
    std::string content_type;
    std::optional<std::uint32_t> message_expiry;  // seconds
    std::string response_topic;
    std::optional<std::string> correlation_data;  // any bytes
    bool operator==(const MessageProperties&) const = default;
};

struct OutgoingMessage {
    OutgoingMessage() = default;
    OutgoingMessage(std::string topic_, std::string payload_, int qos_ = 0, bool retain_ = false,
                    MessageProperties properties_ = {})
        : topic(std::move(topic_)),
          payload(std::move(payload_)),
          qos(qos_),
          retain(retain_),
          properties(std::move(properties_)) {}
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retain = false;
    MessageProperties properties;
};

struct IncomingMessage {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retained = false;
    MessageProperties properties{};  // MQTT 5
    // Not 0: the payload was this many bytes, over the session's maximum, and was dropped
    // where it arrived, so that it takes no further memory.
    std::size_t dropped_size = 0;
};

struct SessionEvent {
    enum class Kind { message, connection_lost, reconnected } kind = Kind::message;
    IncomingMessage message;  // kind == message
    std::string detail;       // connection_lost: the cause, when known
    // connection_lost under MQTT 5: the reason code of the broker's DISCONNECT, when it sent one
    // (0x8E: another client connected with this client ID).
    std::optional<int> disconnect_reason;
};

class Session {
  public:
    virtual ~Session() = default;

    // Connects once; a failure throws Error (network 3, TLS 4, refused 5). After a later loss
    // the session reconnects by itself, if it was asked to, and reports it as events.
    virtual void connect() = 0;

    // Takes one message for the broker and returns its id (increasing), or nullopt when the
    // connection is down: the message was not taken; offer it again once connected(). Blocks
    // while the window of unconfirmed messages is full (a fast producer is slowed down).
    virtual std::optional<std::uint64_t> publish(const OutgoingMessage& message) = 0;

    // What became known since the last call, waiting until `deadline` for news while messages
    // are outstanding. Confirmed: the broker has it (QoS 1/2: acknowledged; QoS 0: written and
    // followed by a sign of life from the broker on the same connection). Lost: written into a
    // connection that died unconfirmed; such an id is never confirmed later.
    struct Deliveries {
        std::vector<std::uint64_t> confirmed;
        std::vector<std::uint64_t> lost;
        std::size_t connection_losses = 0;
    };
    virtual Deliveries take_deliveries(std::chrono::steady_clock::time_point deadline) = 0;

    // True while a connection is up (messages can be taken).
    virtual bool connected() const = 0;

    // Subscribes to each filter at `qos` and returns the QoS the broker granted each, in order
    // (it may grant less than asked); a refused filter throws Error(auth) naming it.
    virtual std::vector<int> subscribe(const std::vector<std::string>& filters, int qos) = 0;

    // Removes the subscriptions to `filters` (a persistent session's, made by an earlier run).
    virtual void unsubscribe(const std::vector<std::string>& filters) = 0;

    // The next message or connection event, or nullopt when none came before the deadline.
    virtual std::optional<SessionEvent> next_event(
        std::chrono::steady_clock::time_point deadline) = 0;

    // Clean MQTT disconnect; queued messages are sent first where the connection allows.
    virtual void disconnect() = 0;
};

}  // namespace tsmqtt
