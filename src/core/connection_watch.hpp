// SPDX-License-Identifier: Apache-2.0
#pragma once
// What to tell the user when the connection drops or comes back. A connection that keeps
// dropping right after each reconnect is the mark of a client-ID takeover: two clients with
// one ID make the broker close the older connection, again and again.
#include <chrono>
#include <string>

#include "core/session.hpp"

namespace tsmqtt {

class ConnectionWatch {
  public:
    explicit ConnectionWatch(std::string client_id) : client_id_(std::move(client_id)) {}
    // One line for stderr; `now` is any monotonic time.
    std::string describe(const SessionEvent& event, std::chrono::steady_clock::time_point now);

  private:
    std::string client_id_;
    std::chrono::steady_clock::time_point reconnected_at_{};
    bool reconnected_ = false;
    int quick_losses_ = 0;
};

}  // namespace tsmqtt
