// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>

#include "core/error.hpp"
#include "core/feed_entry.hpp"
#include "format/formatter.hpp"
#include "format/json_text.hpp"

using namespace tsmqtt;
using namespace std::string_literals;

namespace {

const Clock::time_point kReceived{std::chrono::seconds{1639200999}};  // 2021-12-11T05:36:39Z

std::unique_ptr<Formatter> formatter(Format format, std::string text = {}, bool escape = false) {
    FormatOptions options;
    options.format = format;
    options.template_text = std::move(text);
    options.escape_controls = escape;
    return make_formatter(options);
}

std::string usage_error_of(const std::string& text) {
    try {
        formatter(Format::templated, text);
    } catch (const Error& error) {
        CHECK(error.code() == ExitCode::usage);
        return error.what();
    }
    FAIL("no error for " << text);
    return {};
}

const RawUpdate kBinary{"raw/bin", "\x00\xff\n\x1b[2J"s, 2, true, kReceived};

}  // namespace

TEST_CASE("payload: the payload's bytes alone, one per line", "[format][payload]") {
    const auto payload = formatter(Format::payload);
    CHECK(payload->header(UpdateKind::raw).empty());
    CHECK(payload->format(kBinary) == "\x00\xff\n\x1b[2J\n"s);
    CHECK(payload->format(FieldUpdate{"channels/5/subscribe/fields/field2", 5, *FieldNumber::of(2),
                                      "21", kReceived}) == "21\n");
    const auto entry = parse_feed_entry(R"({"channel_id":5,"entry_id":1,"field1":"7"})");
    CHECK(payload->format(ChannelUpdate{"channels/5/subscribe", entry, kReceived}) ==
          feed_entry_to_json(entry) + "\n");
}

TEST_CASE("payload: on a terminal, control characters are made harmless", "[format][payload]") {
    CHECK(formatter(Format::payload, {}, true)->format(kBinary) == "\\x00\\xFF\\x0A\\x1B[2J\n");
}

TEST_CASE("template: named fields render as in JSON output", "[format][template]") {
    const auto line = formatter(Format::templated,
                                "{received_at} {topic} q{qos} {retain} [{payload}] {{literal}}")
                          ->format(kBinary);
    CHECK(line == "2021-12-11T05:36:39Z raw/bin q2 true [\x00\xff\n\x1b[2J] {literal}\n"s);
    const auto entry = parse_feed_entry(
        R"({"channel_id":1587079,"entry_id":797,"created_at":"2021-12-11T05:35:31Z",)"
        R"("field2":"21","status":"ok"})");
    CHECK(formatter(
              Format::templated,
              "{channel_id}#{entry_id} {created_at} f1={field1} f2={field2:>4} {status} {retain}")
              ->format(ChannelUpdate{"channels/1587079/subscribe", entry, kReceived}) ==
          "1587079#797 2021-12-11T05:35:31Z f1= f2=  21 ok false\n");
    CHECK(formatter(Format::templated, "{channel_id} {field}={value} {field3}")
              ->format(FieldUpdate{"t", 5, *FieldNumber::of(3), "4.5", kReceived}) ==
          "5 3=4.5 4.5\n");
}

TEST_CASE("template: an unknown name or bad syntax is a usage error before any message",
          "[format][template]") {
    const auto unknown = usage_error_of("{topic} {colour}");
    CHECK_THAT(unknown, Catch::Contains("unknown field {colour}"));
    CHECK_THAT(unknown, Catch::Contains("{topic} {payload} {received_at} {qos} {retain}"));
    CHECK_THAT(usage_error_of("{}"), Catch::Contains("unknown field {}"));
    CHECK_THAT(usage_error_of("{topic"), Catch::Contains("invalid --template '{topic'"));
    CHECK_THAT(usage_error_of("{qos:d}"), Catch::Contains("invalid --template"));
}
