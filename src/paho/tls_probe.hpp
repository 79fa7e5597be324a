// SPDX-License-Identifier: Apache-2.0
#pragma once
// Finds out why a connection failed, with OpenSSL and plain sockets: Paho 1.2.0 reports
// every TCP or TLS failure as one code (docs/platform.md, Paho item 7).
#include <string>

#include "core/error.hpp"
#include "core/settings.hpp"

namespace tsmqtt {

struct ProbeResult {
    ExitCode code;        // network or tls; ok when the probe found nothing wrong
    std::string message;  // one line naming the cause
};

ProbeResult probe_connection(const Settings& settings, const Endpoint& endpoint);

}  // namespace tsmqtt
