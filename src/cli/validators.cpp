// SPDX-License-Identifier: Apache-2.0
#include "cli/validators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"

namespace tsmqtt::cli {
namespace {

// `check` decides; a refusal says what was expected and what was given.
CLI::Validator worded(CLI::Validator check, std::string expected) {
    auto description = check.get_description();
    return {[check = std::move(check), expected = std::move(expected)](std::string& value) {
                auto copy = value;
                return check(copy).empty() ? std::string()
                                           : fmt::format("expected {}, not '{}'", expected, value);
            },
            std::move(description)};
}

std::string spoken_list(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
        text += names[i];
    }
    return text;
}

}  // namespace

CLI::Validator one_of(std::vector<std::string> names) {
    auto expected = spoken_list(names);
    return worded(CLI::IsMember(std::move(names)), std::move(expected));
}

CLI::Validator zero_or_more() {
    return worded(CLI::NonNegativeNumber, "a whole number, 0 or more");
}

std::chrono::milliseconds seconds_option(double seconds, const char* name) {
    if (!std::isfinite(seconds) || seconds < 0) {
        usage_error(fmt::format("invalid {} '{}': expected a number of seconds", name, seconds));
    }
    // Longer than a steady clock can add without overflow is as good as forever.
    constexpr double kForever = 1e9;  // seconds: 31 years
    return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, kForever) * 1000));
}

}  // namespace tsmqtt::cli
