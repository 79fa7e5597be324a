// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/stamp.hpp"

using namespace tsmqtt;

namespace {
const auto kNoon =
    std::chrono::system_clock::time_point(std::chrono::sys_days{std::chrono::year{2026} / 12 / 2}) +
    std::chrono::hours(12) + std::chrono::milliseconds(250);
}

TEST_CASE("an entry gets the second it was read as created_at", "[stamp]") {
    EntryStamper stamper;
    const auto result = stamper.stamp(7, "field1=1", kNoon);
    CHECK(result.payload == "field1=1&created_at=2026-12-02T12%3A00%3A00Z");
    CHECK(result.stamp == "2026-12-02T12:00:00Z");
    CHECK(result.why_not.empty());
}

TEST_CASE("two entries of a channel never get the same created_at", "[stamp]") {
    EntryStamper stamper;
    CHECK(stamper.stamp(7, "field1=1", kNoon).stamp == "2026-12-02T12:00:00Z");
    CHECK(stamper.stamp(7, "field1=2", kNoon).stamp == "2026-12-02T12:00:01Z");
    // A clock stepping back does not repeat a stamp either.
    CHECK(stamper.stamp(7, "field1=3", kNoon - std::chrono::seconds(30)).stamp ==
          "2026-12-02T12:00:02Z");
    // Channels are apart; later readings go back to their own time.
    CHECK(stamper.stamp(8, "field1=1", kNoon).stamp == "2026-12-02T12:00:00Z");
    CHECK(stamper.stamp(7, "field1=4", kNoon + std::chrono::seconds(10)).stamp ==
          "2026-12-02T12:00:10Z");
}

TEST_CASE("an entry with its own created_at keeps it", "[stamp]") {
    EntryStamper stamper;
    const auto result = stamper.stamp(7, "field1=1&created_at=2014-12-31T23%3A59%3A59Z", kNoon);
    CHECK(result.payload == "field1=1&created_at=2014-12-31T23%3A59%3A59Z");
    CHECK(result.stamp.empty());
    CHECK(result.why_not.empty());
    CHECK(has_created_at("created_at=x"));
    CHECK_FALSE(has_created_at("status=created_at%3D"));
}

TEST_CASE("a clock before 2020 is never used as a stamp, and says why", "[stamp]") {
    EntryStamper stamper;
    const auto unset = std::chrono::system_clock::time_point(std::chrono::seconds(86400));
    const auto result = stamper.stamp(7, "field1=1", unset);
    CHECK(result.payload == "field1=1");
    CHECK(result.stamp.empty());
    CHECK_THAT(result.why_not, Catch::Contains("1970-01-02T00:00:00Z, before 2020"));
}

TEST_CASE("a stamp that would make the entry too long is left out", "[stamp]") {
    EntryStamper stamper;
    const std::string big = "status=" + std::string(2990, 'x');
    const auto result = stamper.stamp(7, big, kNoon);
    CHECK(result.payload == big);
    CHECK_THAT(result.why_not, Catch::Contains("3000 bytes"));
}

TEST_CASE("stamps follow another run's latest stamp of the channel", "[stamp]") {
    EntryStamper stamper;
    stamper.follow(7, "2026-12-02T12:00:41Z");  // a run before this one stamped ahead of time
    stamper.follow(7, "2026-12-02T11:00:00Z");  // an older one never moves it back
    stamper.follow(7, "not a stamp");
    stamper.follow(7, "2026-13-02T12:00:00Z");
    CHECK(stamper.stamp(7, "field1=1", kNoon).stamp == "2026-12-02T12:00:42Z");
    CHECK(stamper.stamp(8, "field1=1", kNoon).stamp == "2026-12-02T12:00:00Z");
    stamper.follow(8, "2026-12-02T11:59:59Z");  // behind the reading time: the reading wins
    CHECK(stamper.stamp(8, "field1=2", kNoon + std::chrono::seconds(5)).stamp ==
          "2026-12-02T12:00:05Z");
}
