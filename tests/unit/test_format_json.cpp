// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/feed_entry.hpp"
#include "format/formatter.hpp"

using namespace tsmqtt;

namespace {

const Clock::time_point kReceived{std::chrono::seconds{1639200999}};  // 2021-12-11T05:36:39Z

const std::string kThingSpeakEntry =
    R"({"channel_id":1587079,"created_at":"2021-12-11T05:35:31Z","entry_id":797,"field1":null,)"
    R"("field2":"21","field3":null,"field4":null,"field5":null,"field6":null,"field7":null,)"
    R"("field8":null,"latitude":null,"longitude":null,"elevation":null,"status":null})";

std::string json_line(const Update& update) {
    FormatOptions options;
    options.format = Format::json;
    return make_formatter(options)->format(update);
}

// Each line must parse on its own, as JSON Lines readers take it.
nlohmann::json parsed(const std::string& line) {
    REQUIRE(!line.empty());
    REQUIRE(line.back() == '\n');
    REQUIRE(line.find('\n') == line.size() - 1);
    return nlohmann::json::parse(line);
}

}  // namespace

TEST_CASE("json: a channel update is ThingSpeak's entry plus its topic", "[format][json]") {
    const auto line = json_line(
        ChannelUpdate{"channels/1587079/subscribe", parse_feed_entry(kThingSpeakEntry), kReceived});
    CHECK(line == kThingSpeakEntry.substr(0, kThingSpeakEntry.size() - 1) +
                      R"(,"topic":"channels/1587079/subscribe"})" + "\n");
    CHECK(parsed(line)["entry_id"] == 797);
}

TEST_CASE("json: a sparse entry is normalised: every key, ids as integers, values as strings",
          "[format][json]") {
    const auto entry =
        parse_feed_entry(R"({"channel_id":"9","entry_id":"12","field1":24.9,"field3":true})");
    const auto object = parsed(json_line(ChannelUpdate{"channels/9/subscribe", entry, kReceived}));
    CHECK(object.size() == 16);
    CHECK(object["channel_id"] == 9);
    CHECK(object["entry_id"] == 12);
    CHECK(object["created_at"].is_null());
    CHECK(object["field1"] == "24.9");
    CHECK(object["field2"].is_null());
    CHECK(object["field3"] == "true");
    CHECK(object["status"].is_null());
    CHECK(object["topic"] == "channels/9/subscribe");
}

TEST_CASE("json: field and raw updates", "[format][json]") {
    CHECK(json_line(FieldUpdate{"channels/9/subscribe/fields/field3", 9, *FieldNumber::of(3), "45",
                                kReceived}) ==
          R"({"received_at":"2021-12-11T05:36:39Z","channel_id":9,"field":3,"value":"45",)"
          R"("topic":"channels/9/subscribe/fields/field3"})"
          "\n");
    CHECK(json_line(RawUpdate{"a/b", "hello \"you\"", 1, true, kReceived}) ==
          R"({"received_at":"2021-12-11T05:36:39Z","topic":"a/b","qos":1,"retain":true,)"
          R"("payload":"hello \"you\""})"
          "\n");
    CHECK(
        json_line(RawUpdate{"a/b", "", 0, false, kReceived}) ==
        R"({"received_at":"2021-12-11T05:36:39Z","topic":"a/b","qos":0,"retain":false,"payload":""})"
        "\n");
}

TEST_CASE("json: the MQTT 5 properties of a raw message, each only when present",
          "[format][json]") {
    MessageProperties properties;
    properties.user = {{"room", "kitchen"}, {"k", "v=w"}};
    properties.content_type = "text/plain";
    properties.message_expiry = 30;
    properties.response_topic = "re/sp";
    properties.correlation_data = std::string("\x00id", 3);
    CHECK(json_line(RawUpdate{"a/b", "x", 1, false, kReceived, properties}) ==
          R"({"received_at":"2021-12-11T05:36:39Z","topic":"a/b","qos":1,"retain":false,)"
          R"("payload":"x","user_properties":[["room","kitchen"],["k","v=w"]],)"
          R"("content_type":"text/plain","message_expiry":30,"response_topic":"re/sp",)"
          R"("correlation_data":"AGlk"})"
          "\n");
    MessageProperties only_type;
    only_type.content_type = "a/b";
    CHECK(json_line(RawUpdate{"t", "", 0, false, kReceived, only_type}) ==
          R"({"received_at":"2021-12-11T05:36:39Z","topic":"t","qos":0,"retain":false,)"
          R"("payload":"","content_type":"a/b"})"
          "\n");
}

TEST_CASE("json: a raw payload that is not UTF-8 is given as payload_base64", "[format][json]") {
    const auto line =
        json_line(RawUpdate{"bin", std::string("\x00\xFF\x10\x80", 4), 0, false, kReceived});
    CHECK(line == R"({"received_at":"2021-12-11T05:36:39Z","topic":"bin","qos":0,"retain":false,)"
                  R"("payload_base64":"AP8QgA=="})"
                  "\n");
    const auto object = parsed(line);
    CHECK_FALSE(object.contains("payload"));

    const auto text =
        parsed(json_line(RawUpdate{"t", std::string("nul\0ok", 6), 0, false, kReceived}));
    CHECK(text["payload"] == std::string("nul\0ok", 6));
}

TEST_CASE("json: output stays valid JSON whatever the bytes", "[format][json]") {
    FeedEntry entry;
    entry.fields[0] = "bad\xFF/byte";
    entry.fields[1] = "\x1b[2J\\\"\n";
    entry.status = "csi\xC2\x9B";
    entry.created_at = "\xE2\x82";
    const auto line = json_line(ChannelUpdate{"to\xFEpic", entry, kReceived});
    const auto object = parsed(line);
    CHECK(object["field1"] == "bad\uFFFD/byte");
    CHECK(object["field2"] == "\x1b[2J\\\"\n");
    CHECK(object["status"] == "csi\xC2\x9B");
    CHECK(object["created_at"] == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(object["topic"] == "to\xEF\xBF\xBDpic");
    // Nothing a terminal would act on is written raw.
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find("\xC2\x9B") == std::string::npos);

    const auto field =
        parsed(json_line(FieldUpdate{"t", 1, *FieldNumber::of(1), "\xC0\xAF", kReceived}));
    CHECK(field["value"] == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("json: no header, and options for other formats change nothing", "[format][json]") {
    FormatOptions options;
    options.format = Format::json;
    options.color = true;
    options.escape_controls = true;
    options.labels = {{3, "humidity"}};
    const auto formatter = make_formatter(options);
    for (const auto kind : {UpdateKind::channel, UpdateKind::field, UpdateKind::raw}) {
        CHECK(formatter->header(kind).empty());
    }
    const FieldUpdate update{"t", 1, *FieldNumber::of(3), "a\\b", kReceived};
    CHECK(formatter->format(update) == json_line(update));
    CHECK(formatter->format(update).find("humidity") == std::string::npos);
}
