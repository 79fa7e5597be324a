// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "cli/validators.hpp"
#include "core/error.hpp"

using namespace tsmqtt;
using namespace tsmqtt::cli;

namespace {

std::string refusal(double seconds) {
    try {
        seconds_option(seconds, "--timeout");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("seconds options take fractions of a second, to the millisecond", "[validators]") {
    CHECK(seconds_option(0, "--interval") == std::chrono::milliseconds(0));
    CHECK(seconds_option(1.5, "--interval") == std::chrono::milliseconds(1500));
    CHECK(seconds_option(0.0015, "--interval") == std::chrono::milliseconds(1));
}

TEST_CASE("a negative or non-number seconds option is exit 2 naming the option", "[validators]") {
    CHECK(refusal(-1) == "invalid --timeout '-1': expected a number of seconds");
    CHECK(refusal(std::nan("")) == "invalid --timeout 'nan': expected a number of seconds");
    CHECK(refusal(std::numeric_limits<double>::infinity()) ==
          "invalid --timeout 'inf': expected a number of seconds");
}

TEST_CASE("a seconds option beyond 31 years is forever, never an overflow", "[validators]") {
    const auto forever = std::chrono::milliseconds(1'000'000'000'000LL);
    CHECK(seconds_option(1e9, "--timeout") == forever);
    CHECK(seconds_option(1e300, "--timeout") == forever);
    // A steady clock can add it to now.
    const auto now = std::chrono::steady_clock::now();
    CHECK(now + forever > now);
}
