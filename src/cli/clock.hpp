// SPDX-License-Identifier: Apache-2.0
#pragma once
// The system's clocks behind the core's MonotonicClock and CalendarClock.
#include <atomic>
#include <chrono>

#include "core/runtime.hpp"

namespace tsmqtt::cli {

class SteadyClock final : public MonotonicClock {
  public:
    time_point now() const override;
    bool sleep_until(time_point when, const std::atomic<int>& stop) override;
};

class SystemCalendar final : public CalendarClock {
  public:
    time_point now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace tsmqtt::cli
