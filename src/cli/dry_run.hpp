#pragma once
// --dry-run: a Session that prints what would be sent and connects to nothing.
#include <string>

#include "cli/io.hpp"
#include "core/session.hpp"

namespace tsmqtt::cli {

class DryRunSession final : public Session {
  public:
    explicit DryRunSession(Output& out) : out_(out) {}
    void connect() override {}
    void publish(const OutgoingMessage& message) override;
    std::size_t flush(std::chrono::steady_clock::time_point) override { return 0; }
    void subscribe(const std::vector<std::string>& filters, int qos) override;
    std::optional<SessionEvent> next_event(std::chrono::steady_clock::time_point) override {
        return std::nullopt;
    }
    void disconnect() override {}

  private:
    Output& out_;
};

}  // namespace tsmqtt::cli
