// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "core/flat_json.hpp"
#include "format/json_text.hpp"

using namespace tsmqtt;
using Step = FlatObjectReader::Step;
using Kind = FlatValue::Kind;

namespace {

struct Member {
    std::string key;
    Kind kind;
    std::string text;

    bool operator==(const Member&) const = default;
};

// Every member, or nothing if the reader leaves the text to the full parser.
std::optional<std::vector<Member>> read_all(std::string_view json) {
    FlatObjectReader reader(json);
    std::vector<Member> members;
    for (;;) {
        switch (reader.next()) {
            case Step::end:
                CHECK(reader.next() == Step::end);
                return members;
            case Step::unhandled:
                CHECK(reader.next() == Step::unhandled);
                return std::nullopt;
            case Step::member:
                members.push_back({std::string(reader.key()), reader.value().kind,
                                   std::string(reader.value().text)});
        }
    }
}

// "ok: <entry as JSON>" or "error: <reason>", from either parser.
template <typename Parse>
std::string outcome(Parse parse, const std::string& json) {
    try {
        return "ok: " + feed_entry_to_json(parse(json));
    } catch (const Error& e) {
        return std::string("error: ") + e.what();
    }
}

void check_same_as_full_parser(const std::string& json) {
    INFO(json);
    CHECK(outcome(parse_feed_entry, json) == outcome(parse_feed_entry_fully, json));
}

}  // namespace

TEST_CASE("flat reader: every value kind, as sent", "[flat_json]") {
    const auto members = read_all(
        R"( { "s":"24.9", "e":"", "i":797, "neg":-3, "z":-0, "f":-2.50, "x":1E+5, "t":true, "b":false, "n":null } )");
    REQUIRE(members);
    const std::vector<Member> expected{
        {"s", Kind::string, "24.9"},  {"e", Kind::string, ""},      {"i", Kind::integer, "797"},
        {"neg", Kind::integer, "-3"}, {"z", Kind::integer, "0"},    {"f", Kind::number, "-2.50"},
        {"x", Kind::number, "1E+5"},  {"t", Kind::boolean, "true"}, {"b", Kind::boolean, "false"},
        {"n", Kind::null, ""},
    };
    CHECK(*members == expected);
    CHECK(read_all("{}") == std::vector<Member>{});
    CHECK(read_all("\t\r\n{}\n") == std::vector<Member>{});
}

TEST_CASE("flat reader: simple escapes are unescaped, in keys too", "[flat_json]") {
    const auto members = read_all(R"({"a\"b":"q\"\\\/\b\f\n\r\tz","k":"plain"})");
    REQUIRE(members);
    REQUIRE(members->size() == 2);
    CHECK((*members)[0] == Member{"a\"b", Kind::string, "q\"\\/\b\f\n\r\tz"});
    CHECK((*members)[1] == Member{"k", Kind::string, "plain"});
}

TEST_CASE("flat reader: anything out of the common shape is left to the full parser",
          "[flat_json]") {
    const std::vector<std::string> unhandled{
        // valid JSON, but not flat, not ASCII, or with numbers the full parser reads otherwise
        R"({"a":{}})",
        R"({"a":[1]})",
        R"({"a":"\u00b0"})",
        "{\"a\":\"\xC2\xB0\"}",
        "\xEF\xBB\xBF{}",
        R"({"a":18446744073709551616})",
        R"({"a":-9223372036854775809})",
        R"({"a":1e999})",
        R"({"a":1e-400})",
        "[]",
        "42",
        "\"s\"",
        "null",
        // not JSON at all
        "",
        "{",
        "}",
        R"({"a")",
        R"({"a":})",
        R"({"a":1,})",
        R"({,"a":1})",
        R"({"a":1 "b":2})",
        R"({"a":01})",
        R"({"a":1.})",
        R"({"a":.5})",
        R"({"a":-})",
        R"({"a":+1})",
        R"({"a":1e})",
        R"({"a":tru})",
        R"({"a":truex})",
        R"({"a":nul})",
        R"({"a":"x)",
        "{\"a\":\"\x01\"}",
        "{\"a\":\"tab\there\"}",
        R"({"a":"\x"})",
        R"({"a":"\)",
        R"({a:1})",
        "{'a':1}",
        "{} x",
        "{}{}",
        R"({"a":1}})",
    };
    for (const auto& json : unhandled) {
        INFO(json);
        CHECK_FALSE(read_all(json));
    }
}

TEST_CASE("parse_feed_entry agrees with the full parser on every case the tests know",
          "[flat_json]") {
    const std::vector<std::string> cases{
        R"({"channel_id":1587079,"created_at":"2021-12-11T05:35:31Z","entry_id":797,"field1":null,)"
        R"("field2":"21","field3":null,"field4":null,"field5":null,"field6":null,"field7":null,)"
        R"("field8":null,"latitude":null,"longitude":null,"elevation":null,"status":null})",
        R"({"entry_id":-0})",
        R"({"entry_id":-1})",
        R"({"entry_id":"-0"})",
        R"({"entry_id":1.0})",
        R"({"entry_id":true})",
        R"({"entry_id":"007"})",
        R"({"entry_id":18446744073709551615})",
        R"({"entry_id":18446744073709551616})",
        R"({"channel_id":1,"channel_id":null})",
        R"({"field1":-0,"field2":-0.0,"field3":1e5,"field4":false,"status":"a\/b"})",
        R"({"field1":"x","field1":null,"field1":"y"})",
        R"({"Field1":"x","field1 ":"y"})",
        R"({"status":{"nested":1}})",
        R"({"other":{"nested":1},"field2":"2"})",
    };
    for (const auto& json : cases) check_same_as_full_parser(json);
}

TEST_CASE("parse_feed_entry agrees with the full parser on mutated feed messages", "[flat_json]") {
    // Byte mutations of a real message, drawn from JSON's own alphabet so that most stay close
    // to valid: each must come out of both parsers alike, as the same entry or the same error.
    const std::string seeds[] = {
        R"({"channel_id":1587079,"created_at":"2021-12-11T05:35:31Z","entry_id":797,"field1":-2.5e3,)"
        R"("field2":"21","field3":true,"field4":null,"field5":"a\"b","status":"ok"})",
        R"({"entry_id":"797","field1":"\u00b0C","extra":[1,{"field2":"no"}],"field2":1e2,"status":null})",
    };
    const std::string alphabet = "{}[]:,\"\\/ -+.0123456789eEntrufalsbx\t\n\x01\x7f\xC3\xA9";
    std::mt19937 random(20261126);
    const auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
    };
    int read_fast = 0;
    int accepted_by_full_parser_only = 0;
    for (int i = 0; i < 20'000; ++i) {
        std::string json = seeds[i % 2];
        for (std::size_t edits = 1 + pick(3); edits > 0; --edits) {
            const std::size_t at = pick(json.size());
            switch (pick(3)) {
                case 0:
                    json[at] = alphabet[pick(alphabet.size())];
                    break;
                case 1:
                    json.insert(at, 1, alphabet[pick(alphabet.size())]);
                    break;
                default:
                    json.erase(at, 1);
                    break;
            }
        }
        check_same_as_full_parser(json);
        if (read_all(json)) {
            ++read_fast;
        } else if (outcome(parse_feed_entry, json).rfind("ok: ", 0) == 0) {
            ++accepted_by_full_parser_only;
        }
    }
    // Both paths were exercised: mutations the fast reader took, and ones it left to the full
    // parser.
    CHECK(read_fast > 1'000);
    CHECK(accepted_by_full_parser_only > 1'000);
}
