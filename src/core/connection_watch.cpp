// SPDX-License-Identifier: Apache-2.0
#include "core/connection_watch.hpp"

#include <fmt/format.h>

namespace tsmqtt {
namespace {
constexpr auto kQuickLoss = std::chrono::seconds(10);
}

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
    // Twice in a row: one quick loss can be a broker restarting, a takeover keeps going.
    if (quick_losses_ >= 2) {
        line += fmt::format(
            "; it dropped again right after reconnecting: is another client using the client ID "
            "'{}'? "
            "(a broker closes the older of two connections with one ID; give each its own "
            "--client-id)",
            client_id_);
    }
    return line + "; reconnecting";
}

}  // namespace tsmqtt
