// SPDX-License-Identifier: Apache-2.0
#pragma once
// CLI11's own validators (IsMember, NonNegativeNumber), in the house's wording: a refused value
// reads "--color: expected auto, always or never, not 'sometimes'", whichever option it is.
#include <CLI/CLI.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace tsmqtt::cli {

// One of `names` (CLI::IsMember); the help shows them as {a,b,c}.
CLI::Validator one_of(std::vector<std::string> names);

// A number 0 or more (CLI::NonNegativeNumber). For an unsigned option: CLI11 would take "-1"
// for the largest number.
CLI::Validator zero_or_more();

// An option's seconds (--interval, --timeout, --flush-timeout): a number 0 or more, else
// exit 2 naming the option; more than 31 years is taken as 31 years (forever).
std::chrono::milliseconds seconds_option(double seconds, const char* name);

}  // namespace tsmqtt::cli
