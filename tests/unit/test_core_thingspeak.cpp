// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/thingspeak.hpp"

using namespace tsmqtt;

TEST_CASE("topics follow docs/thingspeak.md", "[thingspeak]") {
    const ChannelId ch{1587079};
    CHECK(publish_topic(ch) == "channels/1587079/publish");
    CHECK(publish_topic(ch, "KEY") == "channels/1587079/publish/KEY");
    CHECK(publish_field_topic(ch, *FieldNumber::of(3)) == "channels/1587079/publish/fields/field3");
    CHECK(publish_field_topic(ch, *FieldNumber::of(3), "K") ==
          "channels/1587079/publish/fields/field3/K");
    CHECK(subscribe_topic(ch) == "channels/1587079/subscribe");
    CHECK(subscribe_topic(ch, "R") == "channels/1587079/subscribe/json/R");
    CHECK(subscribe_field_topic(ch, *FieldNumber::of(8)) ==
          "channels/1587079/subscribe/fields/field8");
    CHECK(subscribe_field_topic(ch, std::nullopt) == "channels/1587079/subscribe/fields/+");
    CHECK(subscribe_field_topic(ch, *FieldNumber::of(1), "R") ==
          "channels/1587079/subscribe/fields/field1/R");
}

TEST_CASE("subscribe topics are classified", "[thingspeak]") {
    using Kind = TopicMeaning::Kind;
    struct Case {
        std::string topic;
        Kind kind;
        std::uint64_t channel;
        int field;
    };
    const std::vector<Case> cases{
        {"channels/5/subscribe", Kind::channel_feed, 5, 0},
        {"channels/5/subscribe/json/KEY", Kind::channel_feed, 5, 0},
        {"channels/5/subscribe/fields/field2", Kind::field_feed, 5, 2},
        {"channels/5/subscribe/fields/field8/KEY", Kind::field_feed, 5, 8},
        {"channels/5/subscribe/fields/field9", Kind::other, 0, 0},
        {"channels/5/subscribe/fields/field10", Kind::other, 0, 0},
        {"channels/x/subscribe", Kind::other, 0, 0},
        {"channels/0/subscribe", Kind::other, 0, 0},
        {"channels/5/publish", Kind::other, 0, 0},
        {"other/5/subscribe", Kind::other, 0, 0},
    };
    for (const auto& c : cases) {
        INFO(c.topic);
        const auto meaning = classify_subscribe_topic(c.topic);
        CHECK(meaning.kind == c.kind);
        if (c.kind != Kind::other) CHECK(meaning.channel.value == c.channel);
        if (c.field != 0) CHECK(meaning.field->value() == c.field);
    }
}

TEST_CASE("channel IDs, field numbers and parameter names are parsed at the edge", "[thingspeak]") {
    CHECK(parse_channel_id("1587079").value == 1587079);
    for (const std::string bad : {"0", "-1", "12a", "", " 1", "99999999999999999999999"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_channel_id(bad), Catch::Contains("invalid channel ID"));
    }
    CHECK(parse_field_number("field8").value() == 8);
    CHECK(parse_field_number("1").value() == 1);
    for (const std::string bad : {"0", "9", "field", "field10", "x"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_field_number(bad),
                          Catch::Contains("expected a field number from 1 to 8"));
    }
    CHECK(parse_param("long") == Param::long_);
    CHECK(parse_param("latitude") == Param::lat);
    CHECK(param_name(Param::created_at) == "created_at");
    CHECK_THROWS_WITH(parse_param("temp"), Catch::Contains("unknown parameter 'temp'"));
}
