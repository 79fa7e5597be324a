// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>

#include "core/feed_entry.hpp"
#include "format/formatter.hpp"

using namespace tsmqtt;

namespace {

const Clock::time_point kReceived{std::chrono::seconds{1639200999}};  // 2021-12-11T05:36:39Z

FormatOptions csv_options() {
    FormatOptions options;
    options.format = Format::csv;
    return options;
}

std::string csv(const Update& update, FormatOptions options = csv_options()) {
    return make_formatter(options)->format(update);
}

}  // namespace

TEST_CASE("csv: a header row per kind of update, or none with --no-header", "[format][csv]") {
    auto options = csv_options();
    const auto formatter = make_formatter(options);
    CHECK(formatter->header(UpdateKind::channel) ==
          "created_at,channel_id,entry_id,field1,field2,field3,field4,field5,field6,field7,field8,"
          "latitude,longitude,elevation,status\n");
    CHECK(formatter->header(UpdateKind::field) == "received_at,channel_id,field,value\n");
    CHECK(formatter->header(UpdateKind::raw) == "received_at,topic,qos,retain,payload\n");

    options.header = false;
    const auto headless = make_formatter(options);
    for (const auto kind : {UpdateKind::channel, UpdateKind::field, UpdateKind::raw}) {
        CHECK(headless->header(kind).empty());
    }
}

TEST_CASE("csv: --label names the channel feed's field columns, quoted when it must be",
          "[format][csv]") {
    auto options = csv_options();
    options.labels = {{1, "Temperature"}, {3, "Wind, gusts"}};
    CHECK(make_formatter(options)->header(UpdateKind::channel) ==
          "created_at,channel_id,entry_id,Temperature,field2,\"Wind, gusts\",field4,field5,field6,"
          "field7,field8,latitude,longitude,elevation,status\n");
}

TEST_CASE("csv: a channel row has every column, empty where null or missing", "[format][csv]") {
    const auto entry = parse_feed_entry(
        R"({"channel_id":1587079,"created_at":"2021-12-11T05:35:31Z","entry_id":797,"field1":null,)"
        R"("field2":"21","field8":24.9,"latitude":"42.36","elevation":null,"status":"ok"})");
    CHECK(csv(ChannelUpdate{"channels/1587079/subscribe", entry, kReceived}) ==
          "2021-12-11T05:35:31Z,1587079,797,,21,,,,,,24.9,42.36,,,ok\n");
    CHECK(csv(ChannelUpdate{"t", FeedEntry{}, kReceived}) == ",,,,,,,,,,,,,,\n");
}

TEST_CASE("csv: cells are quoted only when they must be", "[format][csv]") {
    FeedEntry entry;
    entry.fields[0] = "a,b";
    entry.fields[1] = "say \"hi\"";
    entry.fields[2] = "line\nbreak";
    entry.fields[3] = "cr\r";
    entry.fields[4] = " leading space";
    entry.status = "";
    CHECK(csv(ChannelUpdate{"t", entry, kReceived}) ==
          ",,,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\r\", leading space,,,,,,,\n");
}

TEST_CASE("csv: field updates give the field number and the value", "[format][csv]") {
    CHECK(csv(FieldUpdate{"channels/9/subscribe/fields/field3", 9, *FieldNumber::of(3), "45",
                          kReceived}) == "2021-12-11T05:36:39Z,9,3,45\n");
    CHECK(csv(FieldUpdate{"t", 9, *FieldNumber::of(8), "x,y", kReceived}) ==
          "2021-12-11T05:36:39Z,9,8,\"x,y\"\n");
}

TEST_CASE("csv: raw updates give qos and retain as true/false", "[format][csv]") {
    CHECK(csv(RawUpdate{"a/b", "hello", 1, true, kReceived}) ==
          "2021-12-11T05:36:39Z,a/b,1,true,hello\n");
    CHECK(csv(RawUpdate{"a,b", "x\"y", 2, false, kReceived}) ==
          "2021-12-11T05:36:39Z,\"a,b\",2,false,\"x\"\"y\"\n");
    CHECK(csv(RawUpdate{"a/b", "", 0, false, kReceived}) == "2021-12-11T05:36:39Z,a/b,0,false,\n");
}

TEST_CASE("csv: a payload that is not UTF-8 is written as base64", "[format][csv]") {
    struct Case {
        std::string payload;
        std::string cell;
    };
    const std::vector<Case> cases{
        {"\xFF", "base64:/w=="},
        {"\xFF\xFE", "base64://4="},
        {"\xFF\xFE\xFD", "base64://79"},
        {std::string("\x00\xFF\x10\x80", 4), "base64:AP8QgA=="},
        {"ok\xC0\xAF", "base64:b2vArw=="},
        {"surrogate\xED\xA0\x80", "base64:c3Vycm9nYXRl7aCA"},
        {"\xF4\x90\x80\x80", "base64:9JCAgA=="},
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
        {"c1 \xC2\x9B is UTF-8", "c1 \xC2\x9B is UTF-8"},
    };
    for (const auto& c : cases) {
        INFO(c.payload);
        CHECK(csv(RawUpdate{"bin", c.payload, 0, false, kReceived}) ==
              "2021-12-11T05:36:39Z,bin,0,false," + c.cell + "\n");
    }
    auto escaping = csv_options();
    escaping.escape_controls = true;
    CHECK(csv(RawUpdate{"bin", "\x1b\xFF", 0, false, kReceived}, escaping) ==
          "2021-12-11T05:36:39Z,bin,0,false,base64:G/8=\n");
}

TEST_CASE("csv: with escape_controls, cells are escaped before quoting", "[format][csv]") {
    auto escaping = csv_options();
    escaping.escape_controls = true;
    FeedEntry entry;
    entry.created_at = "\x1b[2J";
    entry.fields[0] = "a\nb";
    entry.fields[1] = "x,\x1b]0;t\x07";
    entry.status = "\xC2\x9B\\";
    CHECK(csv(ChannelUpdate{"t", entry, kReceived}, escaping) ==
          "\\x1B[2J,,,a\\x0Ab,\"x,\\x1B]0;t\\x07\",,,,,,,,,,\\xC2\\x9B\\\\\n");
    CHECK(csv(ChannelUpdate{"t", entry, kReceived}) ==
          "\x1b[2J,,,\"a\nb\",\"x,\x1b]0;t\x07\",,,,,,,,,,\xC2\x9B\\\n");
    CHECK(csv(RawUpdate{"t\x1b", "tab\tkept\r\n", 0, false, kReceived}, escaping) ==
          "2021-12-11T05:36:39Z,t\\x1B,0,false,tab\tkept\\x0D\\x0A\n");
    CHECK(csv(FieldUpdate{"t", 1, *FieldNumber::of(1), "\x07", kReceived}, escaping) ==
          "2021-12-11T05:36:39Z,1,1,\\x07\n");
}
