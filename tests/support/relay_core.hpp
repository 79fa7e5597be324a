// SPDX-License-Identifier: Apache-2.0
#pragma once
// ThingSpeak's behaviour for a local broker, as a pure function of what was published: the
// ThingSpeak relay test-support program (relay_main.cpp) feeds it every message on
// channels/+/publish/#, and republishes what it returns.
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/publish.hpp"

namespace tsmqtt::relay {

struct ChannelRules {
    std::chrono::milliseconds min_interval{0};  // faster updates are dropped silently
    std::string write_key;                      // legacy: required in the topic when set
    std::string read_key;                       // legacy: also republish under .../json/KEY
};

struct Outcome {
    std::vector<OutgoingMessage> messages;  // to republish, in order
    std::string dropped;                    // why the message was dropped ("" when accepted)
};

class Relay {
  public:
    // `only`: when not empty, the channels this relay handles (several relays can share a broker).
    explicit Relay(std::map<std::uint64_t, ChannelRules> rules = {},
                   std::set<std::uint64_t> only = {})
        : rules_(std::move(rules)), only_(std::move(only)) {}

    // `now` stamps created_at when the entry has none; `steady_now` drives the rate limit.
    Outcome handle(std::string_view topic, std::string_view payload,
                   std::chrono::system_clock::time_point now,
                   std::chrono::steady_clock::time_point steady_now);

  private:
    struct ChannelState {
        std::uint64_t last_entry_id = 0;
        std::chrono::steady_clock::time_point last_accepted{};
        bool any = false;
        std::set<std::string> created_at;  // ThingSpeak keeps one entry per created_at
    };
    std::map<std::uint64_t, ChannelRules> rules_;
    std::set<std::uint64_t> only_;
    std::map<std::uint64_t, ChannelState> state_;
};

}  // namespace tsmqtt::relay
