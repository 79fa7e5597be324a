// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "relay_core.hpp"

using namespace tsmqtt;
using namespace tsmqtt::relay;
using nlohmann::json;

namespace {

const auto kWhen = std::chrono::system_clock::time_point(
    std::chrono::seconds(1639200931));  // 2021-12-11T05:35:31Z
const auto kStart = std::chrono::steady_clock::time_point(std::chrono::seconds(50));

}  // namespace

TEST_CASE("the relay republishes an entry as ThingSpeak's feed JSON and field values", "[relay]") {
    Relay relay;
    const auto out =
        relay.handle("channels/1587079/publish", "field2=21&status=hello+world", kWhen, kStart);
    REQUIRE(out.dropped.empty());
    REQUIRE(out.messages.size() == 2);
    CHECK(out.messages[0].topic == "channels/1587079/subscribe");
    CHECK(
        out.messages[0].payload ==
        R"({"channel_id":1587079,"created_at":"2021-12-11T05:35:31Z","entry_id":1,"field1":null,"field2":"21",)"
        R"("field3":null,"field4":null,"field5":null,"field6":null,"field7":null,"field8":null,)"
        R"("latitude":null,"longitude":null,"elevation":null,"status":"hello world"})");
    CHECK(out.messages[1].topic == "channels/1587079/subscribe/fields/field2");
    CHECK(out.messages[1].payload == "21");
}

TEST_CASE("entry IDs count per channel and created_at is kept when given", "[relay]") {
    Relay relay;
    relay.handle("channels/1/publish", "field1=1", kWhen, kStart);
    const auto second = relay.handle("channels/1/publish",
                                     "field1=2&created_at=2014-12-31+23%3A59%3A59", kWhen, kStart);
    const auto other = relay.handle("channels/2/publish/fields/field4", "x y", kWhen, kStart);
    const auto entry = json::parse(second.messages[0].payload);
    CHECK(entry["entry_id"] == 2);
    CHECK(entry["created_at"] == "2014-12-31 23:59:59");
    const auto other_entry = json::parse(other.messages[0].payload);
    CHECK(other_entry["entry_id"] == 1);
    CHECK(other_entry["field4"] == "x y");
    CHECK(other.messages[1].topic == "channels/2/subscribe/fields/field4");
}

TEST_CASE("the relay drops what ThingSpeak would drop", "[relay]") {
    struct Case {
        std::string topic;
        std::string payload;
        std::string why;
    };
    const std::vector<Case> cases{
        {"channels/1/publish", "temperature=5", "unknown name 'temperature'"},
        {"channels/1/publish", "1=5", "unknown name '1'"},
        {"channels/1/publish", "field1=" + std::string(256, 'x'), "256 bytes"},
        {"channels/1/publish", "field1=1&x", "not name=value"},
        {"channels/1/publish", "", "no values"},
        {"channels/1/publish", "lat=100", "invalid lat"},
        {"channels/1/publish", std::string(3001, 'a'), "3000 bytes"},
        {"channels/1/publish/fields/field9", "1", "not a ThingSpeak publish topic"},
        {"channels/0/publish", "field1=1", "not a ThingSpeak publish topic"},
        {"channels/1/subscribe", "field1=1", "not a ThingSpeak publish topic"},
        {"channels/1/publish/KEY", "field1=1", "write key does not match"},
    };
    for (const auto& c : cases) {
        INFO(c.topic << " " << c.payload.substr(0, 40));
        Relay relay;
        const auto out = relay.handle(c.topic, c.payload, kWhen, kStart);
        CHECK(out.messages.empty());
        CHECK_THAT(out.dropped, Catch::Contains(c.why));
    }
}

TEST_CASE("legacy write and read keys", "[relay]") {
    Relay relay({{9, ChannelRules{{}, "WKEY", "RKEY"}}});
    CHECK(relay.handle("channels/9/publish", "field1=1", kWhen, kStart).dropped ==
          "write key does not match");
    const auto out = relay.handle("channels/9/publish/WKEY", "field1=1", kWhen, kStart);
    REQUIRE(out.messages.size() == 4);
    CHECK(out.messages[1].topic == "channels/9/subscribe/json/RKEY");
    CHECK(out.messages[3].topic == "channels/9/subscribe/fields/field1/RKEY");
    const auto field = relay.handle("channels/9/publish/fields/field2/WKEY", "5", kWhen, kStart);
    CHECK(field.dropped.empty());
}

TEST_CASE("updates faster than the channel's interval are dropped silently", "[relay]") {
    Relay relay({{3, ChannelRules{std::chrono::seconds(15), {}, {}}}});
    CHECK(relay.handle("channels/3/publish", "field1=1", kWhen, kStart).dropped.empty());
    CHECK(relay.handle("channels/3/publish", "field1=2", kWhen, kStart + std::chrono::seconds(14))
              .dropped == "faster than the channel's update interval");
    const auto third =
        relay.handle("channels/3/publish", "field1=3", kWhen, kStart + std::chrono::seconds(15));
    REQUIRE(third.dropped.empty());
    CHECK(json::parse(third.messages[0].payload)["entry_id"] == 2);
}

TEST_CASE("a relay limited to some channels leaves the others alone", "[relay]") {
    Relay relay({}, {5});
    CHECK(relay.handle("channels/5/publish", "field1=1", kWhen, kStart).dropped.empty());
    CHECK(relay.handle("channels/6/publish", "field1=1", kWhen, kStart).dropped ==
          "channel not handled by this relay");
}

TEST_CASE("an entry whose created_at the channel already has is dropped, as ThingSpeak does",
          "[relay]") {
    Relay relay;
    const std::string stamped = "field1=1&created_at=2026-12-02T04%3A00%3A00Z";
    CHECK(relay.handle("channels/1/publish", stamped, kWhen, kStart).dropped.empty());
    const auto again = relay.handle("channels/1/publish", stamped, kWhen, kStart);
    CHECK(again.dropped == "the channel already has an entry with this created_at");
    CHECK(again.messages.empty());
    // Another channel may have the same time; an entry without one is stamped on arrival.
    CHECK(relay.handle("channels/2/publish", stamped, kWhen, kStart).dropped.empty());
    CHECK(relay.handle("channels/1/publish", "field1=2", kWhen, kStart).dropped.empty());
    const auto next = relay.handle("channels/1/publish",
                                   "field1=3&created_at=2026-12-02T04%3A00%3A01Z", kWhen, kStart);
    REQUIRE(next.dropped.empty());
    CHECK(json::parse(next.messages[0].payload)["entry_id"] == 3);
}
