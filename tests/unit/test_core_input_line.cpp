// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/input_line.hpp"

using namespace tsmqtt;

namespace {

std::string encoded(std::string_view line, const ColumnMap& columns = default_columns()) {
    return encode_form(parse_input_line(line, columns));
}

std::string error_of(std::string_view line, const ColumnMap& columns = default_columns()) {
    try {
        parse_input_line(line, columns);
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        return e.what();
    }
    FAIL("accepted: " << line);
    return {};
}

}  // namespace

TEST_CASE("the three line formats are told apart", "[input_line]") {
    CHECK(detect_line_format("{\"field1\": 1}") == LineFormat::json);
    CHECK(detect_line_format("  {}") == LineFormat::json);
    CHECK(detect_line_format("field1=1&status=ok") == LineFormat::form);
    CHECK(detect_line_format("2=5") == LineFormat::form);
    CHECK(detect_line_format("1.5,2.5") == LineFormat::csv);
    CHECK(detect_line_format("field9=1") == LineFormat::form);  // reported as an unknown name
    CHECK(detect_line_format("a b=c,d") == LineFormat::csv);    // not a word before '='
    CHECK(detect_line_format("1,x=y") == LineFormat::csv);
    CHECK(detect_line_format("21") == LineFormat::csv);
}

TEST_CASE("CSV lines map to --columns", "[input_line]") {
    CHECK(encoded("21.5,40") == "field1=21.5&field2=40");
    CHECK(encoded("21.5,,3") == "field1=21.5&field3=3");
    CHECK(encoded(" 1 , 2 \r") == "field1=1&field2=2");
    const auto columns = parse_columns("status,-,field4,lat,long");
    CHECK(encoded("\"all, fine\",ignored,9,42.5,-71", columns) ==
          "field4=9&lat=42.5&long=-71&status=all%2C+fine");
    CHECK(encoded("\"say \"\"hi\"\"\"", parse_columns("status")) == "status=say+%22hi%22");
}

TEST_CASE("form lines are decoded and validated", "[input_line]") {
    CHECK(encoded("field1=1&status=hello%20world") == "field1=1&status=hello+world");
    CHECK(encoded("3=7&&lat=1") == "field3=7&lat=1");
    CHECK(encoded("created_at=2014-12-31+23%3A59%3A59&1=5") ==
          "field1=5&created_at=2014-12-31+23%3A59%3A59");
}

TEST_CASE("JSON lines accept strings, numbers, booleans and null", "[input_line]") {
    CHECK(encoded(R"({"field1": 1.5, "status": "ok", "field2": null, "3": true})") ==
          "field1=1.5&field3=true&status=ok");
    CHECK(encoded(R"({"lat": 42.5, "long": "-71.1", "elevation": -3})") ==
          "lat=42.5&long=-71.1&elevation=-3");
}

TEST_CASE("JSON numbers are sent as the line wrote them", "[input_line]") {
    CHECK(encoded(R"({"field1": 1e2, "field2": 3.14159265358979323846})") ==
          "field1=1e2&field2=3.14159265358979323846");
    CHECK(encoded(R"({"field1": 18446744073709551616, "field2": 18446744073709551615})") ==
          "field1=18446744073709551616&field2=18446744073709551615");
    CHECK(encoded(R"({"field1": -0, "field2": 0, "field3": -9223372036854775808, "4": 1.50})") ==
          "field1=-0&field2=0&field3=-9223372036854775808&field4=1.50");
    CHECK(encoded(R"({"field1": 2.5E-3})") == "field1=2.5E-3");
    CHECK_THAT(error_of(R"({"field1": 1, "field2": {"nested": 1}})"),
               Catch::Contains("value of 'field2' is not a string, number or boolean"));
}

TEST_CASE("bad lines say what is wrong", "[input_line]") {
    struct Case {
        std::string line;
        std::string words;
    };
    const std::vector<Case> cases{
        {"1,2,3,4,5,6,7,8,9", "9 values but only 8 columns"},
        {"\"open", "unterminated quote"},
        {"\"a\"b,1", "text after a closing quote"},
        {"field9=1", "unknown parameter 'field9'"},
        {"field1=1&bogus", "'bogus' is not name=value"},
        {"field1=%zz", "bad %-escape"},
        {"lat=95", "invalid lat '95'"},
        {"{\"field1\": [1]}", "value of 'field1' is not a string, number or boolean"},
        {"{\"colour\": 1}", "unknown parameter 'colour'"},
        {"{\"field1\": 1", "invalid JSON"},
        {"{}", "no values"},
        {",,,", "no values"},
        {"{\"field1\": null}", "no values"},
        {std::string("\xff"), "not valid UTF-8"},
        {std::string(300, '7'), "300 bytes long"},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        CHECK_THAT(error_of(c.line), Catch::Contains(c.words));
    }
    // Not JSON (no brace) and no parameter name: plain CSV text, which is valid.
    CHECK(encoded("[1,2]") == "field1=%5B1&field2=2%5D");
}

TEST_CASE("the --columns list is checked", "[input_line]") {
    CHECK(parse_columns("1,2,status").size() == 3);
    CHECK_FALSE(parse_columns("field1,,status")[1].has_value());
    CHECK_THROWS_WITH(parse_columns("field1,temperature"),
                      Catch::Contains("unknown name 'temperature'"));
    CHECK_THROWS_WITH(parse_columns("field1,1"), Catch::Contains("named twice"));
}

TEST_CASE("blank lines are recognised", "[input_line]") {
    CHECK(is_blank(""));
    CHECK(is_blank(" \t\r"));
    CHECK_FALSE(is_blank(" 1"));
}

TEST_CASE("header rows are recognised", "[input_line]") {
    REQUIRE(parse_header_line("field1,status,-").has_value());
    CHECK(parse_header_line(" lat , long ")->size() == 2);
    CHECK_FALSE(parse_header_line("field1,21.5").has_value());
    CHECK_FALSE(parse_header_line("1,2").has_value());  // numbers are data
    CHECK_FALSE(parse_header_line("-,-").has_value());
    CHECK_FALSE(parse_header_line("field1=1").has_value());
    CHECK_FALSE(parse_header_line("field1,field1").has_value());
    CHECK_FALSE(parse_header_line("{\"field1\": 1}").has_value());
}
