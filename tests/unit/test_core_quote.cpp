// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/quote.hpp"

using tsmqtt::bounded;

TEST_CASE("bounded keeps short text and cuts long text with an ellipsis") {
    CHECK(bounded("short") == "short");
    CHECK(bounded(std::string(200, 'a')) == std::string(200, 'a'));
    CHECK(bounded(std::string(1000000, 'a')) == std::string(200, 'a') + "\u2026");
}

TEST_CASE("bounded never cuts a UTF-8 character in two") {
    // "é" is two bytes: a cut at byte 5 would split the third one.
    CHECK(bounded("\u00e9\u00e9\u00e9\u00e9", 5) == "\u00e9\u00e9\u2026");
    CHECK(bounded("ab\u20ac", 3) == "ab\u2026");
}
