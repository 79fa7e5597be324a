// SPDX-License-Identifier: Apache-2.0
#pragma once
// Errors are one exception type carrying the exit status of docs/cli-contract.md; cli::run catches
// it once.
#include <stdexcept>
#include <string>

namespace tsmqtt {

enum class ExitCode : int {
    ok = 0,
    failure = 1,  // runtime failure, e.g. messages left undelivered
    usage = 2,    // bad option, channel, field, value or input line
    network = 3,  // unreachable, handshake failed, connection lost and not recovered
    tls = 4,      // TLS handshake or certificate verification failed
    auth = 5,     // broker refused the credentials or the client ID
    timeout = 6,  // --timeout elapsed
    config = 7,   // profile or configuration error
    interrupted = 130,
    terminated = 143,
};

constexpr int to_int(ExitCode code) {
    return static_cast<int>(code);
}

class Error : public std::runtime_error {
  public:
    Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const { return code_; }

  private:
    ExitCode code_;
};

[[noreturn]] inline void fail(ExitCode code, const std::string& message) {
    throw Error(code, message);
}
[[noreturn]] inline void usage_error(const std::string& message) {
    throw Error(ExitCode::usage, message);
}

}  // namespace tsmqtt
