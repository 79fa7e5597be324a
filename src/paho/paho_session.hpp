// SPDX-License-Identifier: Apache-2.0
#pragma once
// Session over Paho MQTT C++ 1.2.0 (mqtt::async_client). See docs/platform.md for the
// pitfalls this works around: explicit MQTT version, QoS 0 back-pressure, FIFO tokens, the
// slow destructor, no ssl error_handler, host-name verification.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "core/session.hpp"
#include "core/settings.hpp"

namespace tsmqtt {

// The raw-mode MQTT behaviour of a session (docs/cli-contract.md, "MQTT 5 and raw-mode parity").
struct MqttBehaviour {
    std::optional<OutgoingMessage> will;          // --will-topic ...
    bool clean = true;                            // false: --no-clean or --session-expiry
    std::optional<std::uint32_t> session_expiry;  // MQTT 5, seconds
    bool no_local = false;                        // MQTT 5 subscription options
    bool retain_as_published = false;
    int retain_handling = 0;
};

struct SessionOptions {
    bool reconnect = true;                // reconnect with backoff after a loss
    bool send_while_disconnected = true;  // queue publishes while reconnecting
    std::size_t window = 1024;            // undelivered messages in flight before publish() waits
    const std::atomic<int>* stop = nullptr;   // a signal: blocking waits give up
    std::size_t max_message_size = SIZE_MAX;  // a larger payload is dropped on arrival
    // How long a message may wait for the reader, so that it is woken once per batch rather
    // than per message (0: a subscriber's default, at most a millisecond).
    std::chrono::milliseconds patience{0};
    // Called on Paho's thread when the connection is lost or comes back, so that a publisher
    // blocked on a full window can still tell the user. Events are queued all the same.
    std::function<void(const SessionEvent&)> on_connection_change;
    // -vv: given one line per packet sent or received (paho/packet_log.hpp), on the caller's
    // thread or Paho's. Empty: no packet is described.
    std::function<void(std::string_view)> packet_log;
    MqttBehaviour mqtt;
    // subscribe --timeout: waits for the connection and the SUBACK end here with exit 6.
    std::chrono::steady_clock::time_point give_up_at = std::chrono::steady_clock::time_point::max();
};

std::unique_ptr<Session> make_paho_session(const Settings& settings, std::string client_id,
                                           const SessionOptions& options);

}  // namespace tsmqtt
