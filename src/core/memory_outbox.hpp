// SPDX-License-Identifier: Apache-2.0
#pragma once
// The outbox of a publish without --outbox: the same queue in memory, for this process alone.
// It is also the fake the unit tests use for the SQLite store.
#include <map>

#include "core/outbox.hpp"

namespace tsmqtt {

class MemoryOutbox final : public Outbox {
  public:
    explicit MemoryOutbox(std::size_t max_messages = 0) : max_(max_messages) {}  // 0: no bound

    std::vector<OutboxMessage> append(std::vector<OutboxMessage> messages) override;
    bool acquire(const std::string& destination, std::chrono::seconds lease) override;
    bool renew(const std::string& destination, std::chrono::seconds) override {
        return held_[destination] = true;
    }
    void release(const std::string& destination) override;
    std::vector<OutboxMessage> next(const std::string& destination, std::int64_t after,
                                    std::size_t limit) override;
    void delivered(const std::vector<std::int64_t>& ids) override;
    std::optional<WallClock::time_point> last_sent(std::uint64_t channel) override;
    void set_last_sent(std::uint64_t channel, WallClock::time_point when) override;
    std::string last_stamp(std::uint64_t channel) override;
    OutboxStatus status() override;
    std::vector<OutboxMessage> list(std::size_t limit) override;
    std::size_t clear() override;

  private:
    std::size_t max_;
    std::int64_t last_id_ = 0;
    std::map<std::int64_t, OutboxMessage> waiting_;
    std::map<std::string, bool> held_;
    std::map<std::uint64_t, WallClock::time_point> last_sent_;
    std::map<std::uint64_t, std::string> last_stamp_;
};

}  // namespace tsmqtt
