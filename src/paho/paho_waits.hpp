#pragma once
// Two waits in Paho C 1.3.12's connect path cost a one-shot publish 10 to 110 ms, where
// mosquitto_pub takes 2 ms in all (bench/RESULTS.md). paho_waits.cpp shortens them while a
// FirstConnect is alive, and only then: see there for how, and why it is safe.

#include <atomic>

namespace tsmqtt {

// Whether PahoSession::connect() is waiting for its first CONNACK, and whether over plain TCP.
extern std::atomic<bool> g_first_connect;
extern std::atomic<bool> g_first_connect_tcp;

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
