// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/payload.hpp"

using namespace tsmqtt;

namespace {

std::string usage_message(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        return e.what();
    }
    FAIL("expected a usage error");
    return {};
}

}  // namespace

TEST_CASE("encode_form writes parameters in the stable order of docs/cli-contract.md",
          "[payload]") {
    FeedParams params;
    params.set(Param::created_at, "2014-12-31T23:59:59Z");
    params.set(Param::status, "ok");
    params.set(Param::elevation, "120");
    params.set(Param::long_, "-71.06");
    params.set(Param::lat, "42.36");
    params.set(Param::field8, "8");
    params.set(Param::field1, "23.5");
    CHECK(encode_form(params) ==
          "field1=23.5&field8=8&lat=42.36&long=-71.06&elevation=120&status=ok&created_at=2014-12-"
          "31T23%3A59%3A59Z");
}

TEST_CASE("form_urlencode percent-encodes what the form encoding reserves", "[payload]") {
    struct Case {
        std::string in;
        std::string out;
    };
    const std::vector<Case> cases{
        {"a&b", "a%26b"},
        {"a=b", "a%3Db"},
        {"1+1", "1%2B1"},
        {"two words", "two+words"},
        {"24°C", "24%C2%B0C"},
        {"-_.*", "-_.*"},
        {"~", "%7E"},
        {"/?#%", "%2F%3F%23%25"},
        {"", ""},
        {"\n", "%0A"},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        CHECK(form_urlencode(c.in) == c.out);
        CHECK(form_urldecode(c.out) == c.in);
    }
}

TEST_CASE("form_urldecode refuses broken escapes", "[payload]") {
    for (const std::string bad : {"%", "%4", "%zz", "a%g1"}) {
        INFO(bad);
        CHECK_THROWS_AS(form_urldecode(bad), Error);
    }
}

TEST_CASE("parameter values are validated before anything is sent", "[payload]") {
    struct Case {
        Param param;
        std::string value;
        std::string words;  // part of the message
    };
    const std::vector<Case> cases{
        {Param::lat, "91", "lat '91': expected a number from -90 to 90"},
        {Param::lat, "-90.0001", "lat"},
        {Param::lat, "north", "lat 'north'"},
        {Param::lat, "+-30", "lat '+-30'"},
        {Param::long_, "++5", "long '++5'"},
        {Param::long_, "180.5", "long '180.5': expected a number from -180 to 180"},
        {Param::long_, "", "long"},
        {Param::elevation, "high", "elevation 'high': expected a number of metres"},
        {Param::elevation, "1e3", "elevation"},
        {Param::elevation, "nan", "elevation"},
        {Param::created_at, "yesterday", "created_at 'yesterday': expected ISO 8601"},
        {Param::created_at, "2021-02-29T00:00:00Z", "created_at"},
        {Param::created_at, "2021-12-11T25:00:00Z", "created_at"},
        {Param::created_at, "2021-12-11T05:35:31+25:00", "created_at"},
        {Param::created_at, "2021-13-01", "created_at"},
        {Param::field1, std::string(256, 'x'), "256 bytes long: ThingSpeak allows at most 255"},
        {Param::status, std::string("\xff\xfe"), "status: value is not valid UTF-8"},
        {Param::field2, std::string("\xc0\xaf"), "not valid UTF-8"},
        {Param::field3, std::string("\xed\xa0\x80"), "not valid UTF-8"},
        {Param::field4, std::string("caf\xc3"), "not valid UTF-8"},
    };
    for (const auto& c : cases) {
        INFO(c.value);
        FeedParams params;
        const auto message = usage_message([&] { params.set(c.param, c.value); });
        CHECK_THAT(message, Catch::Contains(c.words));
        CHECK_FALSE(params.get(c.param).has_value());
    }
}

TEST_CASE("valid boundary values are accepted", "[payload]") {
    FeedParams params;
    params.set(Param::lat, "-90");
    params.set(Param::long_, "180");
    params.set(Param::elevation, "-12.5");
    params.set(Param::field1, std::string(255, 'x'));
    params.set(Param::field2, "日本語");
    params.set(Param::created_at, "2014-12-31 23:59:59");
    CHECK(params.get(Param::field2) == "日本語");
    for (const std::string time :
         {"2024-02-29", "2014-12-31T23:59:59Z", "2014-12-31T23:59:59.123+05:30",
          "2014-12-31T23:59-0800", "2016-12-31T23:59:60Z"}) {
        INFO(time);
        CHECK(is_iso8601(time));
    }
}

TEST_CASE("encode_form refuses an empty entry and one over 3000 bytes", "[payload]") {
    FeedParams empty;
    CHECK_THAT(usage_message([&] { encode_form(empty); }), Catch::Contains("nothing to publish"));
    FeedParams big;
    for (int i = 0; i < 8; ++i)
        big.set(static_cast<Param>(i), std::string(130, '&'));  // 3 bytes each encoded
    CHECK_THAT(usage_message([&] { encode_form(big); }),
               Catch::Contains("ThingSpeak allows at most 3000"));
}
