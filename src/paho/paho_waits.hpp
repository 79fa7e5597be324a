// SPDX-License-Identifier: Apache-2.0
#pragma once
// Two waits in Paho C 1.3.12's connect path cost a one-shot publish 10 to 110 ms, where
// mosquitto_pub takes 2 ms in all (bench/RESULTS.md). The tsmqtt executable, and only it,
// shortens them while a FirstConnect is alive and only then: src/paho/interpose/paho_waits.cpp
// says how and why that is safe; ARCHITECTURE.md ("Paho's first-connect waits") how it is
// switched off. Any other program linking this library waits as Paho does.

#include <atomic>

namespace tsmqtt {

// Whether PahoSession::connect() is waiting for its first CONNACK, and whether over plain TCP.
inline std::atomic<bool> g_first_connect{false};
inline std::atomic<bool> g_first_connect_tcp{false};

class FirstConnect {
  public:
    explicit FirstConnect(bool plain_tcp) {
        g_first_connect_tcp = plain_tcp;
        g_first_connect = true;
    }
    ~FirstConnect() { g_first_connect = g_first_connect_tcp = false; }
    FirstConnect(const FirstConnect&) = delete;
    FirstConnect& operator=(const FirstConnect&) = delete;
};

}  // namespace tsmqtt
