// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/nearest.hpp"

using tsmqtt::nearest_word;

TEST_CASE("nearest_word finds the option a typo meant") {
    const std::vector<std::string> options = {"--channel", "--count", "--client-id", "--cafile"};
    CHECK(nearest_word("--chanel", options) == "--channel");
    CHECK(nearest_word("--chnanel", options) == "--channel");  // two letters swapped
    CHECK(nearest_word("--cuont", options) == "--count");
    CHECK(nearest_word("--client-di", options) == "--client-id");
}

TEST_CASE("nearest_word suggests nothing for a word unlike every candidate") {
    const std::vector<std::string> options = {"--channel", "--count"};
    CHECK_FALSE(nearest_word("--zzzzzzzz", options));
    CHECK_FALSE(nearest_word("-x", options));
    CHECK_FALSE(nearest_word("--chanel", {}));
}

TEST_CASE("nearest_word prefers the earlier of two equally near candidates") {
    CHECK(nearest_word("--ab", {"--ac", "--ad"}) == "--ac");
}
