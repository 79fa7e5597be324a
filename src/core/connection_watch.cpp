// SPDX-License-Identifier: Apache-2.0
#include "core/connection_watch.hpp"

#include <fmt/format.h>

namespace tsmqtt {
namespace {
constexpr auto kQuickLoss = std::chrono::seconds(10);
constexpr int kSessionTakenOver = 0x8E;  // MQTT 5 reason code
}  // namespace

std::string ConnectionWatch::describe(const SessionEvent& event,
                                      std::chrono::steady_clock::time_point now) {
    if (event.kind == SessionEvent::Kind::reconnected) {
        reconnected_ = true;
        reconnected_at_ = now;
        return "reconnected to the broker";
    }
    std::string line = "connection to the broker lost";
    if (!event.detail.empty()) line += fmt::format(" ({})", event.detail);
    if (reconnected_ && now - reconnected_at_ < kQuickLoss) {
        ++quick_losses_;
    } else {
        quick_losses_ = 0;
    }
    reconnected_ = false;
    // The evidence (docs/cli-contract.md, "The client-ID takeover hint"): under MQTT 5 the
    // broker says so (DISCONNECT 0x8E, session taken over), and any other reason it gives rules
    // a takeover out. Under 3.1.1 it closes without a word: a loss right after a reconnect, twice
    // in a row (one quick loss can be a broker restarting, a takeover keeps going).
    if (event.disconnect_reason == kSessionTakenOver) {
        line += fmt::format(
            "; another client connected with the client ID '{}' and took the session over: give "
            "each client its own ID (for ThingSpeak a second MQTT device, or -i ID)",
            client_id_);
    } else if (!event.disconnect_reason && quick_losses_ >= 2) {
        line += fmt::format(
            "; it dropped again right after reconnecting: is another client using the client ID "
            "'{}'? (a broker closes the older of two connections with one ID; give each client "
            "its own ID: for ThingSpeak a second MQTT device, or -i ID)",
            client_id_);
    }
    return line + "; reconnecting";
}

}  // namespace tsmqtt
