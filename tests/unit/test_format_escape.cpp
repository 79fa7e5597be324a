// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "format/formatter.hpp"

using namespace tsmqtt;

namespace {

struct Case {
    std::string in;
    std::string out;
};

}  // namespace

TEST_CASE("escape_for_terminal leaves printable text and tabs alone", "[escape]") {
    const std::vector<std::string> kept{
        "",
        "plain text, with spaces",
        "tab\tkept",
        "24\u00B0C",
        "\xC2\xA0nbsp",
        "\xE2\x9C\x93",
        "\xF0\x9F\x98\x80",
        "~!@#$%^&*()",
    };
    for (const auto& text : kept) {
        INFO(text);
        CHECK(escape_for_terminal(text) == text);
    }
}

TEST_CASE("escape_for_terminal makes controls and broken bytes visible", "[escape]") {
    const std::vector<Case> cases{
        {"\x1b[2J\x1b]0;title\x07", "\\x1B[2J\\x1B]0;title\\x07"},
        {"line\nbreak\r", "line\\x0Abreak\\x0D"},
        {std::string("nul\0byte", 8), "nul\\x00byte"},
        {"del\x7f", "del\\x7F"},
        {"back\\slash", "back\\\\slash"},
        {"\\x1B", "\\\\x1B"},
        {"csi\xC2\x9B[31m", "csi\\xC2\\x9B[31m"},
        {"c1 \xC2\x80 \xC2\x9F", "c1 \\xC2\\x80 \\xC2\\x9F"},
        {"bare\x9B", "bare\\x9B"},
        {"\xFF\xFE", "\\xFF\\xFE"},
        {"cut\xE2\x9C", "cut\\xE2\\x9C"},
        {"overlong\xC0\xAF", "overlong\\xC0\\xAF"},
        {"surrogate\xED\xA0\x80", "surrogate\\xED\\xA0\\x80"},
        {"too big\xF4\x90\x80\x80", "too big\\xF4\\x90\\x80\\x80"},
        {"\xE2\x9C\x93\xFF\xE2\x9C\x93", "\xE2\x9C\x93\\xFF\xE2\x9C\x93"},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        CHECK(escape_for_terminal(c.in) == c.out);
    }
}

TEST_CASE("csv_field quotes only when RFC 4180 requires it", "[escape][csv]") {
    const std::vector<Case> cases{
        {"", ""},
        {"plain", "plain"},
        {" leading space", " leading space"},
        {"trailing space ", "trailing space "},
        {"semi;colon", "semi;colon"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"\"", "\"\"\"\""},
        {"cr\r", "\"cr\r\""},
        {"lf\nlf", "\"lf\nlf\""},
        {"crlf\r\n", "\"crlf\r\n\""},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        CHECK(csv_field(c.in) == c.out);
    }
}

TEST_CASE("iso8601_utc writes UTC with seconds", "[format]") {
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    CHECK(iso8601_utc(Clock::time_point{}) == "1970-01-01T00:00:00Z");
    CHECK(iso8601_utc(Clock::time_point{seconds{1639200931}}) == "2021-12-11T05:35:31Z");
    CHECK(iso8601_utc(Clock::time_point{seconds{1639200931} + milliseconds{999}}) ==
          "2021-12-11T05:35:31Z");
    CHECK(iso8601_utc(Clock::time_point{seconds{951782400}}) == "2000-02-29T00:00:00Z");
    CHECK(iso8601_utc(Clock::time_point{milliseconds{-1}}) == "1969-12-31T23:59:59Z");
}

TEST_CASE("parse_format knows text, csv and json", "[format]") {
    CHECK(parse_format("text") == Format::text);
    CHECK(parse_format("csv") == Format::csv);
    CHECK(parse_format("json") == Format::json);
    for (const std::string bad : {"", "JSON", "xml", "json "}) {
        INFO(bad);
        try {
            parse_format(bad);
            FAIL("expected a usage error");
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::usage);
            CHECK(std::string(e.what()) ==
                  "invalid --format '" + bad + "': expected text, csv or json");
        }
    }
}
