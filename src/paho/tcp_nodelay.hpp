// SPDX-License-Identifier: Apache-2.0
#pragma once
// Nagle's algorithm off on the broker connection. Paho C 1.3.12 offers no socket option and no
// way to reach its socket, and leaves Nagle on: a small packet written while an earlier one is
// unacknowledged waits for that acknowledgement, which the broker delays (up to 40 ms on
// Linux) when it has nothing to answer. A QoS 0 PUBLISH is answered by nothing, so the probe
// UNSUBSCRIBE after it (docs/platform.md, Paho item 23) waited that long: a one-shot publish
// took 48 ms where mosquitto_pub takes 2.5.
namespace tsmqtt {

// Sets TCP_NODELAY on every TCP socket the process holds: in tsmqtt those are the broker
// connections, and only Paho makes them. Never fails (a socket that refuses keeps its setting).
void disable_nagle_on_tcp_sockets();

}  // namespace tsmqtt
