// SPDX-License-Identifier: Apache-2.0
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
    std::optional<std::uint64_t> publish(const OutgoingMessage& message) override;
    // Nothing is sent, so everything "taken" is accounted for at once.
    Deliveries take_deliveries(std::chrono::steady_clock::time_point) override {
        Deliveries news;
        for (; confirmed_ < taken_; ++confirmed_) news.confirmed.push_back(confirmed_ + 1);
        return news;
    }
    bool connected() const override { return true; }
    std::vector<int> subscribe(const std::vector<std::string>& filters, int qos) override;
    void unsubscribe(const std::vector<std::string>& filters) override;
    std::optional<SessionEvent> next_event(std::chrono::steady_clock::time_point) override {
        return std::nullopt;
    }
    void disconnect() override {}

  private:
    Output& out_;
    std::uint64_t taken_ = 0;
    std::uint64_t confirmed_ = 0;
};

}  // namespace tsmqtt::cli
