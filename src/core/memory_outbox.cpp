// SPDX-License-Identifier: Apache-2.0
#include "core/memory_outbox.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"

namespace tsmqtt {

std::vector<OutboxMessage> MemoryOutbox::append(std::vector<OutboxMessage> messages) {
    if (max_ != 0 && waiting_.size() + messages.size() > max_) {
        fail(ExitCode::failure,
             fmt::format("the outbox is full ({} messages, --outbox-max)", waiting_.size()));
    }
    const auto now = WallClock::now();
    for (auto& message : messages) {
        message.id = ++last_id_;
        message.accepted_at = now;
        waiting_.emplace(message.id, message);
        if (message.channel && !message.created_at.empty()) {
            auto& last = last_stamp_[*message.channel];
            last = std::max(last, message.created_at);
        }
    }
    return messages;
}

std::string MemoryOutbox::last_stamp(std::uint64_t channel) {
    const auto it = last_stamp_.find(channel);
    return it == last_stamp_.end() ? std::string() : it->second;
}

bool MemoryOutbox::acquire(const std::string& destination, std::chrono::seconds) {
    return !std::exchange(held_[destination], true);
}

void MemoryOutbox::release(const std::string& destination) {
    held_.erase(destination);
}

std::vector<OutboxMessage> MemoryOutbox::next(const std::string& destination, std::int64_t after,
                                              std::size_t limit) {
    std::vector<OutboxMessage> out;
    for (auto it = waiting_.upper_bound(after); it != waiting_.end() && out.size() < limit; ++it) {
        if (it->second.destination == destination) out.push_back(it->second);
    }
    return out;
}

void MemoryOutbox::delivered(const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) waiting_.erase(id);
}

std::optional<WallClock::time_point> MemoryOutbox::last_sent(std::uint64_t channel) {
    const auto it = last_sent_.find(channel);
    if (it == last_sent_.end()) return std::nullopt;
    return it->second;
}

void MemoryOutbox::set_last_sent(std::uint64_t channel, WallClock::time_point when) {
    last_sent_[channel] = when;
}

OutboxStatus MemoryOutbox::status() {
    OutboxStatus status;
    status.waiting = waiting_.size();
    for (const auto& entry : waiting_) {
        const auto& message = entry.second;  // clang 14 cannot capture a structured binding
        auto row = std::find_if(
            status.per_destination.begin(), status.per_destination.end(), [&](const auto& r) {
                return r.destination == message.destination && r.channel == message.channel;
            });
        if (row == status.per_destination.end()) {
            status.per_destination.push_back(
                {message.destination, message.channel, 0, message.accepted_at});
            row = status.per_destination.end() - 1;
        }
        ++row->waiting;
    }
    return status;
}

std::vector<OutboxMessage> MemoryOutbox::list(std::size_t limit) {
    std::vector<OutboxMessage> out;
    for (auto it = waiting_.begin(); it != waiting_.end() && out.size() < limit; ++it)
        out.push_back(it->second);
    return out;
}

std::size_t MemoryOutbox::clear() {
    return std::exchange(waiting_, {}).size();
}

}  // namespace tsmqtt
