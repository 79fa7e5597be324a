// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <string>

#include "core/feed_entry.hpp"
#include "format/formatter.hpp"

using namespace tsmqtt;

namespace {

const Clock::time_point kReceived{std::chrono::seconds{1639200999}};  // 2021-12-11T05:36:39Z

FeedEntry thingspeak_entry() {
    FeedEntry entry;
    entry.channel_id = 1587079;
    entry.entry_id = 797;
    entry.created_at = "2021-12-11T05:35:31Z";
    entry.fields[1] = "21";
    return entry;
}

std::string text(const Update& update, FormatOptions options = {}) {
    options.format = Format::text;
    return make_formatter(options)->format(update);
}

FieldUpdate field_update(int field, std::string value) {
    return FieldUpdate{"channels/1587079/subscribe/fields/field" + std::to_string(field), 1587079,
                       *FieldNumber::of(field), std::move(value), kReceived};
}

}  // namespace

TEST_CASE("text: a channel update shows its time, ids and present values", "[format][text]") {
    auto entry = thingspeak_entry();
    entry.status = "ok";
    CHECK(text(ChannelUpdate{"channels/1587079/subscribe", entry, kReceived}) ==
          "2021-12-11T05:35:31Z  1587079  #797  field2=21  status=ok\n");
}

TEST_CASE("text: values come in a fixed order, location and status last", "[format][text]") {
    FeedEntry entry = thingspeak_entry();
    entry.status = "all good";
    entry.elevation = "120";
    entry.longitude = "-71.06";
    entry.latitude = "42.36";
    entry.fields[7] = "8";
    entry.fields[0] = "";
    CHECK(text(ChannelUpdate{"t", entry, kReceived}) ==
          "2021-12-11T05:35:31Z  1587079  #797  field1=  field2=21  field8=8  "
          "lat=42.36  long=-71.06  elev=120  status=all good\n");
}

TEST_CASE("text: missing time and ids fall back to the receive time and dashes", "[format][text]") {
    FeedEntry entry;
    entry.fields[3] = "4";
    CHECK(text(ChannelUpdate{"t", entry, kReceived}) == "2021-12-11T05:36:39Z  -  #-  field4=4\n");
    CHECK(text(ChannelUpdate{"t", FeedEntry{}, kReceived}) == "2021-12-11T05:36:39Z  -  #-\n");
}

TEST_CASE("text: field and raw updates", "[format][text]") {
    CHECK(text(field_update(3, "45")) == "2021-12-11T05:36:39Z  1587079  field3=45\n");
    // A retained message says so; a live one does not.
    CHECK(text(RawUpdate{"sensors/a b", "hello, world", 1, true, kReceived}) ==
          "2021-12-11T05:36:39Z  sensors/a b  retain  hello, world\n");
    CHECK(text(RawUpdate{"sensors/a b", "hello, world", 1, false, kReceived}) ==
          "2021-12-11T05:36:39Z  sensors/a b  hello, world\n");
    CHECK(text(RawUpdate{"empty", "", 0, false, kReceived}) == "2021-12-11T05:36:39Z  empty  \n");
}

TEST_CASE("text: labels name the fields they are given for", "[format][text]") {
    FormatOptions options;
    options.labels = {{2, "temperature"}, {3, "humidity"}};
    auto entry = thingspeak_entry();
    entry.fields[0] = "1";
    CHECK(text(ChannelUpdate{"t", entry, kReceived}, options) ==
          "2021-12-11T05:35:31Z  1587079  #797  field1=1  temperature=21\n");
    CHECK(text(field_update(3, "60"), options) == "2021-12-11T05:36:39Z  1587079  humidity=60\n");
    CHECK(text(field_update(4, "1"), options) == "2021-12-11T05:36:39Z  1587079  field4=1\n");
}

TEST_CASE("text: network text is escaped only when asked", "[format][text]") {
    auto entry = thingspeak_entry();
    entry.created_at = "\x1b[2J2021";
    entry.fields[1] = "a\nb";
    entry.status = "\xC2\x9B[31m\\";
    const ChannelUpdate channel{"t", entry, kReceived};
    const RawUpdate raw{"top\x1bic", "pay\rload\xFF", 0, false, kReceived};

    CHECK(text(channel) == "\x1b[2J2021  1587079  #797  field2=a\\x0Ab  status=\xC2\x9B[31m\\\n");
    // Without escaping, only line breaks are shown as escapes: one update, one line.
    CHECK(text(raw) == "2021-12-11T05:36:39Z  top\x1bic  pay\\x0Dload\xFF\n");
    CHECK(text(RawUpdate{"t", "a\nb", 0, false, kReceived}) ==
          "2021-12-11T05:36:39Z  t  a\\x0Ab\n");
    CHECK(text(field_update(1, "\x07")) == "2021-12-11T05:36:39Z  1587079  field1=\x07\n");

    FormatOptions escaping;
    escaping.escape_controls = true;
    CHECK(text(channel, escaping) ==
          "\\x1B[2J2021  1587079  #797  field2=a\\x0Ab  status=\\xC2\\x9B[31m\\\\\n");
    CHECK(text(raw, escaping) == "2021-12-11T05:36:39Z  top\\x1Bic  pay\\x0Dload\\xFF\n");
    CHECK(text(field_update(1, "\x07"), escaping) ==
          "2021-12-11T05:36:39Z  1587079  field1=\\x07\n");
}

TEST_CASE("text: colour dims the time and marks field names, and only when asked",
          "[format][text]") {
    FormatOptions coloured;
    coloured.color = true;
    coloured.labels = {{2, "temp"}};
    auto entry = thingspeak_entry();
    entry.status = "ok";
    const ChannelUpdate channel{"t", entry, kReceived};
    CHECK(text(channel, coloured) ==
          "\x1b[2m2021-12-11T05:35:31Z\x1b[0m  1587079  #797  \x1b[36mtemp\x1b[0m=21  "
          "\x1b[36mstatus\x1b[0m=ok\n");
    CHECK(text(field_update(2, "21"), coloured) ==
          "\x1b[2m2021-12-11T05:36:39Z\x1b[0m  1587079  \x1b[36mtemp\x1b[0m=21\n");
    CHECK(text(RawUpdate{"a/b", "x", 0, false, kReceived}, coloured) ==
          "\x1b[2m2021-12-11T05:36:39Z\x1b[0m  a/b  x\n");

    CHECK(text(channel).find('\x1b') == std::string::npos);
    CHECK(text(field_update(2, "21")).find('\x1b') == std::string::npos);
}

TEST_CASE("text: no header for any kind of update", "[format][text]") {
    const auto formatter = make_formatter(FormatOptions{});
    for (const auto kind : {UpdateKind::channel, UpdateKind::field, UpdateKind::raw}) {
        CHECK(formatter->header(kind).empty());
    }
}
