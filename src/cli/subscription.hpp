// SPDX-License-Identifier: Apache-2.0
#pragma once
// The topics that subscribe and watch subscribe to, from -c, --field and --topic: one place, so
// both commands see a channel the same way.
#include <string>
#include <vector>

#include "core/settings.hpp"
#include "core/subscribe.hpp"

namespace tsmqtt::cli {

struct SubscriptionArgs {
    std::vector<std::string> channels;
    std::vector<std::string> fields;
    std::vector<std::string> topics;
    int qos = 0;
};

// The filters, QoS, raw mode and kind of updates; throws Error(usage) naming a bad channel,
// field or topic filter, or a missing channel.
SubscribePlan plan_subscription(const SubscriptionArgs& args, const Settings& settings);

}  // namespace tsmqtt::cli
