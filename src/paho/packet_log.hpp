// SPDX-License-Identifier: Apache-2.0
#pragma once
// -vv: one line for each MQTT packet a session sends or receives, as docs/cli-contract.md
// asks (PUBLISH with topic, QoS, retain and size; CONNACK and SUBACK with their codes). Told
// by the session where it hands a packet to Paho or hears of one, not read from Paho's trace,
// which names no topic and no SUBACK code. The lines say nothing secret (the password only as
// given or not); topics come from the network and are bounded here, and the sink (the
// diagnostics) masks the secrets a topic may hold and escapes control characters.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/endpoint.hpp"
#include "core/settings.hpp"

namespace tsmqtt {

class PacketLog {
  public:
    using Sink = std::function<void(std::string_view)>;
    explicit PacketLog(Sink sink) : sink_(std::move(sink)) {}

    // Cheap enough for every message: no line is made while there is no sink.
    bool on() const { return static_cast<bool>(sink_); }

    void connect(const Endpoint& endpoint, std::string_view client_id,
                 const Settings& settings) const;
    void connack(int code) const;  // 0: accepted; else the refusal's code
    void subscribe(const std::vector<std::string>& filters, int qos) const;
    void suback(const std::vector<std::string>& filters, const std::vector<int>& codes) const;
    void publish_sent(std::string_view topic, int qos, bool retain, std::size_t size) const;
    void publish_received(std::string_view topic, int qos, bool retain, std::size_t size) const;
    void acknowledged(int qos) const;  // the PUBACK (QoS 1) or PUBCOMP (QoS 2) of a publish
    void disconnect() const;

  private:
    void line(const std::string& text) const {
        if (sink_) sink_(text);
    }
    Sink sink_;
};

}  // namespace tsmqtt
