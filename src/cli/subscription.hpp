// SPDX-License-Identifier: Apache-2.0
#pragma once
// What subscribe and watch subscribe to, from -c, --field and --topic, and the options they
// share (those, --read-key, --label, --qos, --color): one place, so both commands see a channel
// the same way.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/connection_options.hpp"
#include "core/settings.hpp"
#include "core/subscribe.hpp"

namespace tsmqtt::cli {

struct SubscriptionArgs {
    std::vector<std::string> channels;
    std::vector<std::string> fields;
    std::vector<std::string> topics;
    int qos = 0;
    std::string read_key;
    std::vector<std::string> labels;
    std::string color = "auto";
};

// The help texts that differ between the commands.
struct SubscriptionHelp {
    std::string field;        // --field
    std::string label;        // --label
    std::string topic;        // -t, --topic
    std::string color;        // --color
    std::string color_group;  // the help group --color is listed in
};

// Defines -c, --field, --read-key, --label, -t, --qos and --color on `app`; CLI11 refuses
// --topic beside -c or --field, and a --color other than auto, always or never.
void add_subscription_options(CLI::App& app, SubscriptionArgs& args, const SubscriptionHelp& help);

// --read-key and --label are settings (a profile can hold them too): hands them to `connection`,
// and the -c channels for its -v report.
void add_subscription_settings(const SubscriptionArgs& args, ConnectionArgs& connection);

// The filters, QoS, raw mode and kind of updates; throws Error(usage) naming a bad channel,
// field or topic filter, or a missing channel.
SubscribePlan plan_subscription(const SubscriptionArgs& args, const Settings& settings);

// --color as both commands read it: always, never, or (auto) when standard output is a
// terminal, NO_COLOR is unset or empty and TERM is not "dumb".
bool want_color(const SubscriptionArgs& args);

}  // namespace tsmqtt::cli
