#pragma once
// The real time of day behind core's WallClock.
#include "core/runtime.hpp"

namespace tsmqtt::cli {

class SystemWallClock final : public WallClock {
  public:
    time_point now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace tsmqtt::cli
