// SPDX-License-Identifier: Apache-2.0
#include "core/outbox.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tsmqtt {

std::string describe_age(std::chrono::seconds age) {
    using namespace std::chrono;
    const auto count = std::max<seconds::rep>(age.count(), 0);
    if (count < 120) return fmt::format("{} s", count);
    if (count < 2 * 3600) return fmt::format("{} min", count / 60);
    if (count < 2 * 86400) return fmt::format("{} h", count / 3600);
    return fmt::format("{} d", count / 86400);
}

std::string describe_waiting(const OutboxStatus& status, WallClock::time_point now) {
    if (status.waiting == 0 || status.per_destination.empty()) return "0 waiting";
    auto oldest = status.per_destination.front().oldest;
    for (const auto& count : status.per_destination) oldest = std::min(oldest, count.oldest);
    return fmt::format(
        "{} waiting, oldest {}", status.waiting,
        describe_age(std::chrono::duration_cast<std::chrono::seconds>(now - oldest)));
}

}  // namespace tsmqtt
