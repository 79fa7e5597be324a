// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "format/json_text.hpp"

using namespace tsmqtt;

namespace {

// Verbatim from docs/thingspeak.md, "What subscribers receive".
const std::string kThingSpeakEntry =
    R"({"channel_id":1587079,"created_at":"2021-12-11T05:35:31Z","entry_id":797,"field1":null,)"
    R"("field2":"21","field3":null,"field4":null,"field5":null,"field6":null,"field7":null,)"
    R"("field8":null,"latitude":null,"longitude":null,"elevation":null,"status":null})";

std::string usage_reason(const std::string& json) {
    try {
        parse_feed_entry(json);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        return e.what();
    }
    FAIL("expected a usage error for: " << json.substr(0, 80));
    return {};
}

}  // namespace

TEST_CASE("ThingSpeak's own feed message is read in full", "[feed_entry]") {
    const auto entry = parse_feed_entry(kThingSpeakEntry);
    CHECK(entry.channel_id == std::optional<std::uint64_t>{1587079});
    CHECK(entry.entry_id == std::optional<std::uint64_t>{797});
    CHECK(entry.created_at == std::optional<std::string>{"2021-12-11T05:35:31Z"});
    CHECK(entry.fields[1] == std::optional<std::string>{"21"});
    for (std::size_t i : {0u, 2u, 3u, 4u, 5u, 6u, 7u}) CHECK_FALSE(entry.fields[i]);
    CHECK_FALSE(entry.latitude);
    CHECK_FALSE(entry.longitude);
    CHECK_FALSE(entry.elevation);
    CHECK_FALSE(entry.status);
}

TEST_CASE("every value form is kept as text", "[feed_entry]") {
    struct Case {
        std::string value;
        std::optional<std::string> text;
    };
    const std::vector<Case> cases{
        {R"("24.9")", "24.9"},
        {"24.9", "24.9"},
        {"21", "21"},
        {"-3", "-3"},
        {"-2.50", "-2.50"},
        {"1e5", "1e5"},
        {"0.1000000000000000055511", "0.1000000000000000055511"},
        {"18446744073709551615", "18446744073709551615"},
        {"true", "true"},
        {"false", "false"},
        {"null", std::nullopt},
        {R"("")", ""},
        {R"("two words, \"quoted\"")", "two words, \"quoted\""},
        {R"("\u00b0C \ud83d\ude00")", "\u00B0C \U0001F600"},
    };
    for (const auto& c : cases) {
        INFO(c.value);
        const auto entry =
            parse_feed_entry(R"({"field3":)" + c.value + R"(,"status":)" + c.value + "}");
        CHECK(entry.fields[2] == c.text);
        CHECK(entry.status == c.text);
    }
}

TEST_CASE("location keys and created_at take the same value forms", "[feed_entry]") {
    const auto entry = parse_feed_entry(
        R"({"latitude":42.36,"longitude":"-71.06","elevation":120,"created_at":"2014-12-31 23:59:59"})");
    CHECK(entry.latitude == std::optional<std::string>{"42.36"});
    CHECK(entry.longitude == std::optional<std::string>{"-71.06"});
    CHECK(entry.elevation == std::optional<std::string>{"120"});
    CHECK(entry.created_at == std::optional<std::string>{"2014-12-31 23:59:59"});
}

TEST_CASE("missing keys are missing values, and unknown keys are ignored", "[feed_entry]") {
    const auto entry = parse_feed_entry(
        R"({"field5":"x","extra":{"deep":[1,{"field1":"no"}]},"field1x":"no","Field1":"no"})");
    CHECK_FALSE(entry.channel_id);
    CHECK_FALSE(entry.entry_id);
    CHECK_FALSE(entry.created_at);
    CHECK_FALSE(entry.fields[0]);
    CHECK(entry.fields[4] == std::optional<std::string>{"x"});
    CHECK(parse_feed_entry("{}").fields == FeedEntry{}.fields);
    CHECK(parse_feed_entry(" \n{ } \n").channel_id == std::nullopt);
}

TEST_CASE("ids are integers or integers written as strings", "[feed_entry]") {
    struct Case {
        std::string json;
        std::optional<std::uint64_t> channel;
        std::optional<std::uint64_t> entry;
    };
    const std::vector<Case> cases{
        {R"({"channel_id":1587079,"entry_id":797})", 1587079, 797},
        {R"({"channel_id":"1587079","entry_id":"797"})", 1587079, 797},
        {R"({"channel_id":null,"entry_id":null})", std::nullopt, std::nullopt},
        {R"({"channel_id":0,"entry_id":"18446744073709551615"})", 0, 18446744073709551615u},
        {R"({"channel_id":1,"channel_id":2})", 2, std::nullopt},
    };
    for (const auto& c : cases) {
        INFO(c.json);
        const auto entry = parse_feed_entry(c.json);
        CHECK(entry.channel_id == c.channel);
        CHECK(entry.entry_id == c.entry);
    }
}

TEST_CASE("malformed messages are usage errors that say why", "[feed_entry]") {
    struct Case {
        std::string json;
        std::string reason;
    };
    const std::vector<Case> cases{
        {"", "not JSON: unexpected end of input at byte 1"},
        {"{not json", "not JSON: invalid literal at byte 3"},
        {R"({"field1":"21")", "not JSON: unexpected end of input at byte 15"},
        {R"({"field1":"21"} x)", "not JSON: invalid literal at byte 17"},
        {"{\"field1\":\"\xFF\"}", "not JSON: invalid string: ill-formed UTF-8 byte at byte 12"},
        {"[1,2]", "not a JSON object but an array"},
        {"42", "not a JSON object"},
        {R"("text")", "not a JSON object"},
        {"null", "not a JSON object"},
        {R"({"field1":{}})", "field1 is an object"},
        {R"({"status":["ok"]})", "status is an array"},
        {R"({"entry_id":-1})", "entry_id is not a non-negative integer"},
        {R"({"entry_id":1.5})", "entry_id is not a non-negative integer"},
        {R"({"entry_id":797.0})", "entry_id is not a non-negative integer"},
        {R"({"entry_id":"797a"})", "entry_id is not a non-negative integer"},
        {R"({"entry_id":" 797"})", "entry_id is not a non-negative integer"},
        {R"({"entry_id":"-1"})", "entry_id is not a non-negative integer"},
        {R"({"entry_id":""})", "entry_id is not a non-negative integer"},
        {R"({"channel_id":"18446744073709551616"})", "channel_id is not a non-negative integer"},
        {R"({"channel_id":true})", "channel_id is not a non-negative integer"},
        {R"({"channel_id":{"id":1}})", "channel_id is an object"},
    };
    for (const auto& c : cases) {
        INFO(c.json);
        CHECK(usage_reason(c.json) == c.reason);
    }
}

TEST_CASE("deep nesting is refused without exhausting the stack", "[feed_entry]") {
    CHECK(usage_reason(std::string(1'000'000, '[')) == "not a JSON object but an array");
    CHECK(usage_reason("{\"x\":" + std::string(1'000'000, '[')) == "nested deeper than 64 levels");
    CHECK(usage_reason("{\"x\":" + std::string(1'000'000, '{')).rfind("not JSON", 0) == 0);

    const auto nested = [](int depth) {
        return "{\"x\":" + std::string(static_cast<std::size_t>(depth - 1), '[') +
               std::string(static_cast<std::size_t>(depth - 1), ']') + ",\"field1\":\"1\"}";
    };
    CHECK(parse_feed_entry(nested(64)).fields[0] == std::optional<std::string>{"1"});
    CHECK(usage_reason(nested(65)) == "nested deeper than 64 levels");
}

TEST_CASE("a megabyte value is kept, and a megabyte of garbage is not echoed", "[feed_entry]") {
    const std::string big(1 << 20, 'a');
    CHECK(parse_feed_entry(R"({"status":")" + big + "\"}").status == big);

    const auto reason = usage_reason(R"({"status":")" + big);
    CHECK(reason == "not JSON: invalid string: missing closing quote at byte 1048588");
    CHECK(usage_reason("{\"status\":\"\x1b[2J" + big).size() < 100);
}

TEST_CASE("feed_entry_to_json writes ThingSpeak's message byte for byte", "[feed_entry]") {
    CHECK(feed_entry_to_json(parse_feed_entry(kThingSpeakEntry)) == kThingSpeakEntry);
    CHECK(feed_entry_to_json(FeedEntry{}) ==
          R"({"channel_id":null,"created_at":null,"entry_id":null,"field1":null,"field2":null,)"
          R"("field3":null,"field4":null,"field5":null,"field6":null,"field7":null,"field8":null,)"
          R"("latitude":null,"longitude":null,"elevation":null,"status":null})");
}

TEST_CASE("feed_entry_to_json writes numbers and booleans as strings", "[feed_entry]") {
    const auto entry =
        parse_feed_entry(R"({"field1":24.9,"field2":21,"field3":true,"latitude":-1.5})");
    const auto json = feed_entry_to_json(entry);
    CHECK(json.find(R"("field1":"24.9","field2":"21","field3":"true")") != std::string::npos);
    CHECK(json.find(R"("latitude":"-1.5")") != std::string::npos);
}

TEST_CASE("feed_entry_to_json escapes and repairs what it must", "[feed_entry]") {
    struct Case {
        std::string value;
        std::string json;
    };
    const std::vector<Case> cases{
        {"say \"hi\"", R"("say \"hi\"")"},
        {"back\\slash", R"("back\\slash")"},
        {"a\nb\r\tc", R"("a\nb\r\tc")"},
        {"\x1b[31mred", R"("\u001b[31mred")"},
        {"\x01\x7f", R"("\u0001\u007f")"},
        {"csi\xC2\x9B[2J", R"("csi\u009b[2J")"},
        {"\u00B0C", "\"\u00B0C\""},
        {"bad\xFF/byte", "\"bad\uFFFD/byte\""},
        {"cut\xE2\x82", "\"cut\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"overlong\xC0\xAF", "\"overlong\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"surrogate\xED\xA0\x80", "\"surrogate\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
    };
    for (const auto& c : cases) {
        INFO(c.value);
        FeedEntry entry;
        entry.status = c.value;
        const auto json = feed_entry_to_json(entry);
        CHECK(json.substr(json.find("\"status\":") + 9) == c.json + "}");
    }
}

TEST_CASE("an entry survives a round trip through its JSON", "[feed_entry]") {
    FeedEntry entry;
    entry.channel_id = 42;
    entry.entry_id = 7;
    entry.created_at = "2021-12-11T05:35:31Z";
    entry.fields[0] = "1.5";
    entry.fields[7] = "line\nbreak, \"quoted\" \\ \x1b";
    entry.latitude = "42.36";
    entry.longitude = "-71.06";
    entry.elevation = "";
    entry.status = "ok \xE2\x9C\x93";
    const auto back = parse_feed_entry(feed_entry_to_json(entry));
    CHECK(back.channel_id == entry.channel_id);
    CHECK(back.entry_id == entry.entry_id);
    CHECK(back.created_at == entry.created_at);
    CHECK(back.fields == entry.fields);
    CHECK(back.latitude == entry.latitude);
    CHECK(back.longitude == entry.longitude);
    CHECK(back.elevation == entry.elevation);
    CHECK(back.status == entry.status);
}
