// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/memory_outbox.hpp"
#include "core/publish.hpp"
#include "fake_session.hpp"

using namespace tsmqtt;
using namespace tsmqtt::testing;

namespace {

struct Rig {
    Rig() { session.clock = &clock; }
    FakeSession session;
    FakeClock clock;
    FakeCalendar calendar;
    RecordingDiagnostics diagnostics;
    MemoryOutbox outbox;
    std::atomic<int> stop{0};
    PublishIo io{clock, calendar, diagnostics, stop};

    PublishReport run(const PublishPlan& plan, std::vector<std::string> lines = {},
                      std::optional<std::size_t> stop_after = std::nullopt) {
        StringLines input(std::move(lines), stop_after ? &stop : nullptr, stop_after.value_or(0));
        return run_publish(session, outbox, plan, &input, io);
    }
};

PublishPlan entry_stream() {
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::entries;
    plan.stream_topic = "channels/7/publish";
    return plan;
}

}  // namespace

TEST_CASE("one-shot messages are published in order", "[publish]") {
    Rig rig;
    PublishPlan plan;
    plan.messages = {{"a", "1"}, {"b", "2"}};
    plan.qos = 1;
    plan.retain = true;
    const auto report = rig.run(plan);
    REQUIRE(rig.session.published.size() == 2);
    CHECK(rig.session.published[1].topic == "b");
    CHECK(rig.session.published[1].payload == "2");
    CHECK(rig.session.published[0].qos == 1);
    CHECK(rig.session.published[0].retain);
    CHECK(report.sent == 2);
}

TEST_CASE("a line stream publishes each entry, skips blank and bad lines with their numbers",
          "[publish]") {
    Rig rig;
    const auto report =
        rig.run(entry_stream(), {"1,2", "", "field9=1", "status=ok", "{\"field3\": 3}", "7"});
    REQUIRE(rig.session.published.size() == 4);
    CHECK(rig.session.published[0].payload == "field1=1&field2=2");
    CHECK(rig.session.published[1].payload == "status=ok");
    CHECK(rig.session.published[2].payload == "field3=3");
    CHECK(rig.session.published[3].payload == "field1=7");
    CHECK(rig.session.published[3].topic == "channels/7/publish");
    CHECK(report.sent == 4);
    CHECK(report.skipped == 1);
    REQUIRE(rig.diagnostics.warnings.size() == 1);
    CHECK_THAT(rig.diagnostics.warnings[0],
               Catch::StartsWith("stdin line 3 skipped: unknown parameter 'field9'"));
}

TEST_CASE("strict mode makes a bad line fatal with exit 2", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.strict = true;
    try {
        rig.run(plan, {"1", "lat=100", "2"});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::usage);
        CHECK_THAT(e.what(), Catch::StartsWith("stdin line 2: invalid lat '100'"));
    }
    CHECK(rig.session.published.size() == 1);
}

TEST_CASE("raw lines are published verbatim", "[publish]") {
    Rig rig;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    const auto report = rig.run(plan, {"a b", "  ", "field1=x&y", "{not json"});
    REQUIRE(rig.session.published.size() == 3);
    CHECK(rig.session.published[1].payload == "field1=x&y");
    CHECK(rig.session.published[2].payload == "{not json");
    CHECK(report.skipped == 0);
}

TEST_CASE("the interval spaces the messages and never drops one", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.interval = std::chrono::seconds(15);
    plan.flush_timeout = std::chrono::seconds(60);
    const auto report = rig.run(plan, {"1", "2", "3"});
    REQUIRE(rig.session.published_at.size() == 3);
    CHECK(rig.session.published_at[1] - rig.session.published_at[0] == std::chrono::seconds(15));
    CHECK(rig.session.published_at[2] - rig.session.published_at[1] == std::chrono::seconds(15));
    CHECK(report.sent == 3);
    CHECK(report.last_wait == std::chrono::seconds(0));  // the fake calendar stands still
    CHECK(summary_line(report, plan) == "3 sent, 0 skipped, 0 not sent; the last entry waited 0 s");
}

TEST_CASE("paced entries are not rushed: what the flush timeout leaves is not sent", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.interval = std::chrono::seconds(15);
    plan.flush_timeout = std::chrono::seconds(20);
    plan.keep_unsent_lines = true;
    const auto report = rig.run(plan, {"1", "2", "3", "4"});
    CHECK(rig.session.published.size() == 2);
    CHECK(report.sent == 2);
    CHECK(report.not_sent == 2);
    CHECK(report.unsent_lines == std::vector<std::string>{"3", "4"});
}

TEST_CASE("a stop signal ends reading; what was read is still sent within the flush timeout",
          "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.interval = std::chrono::seconds(10);
    plan.flush_timeout = std::chrono::seconds(15);
    plan.keep_unsent_lines = true;
    const auto report = rig.run(plan, {"1", "2", "3", "4", "5"}, 3);
    CHECK(report.interrupted);
    CHECK(rig.session.published.size() == 2);  // at 0 s and 10 s; the third would be at 20 s
    CHECK(report.sent == 2);
    CHECK(report.not_sent == 1);
    CHECK(report.unsent_lines == std::vector<std::string>{"3"});
    CHECK(summary_line(report, plan) == "2 sent, 0 skipped, 1 not sent; the last entry waited 0 s");
}

TEST_CASE("sent means confirmed: a broker that never confirms gets nothing counted", "[publish]") {
    Rig rig;
    rig.session.confirm = false;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    plan.flush_timeout = std::chrono::seconds(5);
    const auto report = rig.run(plan, {"a", "b"});
    CHECK(rig.session.published.size() == 2);
    CHECK(report.sent == 0);
    CHECK(report.not_sent == 2);
}

TEST_CASE("what a dead connection held is sent again for ThingSpeak and QoS 1, in order",
          "[publish]") {
    Rig rig;
    rig.session.lose_after = 2;
    auto plan = entry_stream();
    plan.stamp = true;
    plan.channel = 7;
    plan.interval = std::chrono::milliseconds(0);
    const auto report = rig.run(plan, {"1", "2", "3"});
    REQUIRE(rig.session.published.size() == 5);
    // The copies carry the stamps of the first attempt: ThingSpeak keeps one of each.
    CHECK(rig.session.published[2].payload == rig.session.published[0].payload);
    CHECK(rig.session.published[3].payload == rig.session.published[1].payload);
    CHECK_THAT(rig.session.published[4].payload, Catch::StartsWith("field1=3&created_at="));
    CHECK(report.sent == 3);
    CHECK(report.not_sent == 0);
    CHECK(report.not_confirmed == 0);

    Rig raw1;
    raw1.session.lose_after = 1;
    PublishPlan qos1;
    qos1.messages = {{"t", "x"}};
    qos1.qos = 1;
    CHECK(raw1.run(qos1).sent == 1);
    CHECK(raw1.session.published.size() == 2);
}

TEST_CASE("raw QoS 0 written into a dead connection is counted not confirmed", "[publish]") {
    Rig rig;
    rig.session.lose_after = 2;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    const auto report = rig.run(plan, {"a", "b", "c"});
    CHECK(rig.session.published.size() == 3);
    CHECK(report.sent == 1);
    CHECK(report.not_confirmed == 2);
    CHECK(summary_line(report, plan) == "1 sent, 0 skipped, 0 not sent, 2 not confirmed");
}

TEST_CASE("without reconnecting, the first loss ends the run and stops reading", "[publish]") {
    Rig rig;
    rig.session.lose_after = 1;
    PublishPlan plan;
    plan.stream = PublishPlan::Stream::raw_lines;
    plan.stream_topic = "t";
    plan.reconnect = false;
    plan.keep_unsent_lines = true;
    std::vector<std::string> lines(2000, "x");
    const auto report = rig.run(plan, lines);
    CHECK(report.connection_lost);
    CHECK(report.not_confirmed == 1);
    CHECK(report.not_sent + report.not_confirmed + report.sent < 2000);  // reading stopped
    CHECK(report.unsent_lines.size() == report.not_sent);
}

TEST_CASE("a stream that cannot connect keeps trying with backoff, reading meanwhile",
          "[publish]") {
    Rig rig;
    rig.session.connect_failures = 3;
    rig.session.up = false;
    auto plan = entry_stream();
    plan.retry_first_connect = true;
    plan.interval = std::chrono::milliseconds(0);
    const auto start = rig.clock.now();
    const auto report = rig.run(plan, {"1", "2"});
    CHECK(rig.session.connects == 4);
    CHECK(rig.clock.now() - start >= std::chrono::seconds(1 + 2 + 4));
    CHECK(report.sent == 2);
    REQUIRE(rig.diagnostics.warnings.size() == 2);  // once, then "connected"
    CHECK_THAT(rig.diagnostics.warnings[0],
               Catch::StartsWith("cannot reach broker: connection refused; trying again"));
    CHECK(rig.diagnostics.warnings[1] == "connected to the broker");
}

TEST_CASE("a one-shot that cannot connect fails at once with exit 3", "[publish]") {
    Rig rig;
    rig.session.connect_failures = 1;
    PublishPlan plan;
    plan.messages = {{"t", "x"}};
    try {
        rig.run(plan);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::network);
    }
    CHECK(rig.session.connects == 1);
}

TEST_CASE("stream entries are stamped with their reading time, unique per channel", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.stamp = true;
    plan.channel = 7;
    plan.interval = std::chrono::milliseconds(0);
    rig.run(plan, {"1", "2", "created_at=2025-01-01T00:00:00Z&field1=3"});
    REQUIRE(rig.session.published.size() == 3);
    CHECK(rig.session.published[0].payload == "field1=1&created_at=2026-12-02T00%3A00%3A00Z");
    CHECK(rig.session.published[1].payload == "field1=2&created_at=2026-12-02T00%3A00%3A01Z");
    CHECK(rig.session.published[2].payload == "field1=3&created_at=2025-01-01T00%3A00%3A00Z");
}

TEST_CASE("a CSV header row as line 1 names the columns", "[publish]") {
    Rig rig;
    rig.run(entry_stream(), {"", "status, field2 ,-", "ok,5,ignored", "field1,status"});
    REQUIRE(rig.session.published.size() == 2);
    CHECK(rig.session.published[0].payload == "field2=5&status=ok");
    // Only line 1 can be a header: later, names are values.
    CHECK(rig.session.published[1].payload == "field2=status&status=field1");
}

TEST_CASE("with explicit columns a header row is skipped, not sent", "[publish]") {
    Rig rig;
    auto plan = entry_stream();
    plan.columns = parse_columns("field3");
    plan.header_sets_columns = false;
    rig.run(plan, {"field1", "7"});
    REQUIRE(rig.session.published.size() == 1);
    CHECK(rig.session.published[0].payload == "field3=7");
}
