// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "watch/model.hpp"
#include "watch/series.hpp"

using namespace tsmqtt;
using namespace tsmqtt::watch;
using namespace std::chrono_literals;

namespace {

const TimePoint kNoon = std::chrono::sys_days(std::chrono::year(2026) / 12 / 2) + 12h;

}  // namespace

TEST_CASE("numbers parse whole and finite; nan, inf and units are texts", "[watch][series]") {
    CHECK(parse_number("21.5") == 21.5);
    CHECK(parse_number(" -3 ") == -3);
    CHECK(parse_number("+4e2") == 400);
    CHECK_FALSE(parse_number("nan"));
    CHECK_FALSE(parse_number("NaN"));
    CHECK_FALSE(parse_number("inf"));
    CHECK_FALSE(parse_number("1e999"));
    CHECK_FALSE(parse_number("21.5C"));
    CHECK_FALSE(parse_number(""));
}

TEST_CASE("spans take s, m, h and d and step through the list", "[watch][series]") {
    CHECK(parse_span("90s") == Span(90));
    CHECK(parse_span("15m") == Span(900));
    CHECK(parse_span("6h") == Span(21600));
    CHECK(parse_span("1d") == Span(86400));
    for (const auto* bad : {"", "1", "h", "1w", "-1h", "0m", "1.5h", "5s", "999d"})
        CHECK_THROWS_AS(parse_span(bad), Error);
    CHECK(format_span(Span(3600)) == "1h");
    CHECK(format_span(Span(90)) == "90s");
    CHECK(format_span(Span(1800)) == "30m");
    CHECK(wider_span(Span(3600)) == Span(3 * 3600));
    CHECK(narrower_span(Span(3600)) == Span(1800));
    CHECK(wider_span(Span(90)) == Span(300));
    CHECK(narrower_span(Span(90)) == Span(60));
    CHECK(narrower_span(Span(60)) == Span(60));
    CHECK(wider_span(Span(7 * 86400)) == Span(7 * 86400));
}

TEST_CASE("statistics cover the span only", "[watch][series]") {
    SeriesStore store(Span(3600));
    store.add("1/1", "field1", 1, kNoon - 2h, "100");  // outside the hour
    store.add("1/1", "field1", 1, kNoon - 30min, "10");
    store.add("1/1", "field1", 1, kNoon - 10min, "20");
    store.add("1/1", "field1", 1, kNoon, "-3");
    const auto stats = store.series()[0].stats(kNoon - 1h, kNoon);
    CHECK(stats.count == 3);
    CHECK(stats.min == -3);
    CHECK(stats.max == 20);
    CHECK(stats.mean == Approx(9));
}

TEST_CASE("texts are kept newest first and bounded; a mostly-text series is no chart",
          "[watch][series]") {
    SeriesStore store(Span(3600));
    for (int i = 0; i < 40; ++i) store.add("k", "k", 0, kNoon, i % 2 == 0 ? "open" : "shut");
    const auto& series = store.series()[0];
    CHECK(series.texts().size() == Series::kMaxTexts);
    CHECK(series.texts().front() == "shut");
    CHECK_FALSE(series.numeric());
    CHECK(series.latest_text() == "shut");
}

TEST_CASE("points close in time merge; memory stays bounded however many arrive",
          "[watch][series]") {
    SeriesStore store(Span(3600));
    // 100 values a second for an hour: far more than any chart can show.
    for (int i = 0; i < 360000; ++i) {
        store.add("k", "k", 0, kNoon - 1h + std::chrono::milliseconds(i * 10), "1");
    }
    const auto& series = store.series()[0];
    CHECK(series.buckets().size() <= Series::kMaxBuckets);
    CHECK(series.stats(kNoon - 2h, kNoon).count == 360000);
    // A week at one point a second, merged from the oldest: still bounded, recent ones kept.
    SeriesStore week(Span(60));
    for (int i = 0; i < 7 * 86400; i += 1)
        week.add("k", "k", 0, kNoon + std::chrono::seconds(i), "2");
    const auto& buckets = week.series()[0].buckets();
    CHECK(buckets.size() <= Series::kMaxBuckets);
    CHECK(buckets.back().count == 1);
    CHECK(week.series()[0].stats(kNoon, kNoon + 8 * 24h).count == 7 * 86400);
}

TEST_CASE("points arriving out of order land in time order", "[watch][series]") {
    SeriesStore store(Span(3600));
    store.add("k", "k", 0, kNoon, "3");
    store.add("k", "k", 0, kNoon - 20min, "1");
    store.add("k", "k", 0, kNoon - 10min, "2");
    const auto& buckets = store.series()[0].buckets();
    REQUIRE(buckets.size() == 3);
    CHECK(buckets[0].latest == 1);
    CHECK(buckets[1].latest == 2);
    CHECK(buckets[2].latest == 3);
}

TEST_CASE("series are ordered by the caller's order and bounded in number", "[watch][series]") {
    SeriesStore store(Span(3600));
    store.add("1/3", "field3", 3, kNoon, "1");
    store.add("1/1", "field1", 1, kNoon, "1");
    store.add("1/2", "field2", 2, kNoon, "1");
    CHECK(store.series()[0].key() == "1/1");
    CHECK(store.series()[2].key() == "1/3");
    SeriesStore many(Span(3600));
    for (long i = 0; i < 100; ++i) many.add(std::to_string(i), "t", i, kNoon, "1");
    CHECK(many.series().size() == SeriesStore::kMaxSeries);
    CHECK(many.ignored_values() == 100 - SeriesStore::kMaxSeries);
}

TEST_CASE("times parse as ThingSpeak and subscribe write them", "[watch][model]") {
    const auto base = std::chrono::sys_days(std::chrono::year(2021) / 12 / 11) + 5h + 35min + 31s;
    CHECK(parse_time("2021-12-11T05:35:31Z") == base);
    CHECK(parse_time("2021-12-11T06:35:31+01:00") == base);
    CHECK(parse_time("2021-12-11T00:35:31-0500") == base);
    CHECK(parse_time("2021-12-11 05:35:31") == base);
    CHECK(parse_time("2021-12-11T05:35:31.250Z") == base);
    CHECK(parse_time("2021-12-11") == std::chrono::sys_days(std::chrono::year(2021) / 12 / 11));
    for (const auto* bad : {"", "yesterday", "2021-13-01", "2021-02-30T00:00:00Z",
                            "2021-12-11T25:00:00Z", "2021-12-11T05:35:31Q"})
        CHECK_FALSE(parse_time(bad));
}

TEST_CASE("the model places entries by created_at, else by arrival, and keeps status",
          "[watch][model]") {
    WatchModel model(Span(3600), {{1, "Temperature"}}, false);
    ChannelUpdate stamped;
    stamped.entry.channel_id = 7;
    stamped.entry.created_at = "2026-12-02T11:30:00Z";
    stamped.entry.fields[0] = "21.5";
    stamped.entry.status = "ok";
    stamped.entry.latitude = "40.5";
    model.on_update(stamped, kNoon);
    ChannelUpdate unstamped;
    unstamped.entry.channel_id = 7;
    unstamped.entry.fields[0] = "22";
    unstamped.entry.fields[1] = "40";
    model.on_update(unstamped, kNoon);
    const auto& series = model.store().series();
    REQUIRE(series.size() == 2);
    CHECK(series[0].label() == "Temperature");
    CHECK(series[1].label() == "field2");
    CHECK(series[0].buckets().front().first == kNoon - 30min);
    CHECK(series[0].buckets().back().first == kNoon);
    CHECK(model.entries() == 2);
    CHECK(model.status() == "ok");
    REQUIRE(model.location());
    CHECK(model.location()->latitude == "40.5");
    model.on_connection_lost();
    CHECK(model.connection() == watch::ConnectionState::lost);
    model.on_reconnected();
    CHECK(model.connection() == watch::ConnectionState::reconnected);
    model.on_note("skipped: not JSON");
    CHECK(model.last_note() == "skipped: not JSON");
}

TEST_CASE("with several channels a label names its channel", "[watch][model]") {
    WatchModel model(Span(3600), {{1, "Temp"}}, true);
    model.on_update(FieldUpdate{"t", 12, *FieldNumber::of(1), "3", kNoon}, kNoon);
    model.on_update(FieldUpdate{"t", 13, *FieldNumber::of(2), "4", kNoon}, kNoon);
    const auto& series = model.store().series();
    REQUIRE(series.size() == 2);
    CHECK(series[0].label() == "12 Temp");
    CHECK(series[1].label() == "13 field2");
}
