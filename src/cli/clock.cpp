// SPDX-License-Identifier: Apache-2.0
#include "cli/clock.hpp"

#include <algorithm>
#include <thread>

namespace tsmqtt::cli {

MonotonicClock::time_point SteadyClock::now() const {
    return std::chrono::steady_clock::now();
}

bool SteadyClock::sleep_until(time_point when, const std::atomic<int>& stop) {
    while (std::chrono::steady_clock::now() < when) {
        if (stop.load() != 0) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            when - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
    }
    return stop.load() == 0;
}

}  // namespace tsmqtt::cli
